import { bottomAxis, legend, PlotArea, valueAxis } from '../charts/axes';
import { element, stepPath, svgDocument, text } from '../charts/svg';
import { linearScale, niceTicks } from '../charts/ticks';
import { PolicyFigures } from './figures';
import { FleetModel } from './fleet-model';
import type { ForesightRun } from './foresight-run';
import { LocalClock } from './local-time';
import { SimulationTrace } from './simulator';
import { localTimeTicks, timeAxisTitle } from './time-axis';

/** What the chart draws of one policy's run. */
export interface CapacityChartPolicy {
  /** Its series from `measureFromMinute` on are drawn: the measured days, not the history before them. */
  readonly trace: Pick<SimulationTrace, 'visible' | 'desired' | 'inService' | 'measureFromMinute'>;
  readonly fleet: Pick<FleetModel, 'maxSize'>;
  readonly figures: Pick<PolicyFigures, 'p95WaitSeconds' | 'gpuHours' | 'instanceHours' | 'timesLimit' | 'oracleGpuHoursLowerBound' | 'costUsd'>;
}

/** What the chart draws of a run: a ForesightRun, each policy with what the chart reads of it. */
export type CapacityChartRun = Omit<ForesightRun, 'policies'> & { readonly policies: Readonly<Record<string, CapacityChartPolicy>> };

const WIDTH = 960;
const PLOT = { left: 72, right: 72, height: 180 };
/** Panel title above the plot; time labels (two lines) and the axis title below it. */
const PANEL = { above: 36, below: 64 };
const HEADER = 64;
/** Minutes per plotted step: the chart keeps each bucket's maximum, so no peak is lost. */
export const BUCKET_MINUTES = 10;

export const COLORS = { waiting: '#e76f51', inService: '#2a9d8f', desired: '#1d3557', limit: '#8338ec' };

/** The measured minutes of a series (from `measureFromMinute`). */
const measured = (trace: CapacityChartPolicy['trace'], series: 'visible' | 'desired' | 'inService') => trace[series].subarray(trace.measureFromMinute);

/**
 * The clairvoyant limit as instances on average over the measured minutes: its GPU-hours in
 * instance-hours (the policy's GPUs per instance), spread evenly.
 */
export function limitMeanInstances(figures: CapacityChartPolicy['figures'], minutes: number): number {
  return figures.gpuHours > 0 && minutes > 0 ? (figures.oracleGpuHoursLowerBound * (figures.instanceHours / figures.gpuHours)) / (minutes / 60) : 0;
}

/** The maximum of each bucket of BUCKET_MINUTES minutes. */
export function bucketMax(series: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < series.length; i += BUCKET_MINUTES) {
    let max = 0;
    for (let k = i; k < Math.min(series.length, i + BUCKET_MINUTES); k++) max = Math.max(max, series[k]);
    out.push(max);
  }
  return out;
}

/** What `usd` dollars over `days` simulated days reads as, e.g. `$40.74 per week`. */
export function costPerPeriod(usd: number, days: number): string {
  const period = days === 7 ? 'week' : days === 1 ? 'day' : `${days} days`;
  return `$${usd.toFixed(2)} per ${period}`;
}

function panel(run: CapacityChartRun, name: string, plot: PlotArea, scales: { instances: number[]; waiting: number[] }, clock: LocalClock): string {
  const { trace, figures } = run.policies[name];
  const minutes = measured(trace, 'visible').length;
  const bottom = plot.top + plot.height;
  const x = (bucket: number) => plot.left + (Math.min(minutes, bucket * BUCKET_MINUTES) / minutes) * plot.width;
  const yInstances = linearScale(scales.instances[scales.instances.length - 1], bottom, plot.top);
  const yWaiting = linearScale(scales.waiting[scales.waiting.length - 1], bottom, plot.top);
  const waiting = bucketMax(measured(trace, 'visible'));
  const limit = limitMeanInstances(figures, minutes);
  const title = `${name} policy: p95 wait ${figures.p95WaitSeconds} s (acceptableLatency ${run.acceptableLatencySeconds} s), `
    + `${figures.gpuHours} GPU-hours = ${figures.timesLimit} x the clairvoyant limit (${figures.oracleGpuHoursLowerBound}), ${costPerPeriod(figures.costUsd, minutes / 1440)}`;
  const ticks = localTimeTicks(clock, run.startEpochSeconds, minutes)
    .map((t) => ({ x: plot.left + (t.minute / minutes) * plot.width, label: t.label, major: t.major }));
  return element('g', { class: 'panel', 'data-policy': name },
    text(plot.left, plot.top - 12, title, { class: 'panel-title', 'font-weight': 'bold' }),
    valueAxis(plot, { side: 'left', ticks: scales.instances, y: yInstances, title: 'instances', format: String, grid: true }),
    bottomAxis(plot, ticks, timeAxisTitle(clock, run.startEpochSeconds, minutes)),
    valueAxis(plot, { side: 'right', ticks: scales.waiting, y: yWaiting, title: 'jobs waiting', format: String, color: COLORS.waiting }),
    element('path', {
      class: 'series', 'data-series': 'jobs-waiting', d: `${stepPath(waiting, x, yWaiting)}V${bottom}H${plot.left}Z`,
      fill: COLORS.waiting, 'fill-opacity': 0.35, stroke: COLORS.waiting, 'stroke-width': 0.8,
    }),
    // InService as a wide translucent band, desired as a thin dashed line on top: equal, both still show.
    element('path', {
      class: 'series', 'data-series': 'in-service', d: stepPath(bucketMax(measured(trace, 'inService')), x, yInstances),
      fill: 'none', stroke: COLORS.inService, 'stroke-width': 4, 'stroke-opacity': 0.6,
    }),
    element('path', {
      class: 'series', 'data-series': 'desired', d: stepPath(bucketMax(measured(trace, 'desired')), x, yInstances),
      fill: 'none', stroke: COLORS.desired, 'stroke-width': 1.3, 'stroke-dasharray': '5 3',
    }),
    element('line', {
      class: 'series', 'data-series': 'limit', x1: plot.left, x2: plot.left + plot.width, y1: yInstances(limit), y2: yInstances(limit),
      stroke: COLORS.limit, 'stroke-width': 1.5, 'stroke-dasharray': '1 3',
    }),
    text(plot.left + plot.width - 4, yInstances(limit) - 4, `clairvoyant limit: ${limit.toFixed(2)} instances on average`, { class: 'limit-label', 'text-anchor': 'end', fill: COLORS.limit }),
    element('rect', { x: plot.left, y: plot.top, width: plot.width, height: plot.height, fill: 'none', stroke: '#999' }));
}

/**
 * An SVG chart of a run's measured days: one panel per policy, with jobs waiting (shaded, right
 * axis), desired capacity (dashed), InService instances (wide band) and the clairvoyant limit's
 * instances on average (dotted) on the left axis, over local time in the run's time zone, each
 * bucket of BUCKET_MINUTES minutes at its maximum.
 */
export function renderChart(run: CapacityChartRun): string {
  const names = Object.keys(run.policies);
  const days = Math.max(...names.map((n) => measured(run.policies[n].trace, 'visible').length)) / 1440;
  const maxWaiting = Math.max(0, ...names.map((n) => measured(run.policies[n].trace, 'visible').reduce((a, b) => Math.max(a, b), 0)));
  const maxInstances = Math.max(...names.map((n) => run.policies[n].fleet.maxSize));
  const scales = { instances: niceTicks(Math.max(1, maxInstances), 5, true), waiting: niceTicks(Math.max(1, maxWaiting), 5, true) };
  const clock = new LocalClock(run.timeZone);
  const panelHeight = PANEL.above + PLOT.height + PANEL.below;
  const panels = names.map((name, p) => panel(run, name, {
    left: PLOT.left, top: HEADER + p * panelHeight + PANEL.above, width: WIDTH - PLOT.left - PLOT.right, height: PLOT.height,
  }, scales, clock));
  return svgDocument(WIDTH, HEADER + names.length * panelHeight, `${run.env} / ${run.service}, workload ${run.workload}: jobs waiting and instances over ${days} simulated day${days === 1 ? '' : 's'}`, [
    legend(PLOT.left, 40, [
      { series: 'jobs-waiting', label: 'jobs waiting (right axis)', color: COLORS.waiting, swatch: 'area' },
      { series: 'desired', label: 'desired capacity', color: COLORS.desired, swatch: 'dashed' },
      { series: 'in-service', label: 'InService instances', color: COLORS.inService, swatch: 'thick' },
      { series: 'limit', label: 'clairvoyant limit, mean instances', color: COLORS.limit, swatch: 'dashed' },
    ]),
    text(PLOT.left, 58, `Each step of a series is the maximum of ${BUCKET_MINUTES} simulated minutes.`, { fill: '#666' }),
    ...panels,
  ]);
}
