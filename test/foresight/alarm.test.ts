import { AlarmEvaluator, nextAlarmState } from '../../lib/foresight/alarm';
import { MetricStore } from '../../lib/foresight/metric-store';
import { targetTrackingAlarms } from '../../lib/foresight/target-tracking';
import { alarm, metric } from './fixtures';

describe('alarm evaluation (M of N, missing data)', () => {
  const twoOfThree = alarm({ evaluationPeriods: 3, datapointsToAlarm: 2, threshold: 10 });

  test('M breaching datapoints of N put the alarm in ALARM, not necessarily consecutive', () => {
    expect(nextAlarmState([11, 5, 12], twoOfThree, 'OK')).toBe('ALARM');
  });

  test('fewer than M breaching datapoints leave it OK', () => {
    expect(nextAlarmState([11, 5, 9], twoOfThree, 'ALARM')).toBe('OK');
  });

  test('missing datapoints count as breaching under "breaching"', () => {
    expect(nextAlarmState([undefined, undefined, 1], { ...twoOfThree, treatMissingData: 'breaching' }, 'OK')).toBe('ALARM');
  });

  test('all missing is INSUFFICIENT_DATA under "missing" and keeps the state under "ignore"', () => {
    expect(nextAlarmState([undefined, undefined, undefined], { ...twoOfThree, treatMissingData: 'missing' }, 'ALARM')).toBe('INSUFFICIENT_DATA');
    expect(nextAlarmState([undefined, undefined, undefined], { ...twoOfThree, treatMissingData: 'ignore' }, 'ALARM')).toBe('ALARM');
  });

  test('a datapoint reaches the alarm only after the metric delay', () => {
    const store = new MetricStore(10);
    store.record('visible', 0, 5);
    const evaluator = new AlarmEvaluator(alarm({ treatMissingData: 'missing' }), 1, 'missing');
    expect(evaluator.evaluate(store, 1)).toBe('INSUFFICIENT_DATA');
    expect(evaluator.evaluate(store, 2)).toBe('ALARM');
  });

  test('a 300 s period averages five one-minute samples', () => {
    const store = new MetricStore(10);
    [10, 20, 30, 40, 50].forEach((v, m) => store.record('gpuUtilization', m, v));
    const evaluator = new AlarmEvaluator(alarm({ queries: metric('gpuUtilization', 'Average'), periodSeconds: 300, threshold: 29 }), 0, 'missing');
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
    return new AlarmEvaluator(alarmModel, 0, 'missing').evaluate(store, samples.length);
  }

  test('scale-out needs 3 consecutive breaching one-minute datapoints', () => {
    expect(stateAfter(high, [20, 20])).not.toBe('ALARM');
    expect(stateAfter(high, [20, 5, 20, 20])).toBe('OK');
    expect(stateAfter(high, [5, 20, 20, 20])).toBe('ALARM');
  });

  test('scale-in needs 15 datapoints below a threshold under the target', () => {
    expect(low.threshold).toBe(9);
    expect(stateAfter(low, Array(15).fill(9.5))).toBe('OK');
    expect(stateAfter(low, Array(15).fill(1))).toBe('ALARM');
    expect(stateAfter(low, Array(14).fill(1))).toBe('OK');
  });

  test('no datapoints never scale in', () => {
    expect(stateAfter(low, Array(15).fill(undefined))).toBe('OK');
  });
});
