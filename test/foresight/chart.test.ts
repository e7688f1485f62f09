import { CapacityChartPolicy, CapacityChartRun, costPerPeriod, renderChart } from '../../lib/foresight/chart';
import { SIMULATION_START_EPOCH_SECONDS } from '../../lib/foresight/foresight-run';
import { ENVIRONMENTS } from '../../lib/config';
import { SvgNode, findAll, findOne, hasClass, parseSvg, pathPoints, tickLabels, tickYs, withAttribute } from '../helpers/svg';

const MINUTES = 1440;
const series = (value: (minute: number) => number) => Int32Array.from({ length: MINUTES }, (_, m) => value(m));

/** One day: 30 jobs waiting 10:00-10:10 UTC, desired 2 from 08:00 UTC, InService `lag` minutes later. */
function policy(lag: number): CapacityChartPolicy {
  return {
    trace: { visible: series((m) => (m >= 600 && m < 610 ? 30 : 0)), desired: series((m) => (m >= 480 ? 2 : 0)), inService: series((m) => (m >= 480 + lag ? 2 : 0)), measureFromMinute: 0 },
    fleet: { maxSize: 4 },
    figures: { p95WaitSeconds: 95, gpuHours: 32, instanceHours: 32, timesLimit: 1.5, oracleGpuHoursLowerBound: 21.33, costUsd: 12.5 },
  };
}

const run: CapacityChartRun = {
  env: ENVIRONMENTS[0].name,
  service: 'default',
  workload: 'office-hours',
  timeZone: 'Europe/Berlin',
  startEpochSeconds: SIMULATION_START_EPOCH_SECONDS,
  acceptableLatencySeconds: 120,
  policies: { default: policy(10), step: policy(20) },
};
const svg = parseSvg(renderChart(run));
const panel = (name: string): SvgNode => findOne(svg, withAttribute('data-policy', name), `panel ${name}`);
const seriesPath = (name: string, s: string): SvgNode => findOne(panel(name), withAttribute('data-series', s), `${s} of ${name}`);
const axis = (name: string, side: string): SvgNode => findOne(panel(name), hasClass(`axis-${side}`), `${side} axis`);
/** The plot frame of a panel: its left, width and bottom. */
function frame(name: string): { left: number; width: number } {
  const rect = findAll(panel(name), (n) => n.tag === 'rect').slice(-1)[0];
  return { left: Number(rect.attributes.x), width: Number(rect.attributes.width) };
}

describe('the chart of jobs waiting and instances', () => {
  test('is titled with the environment, service, workload and simulated days', () => {
    expect(findOne(svg, hasClass('chart-title')).text).toBe(`${run.env} / default, workload office-hours: jobs waiting and instances over 1 simulated day`);
  });

  test('has one panel per policy, titled with its figures and its cost for the simulated period', () => {
    expect(findAll(svg, hasClass('panel')).map((p) => p.attributes['data-policy'])).toEqual(['default', 'step']);
    expect(findOne(panel('default'), hasClass('panel-title')).text)
      .toBe('default policy: p95 wait 95 s (acceptableLatency 120 s), 32 GPU-hours = 1.5 x the clairvoyant limit (21.33), $12.50 per day');
  });

  test('has an instances axis on the left with a tick per instance up to MaxSize', () => {
    expect(findOne(axis('default', 'left'), hasClass('axis-title')).text).toBe('instances');
    expect(tickLabels(axis('default', 'left'))).toEqual(['0', '1', '2', '3', '4']);
  });

  test('has a jobs-waiting axis on the right up to the most jobs waiting', () => {
    expect(findOne(axis('default', 'right'), hasClass('axis-title')).text).toBe('jobs waiting');
    expect(tickLabels(axis('default', 'right'))).toEqual(['0', '10', '20', '30']);
  });

  test('has a time axis in the run\'s time zone: local hours, and the weekday and date at local midnight', () => {
    const bottom = axis('default', 'bottom');
    expect(findOne(bottom, hasClass('axis-title')).text).toBe('local time, Europe/Berlin (GMT+1), Mon 5 Jan - Tue 6 Jan 2026');
    expect(tickLabels(bottom)).toEqual(['02:00', '04:00', '06:00', '08:00', '10:00', '12:00', '14:00', '16:00', '18:00', '20:00', '22:00', '00:00 Tue 6 Jan']);
  });

  test('draws desired capacity at 2 instances from 08:00 UTC (09:00 in Berlin), on the instances axis', () => {
    const ys = tickYs(axis('default', 'left'));
    const { left, width } = frame('default');
    const points = pathPoints(seriesPath('default', 'desired').attributes.d);
    expect(new Set(points.map(([, y]) => y))).toEqual(new Set([ys['0'], ys['2']]));
    const rise = points.findIndex(([, y]) => y === ys['2']);
    expect(points[rise][0]).toBeCloseTo(left + (480 / MINUTES) * width, 0);
  });

  test('draws InService later than desired by its lag, and the step policy\'s later still', () => {
    const { left, width } = frame('default');
    const riseAt = (name: string) => {
      const ys = tickYs(axis(name, 'left'));
      const points = pathPoints(seriesPath(name, 'in-service').attributes.d);
      return points[points.findIndex(([, y]) => y === ys['2'])][0];
    };
    expect(riseAt('default')).toBeCloseTo(left + (490 / MINUTES) * width, 0);
    expect(riseAt('step')).toBeCloseTo(left + (500 / MINUTES) * width, 0);
  });

  test('draws desired dashed over InService\'s wider band, so equal lines both show', () => {
    const order = findAll(panel('default'), hasClass('series')).map((s) => s.attributes['data-series']);
    expect(order.indexOf('desired')).toBeGreaterThan(order.indexOf('in-service'));
    expect(seriesPath('default', 'desired').attributes['stroke-dasharray']).toBeDefined();
    expect(Number(seriesPath('default', 'in-service').attributes['stroke-width'])).toBeGreaterThan(Number(seriesPath('default', 'desired').attributes['stroke-width']));
  });

  test('shades jobs waiting up to 30 on the right axis, at 10:00 UTC', () => {
    const ys = tickYs(axis('default', 'right'));
    const { left, width } = frame('default');
    const points = pathPoints(seriesPath('default', 'jobs-waiting').attributes.d);
    const peak = points.filter(([, y]) => y === ys['30']).map(([x]) => x);
    expect(peak[0]).toBeCloseTo(left + (600 / MINUTES) * width, 0);
    expect(peak[peak.length - 1]).toBeCloseTo(left + (610 / MINUTES) * width, 0);
  });

  test('has a legend naming every series', () => {
    expect(findAll(findOne(svg, hasClass('legend')), hasClass('legend-item')).map((i) => [i.attributes['data-series'], i.text])).toEqual([
      ['jobs-waiting', 'jobs waiting (right axis)'],
      ['desired', 'desired capacity'],
      ['in-service', 'InService instances'],
      ['limit', 'clairvoyant limit, mean instances'],
    ]);
  });

  test('marks the clairvoyant limit at its instances on average: 21.33 GPU-hours over a day of one-GPU instances is 0.89', () => {
    const ys = tickYs(axis('default', 'left'));
    const line = seriesPath('default', 'limit');
    expect(Number(line.attributes.y1)).toBeCloseTo(ys['0'] + (ys['1'] - ys['0']) * (21.33 / 24), 1);
    expect(findOne(panel('default'), hasClass('limit-label')).text).toBe('clairvoyant limit: 0.89 instances on average');
  });

  test('draws the measured days only: the weeks of history before them are left out', () => {
    const withHistory = (p: CapacityChartPolicy): CapacityChartPolicy => {
      const history = (s: Int32Array, value: number) => Int32Array.from([...new Array<number>(MINUTES).fill(value), ...s]);
      return { ...p, trace: { visible: history(p.trace.visible, 90), desired: history(p.trace.desired, 4), inService: history(p.trace.inService, 4), measureFromMinute: MINUTES } };
    };
    const measured = parseSvg(renderChart({ ...run, policies: { default: withHistory(policy(10)) } }));
    expect(findOne(measured, hasClass('chart-title')).text).toMatch(/over 1 simulated day$/);
    expect(tickLabels(findOne(findOne(measured, withAttribute('data-policy', 'default')), hasClass('axis-right')))).toEqual(['0', '10', '20', '30']);
  });
});

describe('costPerPeriod', () => {
  test.each([[7, '$40.74 per week'], [1, '$40.74 per day'], [3, '$40.74 per 3 days']])('over %d days reads %s', (days, expected) => {
    expect(costPerPeriod(40.74, days)).toBe(expected);
  });
});
