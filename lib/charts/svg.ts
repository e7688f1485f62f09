/** Attribute values of an SVG element; `undefined` leaves the attribute out. */
export type SvgAttributes = Readonly<Record<string, string | number | undefined>>;

/** `text` escaped for SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number as an SVG coordinate: at most one decimal, no trailing zeros. */
export const coordinate = (n: number): string => String(Math.round(n * 10) / 10);

function attributesOf(attributes: SvgAttributes): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(typeof value === 'number' ? coordinate(value) : value)}"`)
    .join('');
}

/** An SVG element with its children (already rendered), or empty when it has none. */
export function element(tag: string, attributes: SvgAttributes, ...children: string[]): string {
  return children.length === 0 ? `<${tag}${attributesOf(attributes)}/>` : `<${tag}${attributesOf(attributes)}>${children.join('')}</${tag}>`;
}

/** A `<text>` element holding `content` (escaped); several lines become `<tspan>`s 1.2 em apart. */
export function text(x: number, y: number, content: string | readonly string[], attributes: SvgAttributes = {}): string {
  const lines = typeof content === 'string' ? [content] : content;
  const body = lines.length === 1
    ? escapeXml(lines[0])
    : lines.map((line, i) => element('tspan', { x, dy: i === 0 ? undefined : '1.2em' }, escapeXml(line))).join('');
  return element('text', { x, y, ...attributes }, body);
}

/** A polyline path through `points`, as `d`. */
export function linePath(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${coordinate(x)},${coordinate(y)}`).join('');
}

/**
 * A step path as `d`: value i holds from x(i) to x(i + 1), the way a capacity or a queue holds
 * its value until it changes.
 */
export function stepPath(values: readonly number[], x: (i: number) => number, y: (v: number) => number): string {
  return values.map((v, i) => `${i === 0 ? 'M' : 'L'}${coordinate(x(i))},${coordinate(y(v))}H${coordinate(x(i + 1))}`).join('');
}

/** A whole SVG document: white background, `title` for screen readers and as the heading drawn at the top left. */
export function svgDocument(width: number, height: number, title: string, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    element('title', {}, escapeXml(title)),
    element('rect', { width: '100%', height: '100%', fill: 'white' }),
    text(16, 20, title, { 'font-size': 14, 'font-weight': 'bold', class: 'chart-title' }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
