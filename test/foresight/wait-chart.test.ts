import { WaitChartRun, renderWaitChart } from '../../lib/foresight/wait-chart';
import { ENVIRONMENTS } from '../../lib/config';
import { SvgNode, findAll, findOne, hasClass, parseSvg, pathPoints, tickLabels, tickYs, withAttribute } from '../helpers/svg';

/** Jobs by status (2 completed, 3 lost) and wait, all in the measured minutes. */
const trace = (jobs: [status: number, wait: number][]) => ({
  jobStatus: Uint8Array.from(jobs.map(([s]) => s)),
  waitSeconds: Float64Array.from(jobs.map(([, w]) => w)),
  arrivedAwake: new Uint8Array(jobs.length).fill(1),
  workload: { name: 'test', arrivalSeconds: new Float64Array(jobs.length), jobSeconds: new Float64Array(jobs.length).fill(10) },
  measureFromMinute: 0,
});

const run: WaitChartRun = {
  env: ENVIRONMENTS[0].name,
  service: 'default',
  workload: 'office-hours',
  acceptableLatencySeconds: 120,
  policies: {
    // Four completed jobs, three of them within 120 s; the lost job's wait is not a wait.
    default: { trace: trace([[2, 0], [2, 10], [2, 100], [2, 400], [3, 9999]]) },
    step: { trace: trace([[2, 50], [2, 300]]) },
  },
};
const svg = parseSvg(renderWaitChart(run));
const axis = (side: string): SvgNode => findOne(svg, hasClass(`axis-${side}`), `${side} axis`);
const line = (policy: string): SvgNode => findOne(svg, (n) => hasClass('series')(n) && n.attributes['data-series'] === policy, `line of ${policy}`);
const xOf = (seconds: number): number => {
  const ticks = findAll(axis('bottom'), hasClass('tick'));
  const first = ticks[0];
  const last = ticks[ticks.length - 1];
  const at = (t: SvgNode) => Number(findAll(t, (n) => n.tag === 'line').slice(-1)[0].attributes.x1);
  const top = Number(last.attributes['data-label'].replace(' s', ''));
  return at(first) + (seconds / top) * (at(last) - at(first));
};

describe('the chart of job waits', () => {
  test('is titled with the environment, service and workload', () => {
    expect(findOne(svg, hasClass('chart-title')).text).toBe(`${run.env} / default, workload office-hours: how long jobs waited before they started`);
  });

  test('has a wait axis in seconds up to the longest wait of a completed job', () => {
    expect(findOne(axis('bottom'), hasClass('axis-title')).text).toBe('wait in the queue before the job started (seconds)');
    expect(tickLabels(axis('bottom'))).toEqual(['0 s', '50 s', '100 s', '150 s', '200 s', '250 s', '300 s', '350 s', '400 s']);
  });

  test('has a percent axis of completed jobs from 0 to 100', () => {
    expect(findOne(axis('left'), hasClass('axis-title')).text).toBe('completed jobs (%)');
    expect(tickLabels(axis('left'))).toEqual(['0 %', '20 %', '40 %', '60 %', '80 %', '100 %']);
  });

  test('draws each policy\'s cumulative line: a quarter of the default\'s jobs waited 0 s, all of them at most 400 s', () => {
    const ys = tickYs(axis('left'));
    const points = pathPoints(findOne(line('default'), (n) => n.tag === 'path').attributes.d);
    expect(points[0][0]).toBeCloseTo(xOf(0), 0);
    expect(points[0][1]).toBeCloseTo(ys['0'] + (ys['100'] - ys['0']) * 0.25, 0);
    expect(points[points.length - 1][1]).toBeCloseTo(ys['100'], 0);
  });

  test('marks acceptableLatency at 120 s', () => {
    const marker = findOne(svg, withAttribute('data-marker', 'acceptable-latency'));
    expect(marker.text).toBe('acceptableLatency 120 s');
    expect(Number(findOne(marker, (n) => n.tag === 'line').attributes.x1)).toBeCloseTo(xOf(120), 0);
  });

  test('marks on each line the share of jobs within acceptableLatency, at that height', () => {
    const ys = tickYs(axis('left'));
    const dot = findOne(line('default'), hasClass('within-latency'));
    expect(Number(dot.attributes['data-share'])).toBe(0.75);
    expect(Number(dot.attributes.cy)).toBeCloseTo(ys['0'] + (ys['100'] - ys['0']) * 0.75, 0);
    expect(Number(dot.attributes.cx)).toBeCloseTo(xOf(120), 0);
  });

  test('names each policy in the legend with its share within acceptableLatency and its completed jobs', () => {
    expect(findAll(svg, hasClass('legend-item')).map((i) => i.text)).toEqual([
      'default policy: 75.0 % of 4 jobs within acceptableLatency',
      'step policy: 50.0 % of 2 jobs within acceptableLatency',
      'acceptableLatency 120 s',
    ]);
  });

  test('says so for a policy under which no job completed, and draws no line for it', () => {
    const idle = parseSvg(renderWaitChart({ ...run, policies: { default: { trace: trace([[3, 10]]) } } }));
    expect(findAll(idle, hasClass('series'))).toEqual([]);
    expect(findAll(idle, hasClass('legend-item'))[0].text).toBe('default policy: no job completed');
  });
});
