import { AlarmEvaluator, AlarmState, nextAlarmState } from '../../lib/foresight/alarm';
import { AWS_DOCS } from '../../lib/foresight/aws-docs';
import { MissingDataTreatment } from '../../lib/foresight/fleet-model';
import { MetricStore } from '../../lib/foresight/metric-store';
import { targetTrackingAlarms } from '../../lib/foresight/target-tracking';
import { alarm, metric } from './fixtures';

const timing = { metricDelayMinutes: 0, evaluationRangeExtra: 2, divisionByZero: 'missing' as const };

/**
 * AWS's own tables, verbatim, from "How alarm state is evaluated when data is missing"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html):
 * "CloudWatch retrieves the 5 most recent data points when evaluating the alarm. [...] In the
 * data points column, 0 is a non-breaching data point, X is a breaching data point, and - is a
 * missing data point." Columns: data points, # of missing data points, MISSING, IGNORE,
 * BREACHING, NOT BREACHING.
 */
const AWS_TABLES: { title: string; datapointsToAlarm: number; evaluationPeriods: number; rows: string[][] }[] = [
  {
    title: 'Datapoints to Alarm and Evaluation Periods both 3',
    datapointsToAlarm: 3,
    evaluationPeriods: 3,
    rows: [
      ['0 - X - X', '2', 'OK', 'OK', 'OK', 'OK'],
      ['0 - - - -', '4', 'OK', 'OK', 'OK', 'OK'],
      ['- - - - -', '5', 'Insufficient data', 'Retain current state', 'ALARM', 'OK'],
      ['0 X X - X', '1', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
      ['- - - - X', '4', 'Insufficient data', 'Retain current state', 'ALARM', 'OK'],
      ['X - - - -', '4', 'ALARM', 'Retain current state', 'ALARM', 'OK'],
    ],
  },
  {
    title: 'Datapoints to Alarm 2, Evaluation Periods 3 (2 out of 3)',
    datapointsToAlarm: 2,
    evaluationPeriods: 3,
    rows: [
      ['0 - X - X', '2', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
      ['0 0 X 0 X', '0', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
      ['0 - X - -', '3', 'OK', 'OK', 'ALARM', 'OK'],
      ['- - - - 0', '4', 'OK', 'OK', 'ALARM', 'OK'],
      ['- - - - X', '4', 'Insufficient data', 'Retain current state', 'ALARM', 'OK'],
    ],
  },
];
const TREATMENTS: MissingDataTreatment[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

/** A row's datapoints, oldest first: 0 below the threshold of 1, X above it, - missing. */
const datapointsOf = (row: string) => row.split(' ').map((c) => (c === '-' ? undefined : c === 'X' ? 2 : 0));

describe(`alarm evaluation with missing data: AWS's table of cases (${AWS_DOCS.alarmMissingData})`, () => {
  const cases = AWS_TABLES.flatMap((table) => table.rows.flatMap(([points, missing, ...states]) => TREATMENTS.map((treatment, k) =>
    [table.title, points, missing, treatment, states[k], table] as const)));

  test.each(cases)('%s: %s (%s missing) treated as %s gives %s', (_title, points, missing, treatment, expected, table) => {
    const spec = alarm({ evaluationPeriods: table.evaluationPeriods, datapointsToAlarm: table.datapointsToAlarm, threshold: 1, treatMissingData: treatment });
    const range = datapointsOf(points);
    expect(range.filter((d) => d === undefined)).toHaveLength(Number(missing));
    const states: AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
    for (const current of states) {
      const want = expected === 'Retain current state' ? current : expected === 'Insufficient data' ? 'INSUFFICIENT_DATA' : expected;
      expect(nextAlarmState(range, spec, current)).toBe(want);
    }
  });

  test('the table covers 11 rows, each with the 4 treatments', () => {
    expect(cases).toHaveLength(44);
  });
});

describe('alarm evaluation (M of N)', () => {
  const twoOfThree = alarm({ evaluationPeriods: 3, datapointsToAlarm: 2, threshold: 10 });

  test('M breaching datapoints of N put the alarm in ALARM, not necessarily consecutive', () => {
    expect(nextAlarmState([11, 5, 12], twoOfThree, 'OK')).toBe('ALARM');
  });

  test('fewer than M breaching datapoints leave it OK', () => {
    expect(nextAlarmState([11, 5, 9], twoOfThree, 'ALARM')).toBe('OK');
  });

  test('with N real datapoints in the range, older ones and the missing-data treatment play no part', () => {
    expect(nextAlarmState([11, 11, 5, undefined, 5, 11], { ...twoOfThree, treatMissingData: 'breaching' }, 'ALARM')).toBe('OK');
  });

  test('a datapoint reaches the alarm only after the metric delay', () => {
    const store = new MetricStore(10);
    store.record('visible', 0, 5);
    const evaluator = new AlarmEvaluator(alarm({ treatMissingData: 'missing' }), { ...timing, metricDelayMinutes: 1 });
    expect(evaluator.evaluate(store, 1)).toBe('INSUFFICIENT_DATA');
    expect(evaluator.evaluate(store, 2)).toBe('ALARM');
  });

  test('a held-back SQS sample is missing until its time', () => {
    const store = new MetricStore(10);
    store.record('visible', 0, 5);
    store.holdSqsBack(0, 2);
    const evaluator = new AlarmEvaluator(alarm({ treatMissingData: 'notBreaching' }), timing);
    expect(evaluator.evaluate(store, 1)).toBe('OK');
    expect(evaluator.evaluate(store, 2)).toBe('ALARM');
  });

  test('a 300 s period averages five one-minute samples', () => {
    const store = new MetricStore(10);
    [10, 20, 30, 40, 50].forEach((v, m) => store.record('gpuUtilization', m, v));
    const evaluator = new AlarmEvaluator(alarm({ queries: metric('gpuUtilization', 'Average'), periodSeconds: 300, threshold: 29 }), timing);
    evaluator.evaluate(store, 5);
    expect(evaluator.latest).toBe(30);
  });
});

describe('target tracking alarms', () => {
  const policy = { kind: 'targetTracking' as const, name: 'tt', targetValue: 10, queries: metric('visible'), periodSeconds: 60, disableScaleIn: false };
  const { high, low } = targetTrackingAlarms(policy);

  function stateAfter(alarmModel: typeof high, samples: (number | undefined)[]): string {
    const store = new MetricStore(samples.length);
    samples.forEach((v, m) => store.record('visible', m, v));
    return new AlarmEvaluator(alarmModel, timing).evaluate(store, samples.length);
  }

  test('scale-out needs 3 breaching one-minute datapoints of the last 3', () => {
    expect(stateAfter(high, [20, 20])).not.toBe('ALARM');
    expect(stateAfter(high, [20, 5, 20, 20])).toBe('OK');
    expect(stateAfter(high, [5, 20, 20, 20])).toBe('ALARM');
  });

  test('scale-in needs 15 datapoints below a threshold under the target', () => {
    expect(low.threshold).toBe(9);
    expect(stateAfter(low, Array(15).fill(9.5))).toBe('OK');
    expect(stateAfter(low, Array(15).fill(1))).toBe('ALARM');
    expect(stateAfter(low, [12, ...Array(14).fill(1)])).toBe('OK');
  });

  test('no datapoints never scale in', () => {
    expect(stateAfter(low, Array(15).fill(undefined))).toBe('OK');
  });

  test('the cadence is an assumption the caller can change', () => {
    expect(targetTrackingAlarms(policy, { scaleOutDatapoints: 2, scaleInDatapoints: 5 }).low.evaluationPeriods).toBe(5);
  });
});
