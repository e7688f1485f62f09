import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../../lib/config';
import { COST_COLORS, CostChartEstimate, dollars, renderCostChart } from '../../lib/foresight/cost-chart';
import { writeCostChart } from '../../scripts/foresight/cost-chart-file';
import { SvgNode, findAll, findOne, hasClass, parseSvg, tickLabels, tickYs, withAttribute } from '../helpers/svg';

const [first, second] = ENVIRONMENTS.map((c) => c.name);
const estimates: CostChartEstimate[] = [
  { env: first, budgetUsd: 500, total: { minUsd: 100, expectedUsd: 300, maxUsd: 1000 } },
  { env: second, budgetUsd: 1500, total: { minUsd: 900, expectedUsd: 2000, maxUsd: 4000 } },
];
const svg = parseSvg(renderCostChart(estimates, ['prices of somewhere']));
const environment = (env: string): SvgNode => findOne(svg, withAttribute('data-env', env), `bars of ${env}`);
const axis = findOne(svg, hasClass('axis-left'));
const ys = tickYs(axis);

describe('the monthly cost chart', () => {
  test('is titled, with the note of what the estimate assumed', () => {
    expect(findOne(svg, hasClass('chart-title')).text).toBe('Monthly cost per environment');
    expect(svg.text).toContain('prices of somewhere');
  });

  test('has a USD-per-month axis with round dollar ticks up to the highest maximum or budget', () => {
    expect(findOne(axis, hasClass('axis-title')).text).toBe('USD per month');
    expect(tickLabels(axis)).toEqual(['$0', '$1,000', '$2,000', '$3,000', '$4,000']);
  });

  test('has one bar per environment, in order, named below it', () => {
    expect(findAll(svg, hasClass('environment')).map((e) => e.attributes['data-env'])).toEqual([first, second]);
    expect(tickLabels(findOne(svg, hasClass('axis-bottom')))).toEqual([first, second]);
  });

  test('draws the expected cost as the bar, from the axis up to its value', () => {
    const bar = findOne(environment(second), hasClass('expected'));
    expect(Number(bar.attributes.y)).toBeCloseTo(ys['2000'], 0);
    expect(Number(bar.attributes.y) + Number(bar.attributes.height)).toBeCloseTo(ys['0'], 0);
  });

  test('draws the min-max range as a whisker, labelled', () => {
    const range = findOne(environment(first), hasClass('range'));
    expect([range.attributes['data-min-usd'], range.attributes['data-max-usd']]).toEqual(['100', '1000']);
    expect(range.attributes.d).toContain(`,${ys['1000']}H`);
    expect(findOne(environment(first), hasClass('range-label')).text).toBe('$100 - $1,000');
  });

  test('draws the budget as a line across the environment\'s slot at its value, labelled', () => {
    const budget = findOne(environment(second), hasClass('budget'));
    expect(Number(findOne(budget, (n) => n.tag === 'line').attributes.y1)).toBeCloseTo(ys['0'] + ((ys['1000'] - ys['0']) * 1500) / 1000, 0);
    expect(budget.text).toBe('budget $1,500');
  });

  test('colours a bar above its budget red and says so; one within it stays blue', () => {
    expect(findOne(environment(second), hasClass('expected')).attributes.fill).toBe(COST_COLORS.overBudget);
    expect(findOne(environment(second), hasClass('expected-label')).text).toBe('$2,000 over budget');
    expect(findOne(environment(first), hasClass('expected')).attributes.fill).toBe(COST_COLORS.withinBudget);
    expect(findOne(environment(first), hasClass('expected-label')).text).toBe('$300');
  });

  test('draws no budget for an environment without one', () => {
    const none = parseSvg(renderCostChart([{ env: first, total: { minUsd: 1, expectedUsd: 2, maxUsd: 3 } }], []));
    expect(findAll(none, hasClass('budget'))).toEqual([]);
  });

  test('has a legend for the bar, the over-budget bar, the range and the budget', () => {
    expect(findAll(svg, hasClass('legend-item')).map((i) => i.attributes['data-series'])).toEqual(['expected', 'over-budget', 'range', 'budget']);
  });
});

describe('dollars', () => {
  test('rounds to whole dollars with thousands separators', () => {
    expect(dollars(1902.49)).toBe('$1,902');
  });
});

describe('npm run cost -- --chart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cost-chart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the chart, creating its directory, with the region, price date and workload in its note', () => {
    const file = join(dir, 'nested', 'cost.svg');
    writeCostChart(file, estimates, { region: 'eu-central-1', asOf: '2026-12-05', workload: { builtIn: 'bursty' }, days: 7 });
    const text = parseSvg(readFileSync(file, 'utf8')).text;
    expect(text).toContain('GPU fleets from 7 simulated days of bursty');
    expect(text).toContain('eu-central-1 prices entered 2026-12-05');
  });
});
