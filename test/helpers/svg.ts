import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One element of a parsed SVG document. */
export interface SvgNode {
  readonly tag: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly SvgNode[];
  /** The text inside the element and its descendants, `<tspan>` lines joined by a space. */
  readonly text: string;
}

type Parsed = Record<string, unknown> & { ':@'?: Record<string, string> };

function toNode(entry: Parsed): SvgNode | undefined {
  const tag = Object.keys(entry).find((key) => key !== ':@');
  if (tag === undefined || tag === '#text') return undefined;
  const raw = (entry[tag] as Parsed[]);
  const children = raw.map(toNode).filter((n): n is SvgNode => n !== undefined);
  const own = raw.filter((c) => '#text' in c).map((c) => String(c['#text']));
  return { tag, attributes: entry[':@'] ?? {}, children, text: [...own, ...children.map((c) => c.text)].filter((t) => t !== '').join(' ') };
}

/** Parses an SVG document; throws when it is not well-formed XML. */
export function parseSvg(svg: string): SvgNode {
  const valid = XMLValidator.validate(svg);
  if (valid !== true) throw new Error(`not well-formed: ${valid.err.msg} (line ${valid.err.line})`);
  const parsed = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, trimValues: false })
    .parse(svg) as Parsed[];
  const root = parsed.map(toNode).find((n) => n?.tag === 'svg');
  if (!root) throw new Error('no <svg> element');
  return root;
}

/** Every element below `node` (itself included), in document order, that `match` accepts. */
export function findAll(node: SvgNode, match: (n: SvgNode) => boolean): SvgNode[] {
  return [...(match(node) ? [node] : []), ...node.children.flatMap((c) => findAll(c, match))];
}

/** The one element below `node` that `match` accepts; throws on none or several. */
export function findOne(node: SvgNode, match: (n: SvgNode) => boolean, what = 'element'): SvgNode {
  const found = findAll(node, match);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}`);
  return found[0];
}

/** Matches elements with this class among their classes. */
export const hasClass = (name: string) => (n: SvgNode): boolean => (n.attributes.class ?? '').split(' ').includes(name);

/** Matches elements whose attribute `name` is `value`. */
export const withAttribute = (name: string, value: string) => (n: SvgNode): boolean => n.attributes[name] === value;

/** The tick labels of an axis group, in order. */
export function tickLabels(axis: SvgNode): string[] {
  return findAll(axis, hasClass('tick')).map((t) => t.text);
}

/** The y of each tick of a value axis, by its value. */
export function tickYs(axis: SvgNode): Record<string, number> {
  return Object.fromEntries(findAll(axis, hasClass('tick')).map((t) => [t.attributes['data-value'], Number(findAll(t, (n) => n.tag === 'line').slice(-1)[0].attributes.y1)]));
}

/** The vertices of a path's `d` made of M, L, H and V commands, in order. */
export function pathPoints(d: string): [number, number][] {
  const points: [number, number][] = [];
  let [x, y] = [0, 0];
  for (const [, command, args] of d.matchAll(/([MLHVZ])([^MLHVZ]*)/g)) {
    const n = args.split(/[ ,]+/).filter((a) => a !== '').map(Number);
    if (command === 'M' || command === 'L') [x, y] = [n[0], n[1]];
    else if (command === 'H') x = n[0];
    else if (command === 'V') y = n[0];
    else continue;
    points.push([x, y]);
  }
  return points;
}
