import { bottomAxis, legend, valueAxis } from '../charts/axes';
import { element, svgDocument, text } from '../charts/svg';
import { linearScale, niceTicks } from '../charts/ticks';
import { CostEstimate } from './cost-model';

/** What the cost chart draws of an environment's estimate. */
export type CostChartEstimate = Pick<CostEstimate, 'env' | 'budgetUsd' | 'total'>;

const HEIGHT = 450;
const PLOT = { left: 96, top: 110, height: 270, right: 32 };
const SLOT_WIDTH = 220;
export const COST_COLORS = { withinBudget: '#457b9d', overBudget: '#e63946', range: '#1d3557', budget: '#c1121f' };

/** A white outline behind a label, so a line it crosses does not hide it. */
const HALO = { stroke: 'white', 'stroke-width': 3, 'paint-order': 'stroke' };

/** Whole dollars with thousands separators, e.g. `$1,902`. */
export const dollars = (usd: number): string => `$${Math.round(usd).toLocaleString('en-US')}`;

/**
 * An SVG bar chart of monthly cost, one bar per environment: the expected cost as the bar, the
 * min-max range as a whisker, the environment's budget as a line across its slot (a bar above
 * its budget is red). `note` (lines) says what the estimate assumed (prices, workload).
 */
export function renderCostChart(estimates: readonly CostChartEstimate[], note: readonly string[]): string {
  const width = PLOT.left + PLOT.right + SLOT_WIDTH * Math.max(3, estimates.length);
  const plot = { left: PLOT.left, top: PLOT.top, width: width - PLOT.left - PLOT.right, height: PLOT.height };
  const bottom = plot.top + plot.height;
  const ticks = niceTicks(Math.max(1, ...estimates.flatMap((e) => [e.total.maxUsd, e.budgetUsd ?? 0])), 6);
  const y = linearScale(ticks[ticks.length - 1], bottom, plot.top);
  const slot = plot.width / Math.max(1, estimates.length);
  const barWidth = Math.min(48, slot * 0.25);
  const bars = estimates.map((e, i) => {
    const center = plot.left + slot * (i + 0.5);
    const over = e.budgetUsd !== undefined && e.total.expectedUsd > e.budgetUsd;
    const color = over ? COST_COLORS.overBudget : COST_COLORS.withinBudget;
    const [yMin, yMax, yExpected] = [y(e.total.minUsd), y(e.total.maxUsd), y(e.total.expectedUsd)];
    const cap = barWidth / 4;
    const budgetLine = { from: center - slot * 0.4, to: center + slot * 0.4 };
    return element('g', { class: 'environment', 'data-env': e.env },
      element('rect', { class: 'expected', x: center - barWidth / 2, y: yExpected, width: barWidth, height: bottom - yExpected, fill: color, 'data-usd': String(e.total.expectedUsd) }),
      element('path', {
        class: 'range', d: `M${center - cap},${yMax}H${center + cap}M${center},${yMax}V${yMin}M${center - cap},${yMin}H${center + cap}`,
        stroke: COST_COLORS.range, 'stroke-width': 1.5, fill: 'none', 'data-min-usd': String(e.total.minUsd), 'data-max-usd': String(e.total.maxUsd),
      }),
      text(center, yMax - 6, `${dollars(e.total.minUsd)} - ${dollars(e.total.maxUsd)}`, { class: 'range-label', 'text-anchor': 'middle', fill: COST_COLORS.range, ...HALO }),
      e.budgetUsd === undefined ? '' : element('g', { class: 'budget', 'data-usd': String(e.budgetUsd) },
        element('line', { x1: budgetLine.from, y1: y(e.budgetUsd), x2: budgetLine.to, y2: y(e.budgetUsd), stroke: COST_COLORS.budget, 'stroke-width': 2, 'stroke-dasharray': '6 3' }),
        text(budgetLine.from, y(e.budgetUsd) - 4, `budget ${dollars(e.budgetUsd)}`, { fill: COST_COLORS.budget, ...HALO })),
      text(center + barWidth / 2 + 6, Math.min(yExpected + 4, bottom - 4), `${dollars(e.total.expectedUsd)}${over ? ' over budget' : ''}`, {
        class: 'expected-label', fill: over ? COST_COLORS.overBudget : '#333', 'font-weight': 'bold', ...HALO,
      }));
  });
  return svgDocument(width, HEIGHT, 'Monthly cost per environment', [
    text(16, 40, note, { fill: '#666' }),
    legend(PLOT.left, 84, [
      { series: 'expected', label: 'expected', color: COST_COLORS.withinBudget, swatch: 'bar' },
      { series: 'over-budget', label: 'expected, over budget', color: COST_COLORS.overBudget, swatch: 'bar' },
      { series: 'range', label: 'min - max', color: COST_COLORS.range, swatch: 'range' },
      { series: 'budget', label: 'budget', color: COST_COLORS.budget, swatch: 'dashed' },
    ]),
    valueAxis(plot, { side: 'left', ticks, y, title: 'USD per month', format: dollars, grid: true }),
    bottomAxis(plot, estimates.map((e, i) => ({ x: plot.left + slot * (i + 0.5), label: [e.env] })), 'environment', false),
    ...bars,
  ]);
}
