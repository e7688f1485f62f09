import { bottomAxis, legend, valueAxis } from '../charts/axes';
import { element, linePath, svgDocument, text } from '../charts/svg';
import { linearScale, niceTicks } from '../charts/ticks';
import { completedWaits } from './figures';
import { SimulationTrace } from './simulator';

/** What the wait chart draws of a run (a ForesightRun is one). */
export interface WaitChartRun {
  readonly env: string;
  readonly service: string;
  readonly workload: string;
  readonly acceptableLatencySeconds: number;
  readonly policies: Readonly<Record<string, { readonly trace: Pick<SimulationTrace, 'jobStatus' | 'waitSeconds' | 'arrivedAwake' | 'workload' | 'measureFromMinute'> }>>;
}

const WIDTH = 960;
const HEIGHT = 440;
const PLOT = { left: 72, top: 64, width: 840, height: 300 };
const PALETTE = ['#1d3557', '#e76f51', '#2a9d8f', '#8338ec'];
const LATENCY_COLOR = '#c1121f';

/** How many of `sorted` are at most `value`. */
function countAtMost(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const percent = (share: number) => `${(Math.round(share * 1000) / 10).toFixed(1)} %`;

/**
 * An SVG chart of the distribution of job waits (seconds from arrival in the queue to the start of
 * the job's last run, completed jobs only), one cumulative line per policy, with the service's
 * acceptableLatency marked and the share of jobs within it on each line.
 */
export function renderWaitChart(run: WaitChartRun): string {
  const names = Object.keys(run.policies);
  const waits = names.map((name) => completedWaits(run.policies[name].trace));
  const longest = Math.max(run.acceptableLatencySeconds, ...waits.map((w) => (w.length ? w[w.length - 1] : 0)));
  const xTicks = niceTicks(longest, 8);
  const bottom = PLOT.top + PLOT.height;
  const x = linearScale(xTicks[xTicks.length - 1], PLOT.left, PLOT.left + PLOT.width);
  const y = linearScale(100, bottom, PLOT.top);
  const xLatency = x(run.acceptableLatencySeconds);
  const lines = names.map((name, i) => {
    const sorted = waits[i];
    const color = PALETTE[i % PALETTE.length];
    if (sorted.length === 0) return { name, color, label: `${name} policy: no job completed`, svg: '' };
    // One point per pixel column: the share of jobs that waited at most that long.
    const points = Array.from({ length: PLOT.width + 1 }, (_, px): [number, number] =>
      [PLOT.left + px, y((100 * countAtMost(sorted, ((px / PLOT.width) * xTicks[xTicks.length - 1]))) / sorted.length)]);
    const within = countAtMost(sorted, run.acceptableLatencySeconds) / sorted.length;
    return {
      name,
      color,
      label: `${name} policy: ${percent(within)} of ${sorted.length} jobs within acceptableLatency`,
      svg: element('g', { class: 'series', 'data-series': name },
        element('path', { d: linePath(points), fill: 'none', stroke: color, 'stroke-width': 1.8 }),
        element('circle', { class: 'within-latency', cx: xLatency, cy: y(100 * within), r: 3.5, fill: color, 'data-share': String(within) })),
    };
  });
  return svgDocument(WIDTH, HEIGHT, `${run.env} / ${run.service}, workload ${run.workload}: how long jobs waited before they started`, [
    text(PLOT.left, 44, 'Cumulative: each line shows the share of completed jobs that waited at most the time below it.', { fill: '#666' }),
    valueAxis(PLOT, { side: 'left', ticks: [0, 20, 40, 60, 80, 100], y, title: 'completed jobs (%)', format: (v) => `${v} %`, grid: true }),
    bottomAxis(PLOT, xTicks.map((v) => ({ x: x(v), label: [`${v} s`] })), 'wait in the queue before the job started (seconds)'),
    element('g', { class: 'marker', 'data-marker': 'acceptable-latency' },
      element('line', { x1: xLatency, y1: PLOT.top, x2: xLatency, y2: bottom, stroke: LATENCY_COLOR, 'stroke-width': 1.5, 'stroke-dasharray': '5 3' }),
      text(xLatency + 4, bottom - 8, `acceptableLatency ${run.acceptableLatencySeconds} s`, { fill: LATENCY_COLOR })),
    element('g', { class: 'marker', 'data-marker': 'p95' },
      element('line', { x1: PLOT.left, y1: y(95), x2: PLOT.left + PLOT.width, y2: y(95), stroke: '#999', 'stroke-dasharray': '2 2' }),
      text(PLOT.left + PLOT.width - 4, y(95) + 12, '95 %', { 'text-anchor': 'end', fill: '#666' })),
    ...lines.map((l) => l.svg),
    legend(PLOT.left + PLOT.width - 440, bottom - 18 * lines.length - 24, [
      ...lines.map((l) => ({ series: l.name, label: l.label, color: l.color, swatch: 'line' as const })),
      { series: 'acceptable-latency', label: `acceptableLatency ${run.acceptableLatencySeconds} s`, color: LATENCY_COLOR, swatch: 'dashed' },
    ], 'column'),
    element('rect', { x: PLOT.left, y: PLOT.top, width: PLOT.width, height: PLOT.height, fill: 'none', stroke: '#999' }),
  ]);
}
