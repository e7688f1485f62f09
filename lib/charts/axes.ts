import { element, text } from './svg';

/** The plotting area of a chart, in pixels from the top left. */
export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** A value axis beside the plot. */
export interface ValueAxis {
  readonly side: 'left' | 'right';
  /** Tick values, from `niceTicks`. */
  readonly ticks: readonly number[];
  /** Pixel y of a value. */
  readonly y: (value: number) => number;
  /** Axis title with its unit, e.g. `instances` or `USD per month`. */
  readonly title: string;
  /** A tick's label. */
  readonly format: (value: number) => string;
  /**
   * Colour of the labels, to match the series the axis measures.
   * @default '#333'
   */
  readonly color?: string;
  /**
   * Horizontal grid lines across the plot at each tick.
   * @default false
   */
  readonly grid?: boolean;
}

/** Average width of a character of the 11 px sans-serif labels, to lay labels out. */
const CHARACTER_WIDTH = 6.2;

/** A value axis: line, ticks with labels, grid lines, and its title turned along it, clear of the longest label. */
export function valueAxis(plot: PlotArea, axis: ValueAxis): string {
  const color = axis.color ?? '#333';
  const left = axis.side === 'left';
  const x = left ? plot.left : plot.left + plot.width;
  const out = left ? -1 : 1;
  const ticks = axis.ticks.map((value) => {
    const y = axis.y(value);
    return element('g', { class: 'tick', 'data-value': String(value) },
      axis.grid ? element('line', { x1: plot.left, y1: y, x2: plot.left + plot.width, y2: y, stroke: '#e5e5e5' }) : '',
      element('line', { x1: x, y1: y, x2: x + 4 * out, y2: y, stroke: color }),
      text(x + 7 * out, y + 4, axis.format(value), { 'text-anchor': left ? 'end' : 'start', fill: color }));
  });
  const longest = Math.max(...axis.ticks.map((value) => axis.format(value).length));
  const titleX = x + (7 + longest * CHARACTER_WIDTH + 12) * out;
  const titleY = plot.top + plot.height / 2;
  return element('g', { class: `axis axis-${axis.side}` },
    element('line', { x1: x, y1: plot.top, x2: x, y2: plot.top + plot.height, stroke: color }),
    ...ticks,
    text(titleX, titleY, axis.title, {
      class: 'axis-title', 'text-anchor': 'middle', fill: color, transform: `rotate(${left ? -90 : 90} ${titleX} ${titleY})`,
    }));
}

/** One tick of a category or time axis below the plot. */
export interface BottomTick {
  /** Pixel x. */
  readonly x: number;
  /** Label lines, e.g. `['00:00', 'Tue 6 Jan']`. */
  readonly label: readonly string[];
  /**
   * A darker grid line (e.g. local midnight).
   * @default false
   */
  readonly major?: boolean;
}

/** An axis below the plot: ticks, vertical grid lines (when `grid`), labels and the title under them. */
export function bottomAxis(plot: PlotArea, ticks: readonly BottomTick[], title: string, grid = true): string {
  const bottom = plot.top + plot.height;
  return element('g', { class: 'axis axis-bottom' },
    element('line', { x1: plot.left, y1: bottom, x2: plot.left + plot.width, y2: bottom, stroke: '#333' }),
    ...ticks.map((tick) => element('g', { class: 'tick', 'data-label': tick.label.join(' ') },
      grid ? element('line', { x1: tick.x, y1: plot.top, x2: tick.x, y2: bottom, stroke: tick.major ? '#bbb' : '#eee' }) : '',
      element('line', { x1: tick.x, y1: bottom, x2: tick.x, y2: bottom + 4, stroke: '#333' }),
      text(tick.x, bottom + 15, tick.label, { 'text-anchor': 'middle', fill: '#333' }))),
    text(plot.left + plot.width / 2, bottom + 46, title, { class: 'axis-title', 'text-anchor': 'middle', fill: '#333' }));
}

/** How a legend item draws its series. */
export type LegendSwatch = 'line' | 'dashed' | 'thick' | 'area' | 'bar' | 'range';

/** One legend entry. */
export interface LegendItem {
  /** The series it names, as the series' `data-series`. */
  readonly series: string;
  readonly label: string;
  readonly color: string;
  readonly swatch: LegendSwatch;
}

function swatch(x: number, y: number, item: LegendItem): string {
  switch (item.swatch) {
    case 'area':
    case 'bar':
      return element('rect', { x, y: y - 8, width: 22, height: 10, fill: item.color, 'fill-opacity': item.swatch === 'area' ? 0.5 : 1 });
    case 'range':
      return element('path', { d: `M${x + 5},${y - 9}H${x + 17}M${x + 11},${y - 9}V${y + 3}M${x + 5},${y + 3}H${x + 17}`, stroke: item.color, fill: 'none' });
    default:
      return element('line', {
        x1: x, y1: y - 3, x2: x + 22, y2: y - 3, stroke: item.color,
        'stroke-width': item.swatch === 'thick' ? 4 : 1.5, 'stroke-dasharray': item.swatch === 'dashed' ? '5 3' : undefined,
      });
  }
}

/**
 * A legend from (x, y): a swatch and a label per series, in one row or, for `column`, one
 * below the other 18 px apart on a white box (to sit inside a plot's empty corner).
 */
export function legend(x: number, y: number, items: readonly LegendItem[], layout: 'row' | 'column' = 'row'): string {
  let at = x;
  const entries = items.map((item, i) => {
    const [ix, iy] = layout === 'row' ? [at, y] : [x, y + 18 * i];
    at += 28 + item.label.length * CHARACTER_WIDTH + 18;
    return element('g', { class: 'legend-item', 'data-series': item.series }, swatch(ix, iy, item), text(ix + 28, iy, item.label, { fill: '#333' }));
  });
  const box = layout === 'column'
    ? element('rect', {
      x: x - 8, y: y - 16, width: 44 + Math.max(...items.map((i) => i.label.length)) * CHARACTER_WIDTH, height: 18 * items.length + 8,
      fill: 'white', stroke: '#ccc',
    })
    : '';
  return element('g', { class: 'legend' }, box, ...entries);
}
