import { AlarmModel, ComparisonOperator } from './fleet-model';
import { Datapoint, DivisionByZero } from './metric-math';
import { QueryEvaluator, compileQueries } from './metric-query';
import { MetricStore } from './metric-store';

/** The state of a CloudWatch alarm. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/**
 * Datapoints beyond N that CloudWatch retrieves (the evaluation range). AWS documents that it
 * retrieves "a higher number of data points than specified by Evaluation Periods", depending on
 * the period, and shows 5 for 3 (AWS_DOCS.alarmMissingData): N + 2 is the assumption,
 * `--evaluation-range-extra`.
 */
export const DEFAULT_EVALUATION_RANGE_EXTRA = 2;

/** Whether `value` breaches `threshold` under `operator`. */
export function breaches(value: number, operator: ComparisonOperator, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanThreshold': return value > threshold;
    case 'GreaterThanOrEqualToThreshold': return value >= threshold;
    case 'LessThanThreshold': return value < threshold;
    case 'LessThanOrEqualToThreshold': return value <= threshold;
    default: throw new Error(`comparison operator "${operator as string}" is not simulated`);
  }
}

/**
 * The next state of an alarm from the datapoints of its evaluation range, oldest first, as
 * AWS_DOCS.alarmMissingData ("How alarm state is evaluated when data is missing") describes it:
 * - at least N real datapoints: the N most recent are evaluated and the missing-data treatment is
 *   ignored;
 * - fewer: every real datapoint is evaluated, plus as few filled ones as make N: `breaching` and
 *   `notBreaching` fill with breaching and non-breaching datapoints;
 * - `missing` and `ignore` fill with nothing: ALARM when M real datapoints breach, OK when a real
 *   one does not; when every real one breaches but fewer than M, `missing` goes to ALARM if the
 *   oldest evaluated datapoint is a real one (AWS: "because the oldest evaluated data point is
 *   breaching and there aren't any non-breaching data points") and to INSUFFICIENT_DATA if it is
 *   a missing one, while `ignore` keeps the current state.
 * ALARM when at least M (datapointsToAlarm) evaluated datapoints breach, OK otherwise.
 */
export function nextAlarmState(
  range: readonly Datapoint[],
  alarm: Pick<AlarmModel, 'evaluationPeriods' | 'datapointsToAlarm' | 'threshold' | 'comparisonOperator' | 'treatMissingData'>,
  current: AlarmState,
): AlarmState {
  const n = alarm.evaluationPeriods;
  const m = alarm.datapointsToAlarm;
  let real = 0;
  let breaching = 0;
  let firstReal = -1;
  // Newest first: with N real datapoints, only the N most recent count.
  for (let i = range.length - 1; i >= 0 && real < n; i--) {
    const d = range[i];
    if (d === undefined) continue;
    firstReal = i;
    real++;
    if (breaches(d, alarm.comparisonOperator, alarm.threshold)) breaching++;
  }
  if (real >= n) return breaching >= m ? 'ALARM' : 'OK';
  switch (alarm.treatMissingData) {
    case 'breaching': return breaching + (n - real) >= m ? 'ALARM' : 'OK';
    case 'notBreaching': return breaching >= m ? 'ALARM' : 'OK';
    default: {
      if (breaching >= m) return 'ALARM';
      if (breaching < real) return 'OK';
      if (alarm.treatMissingData === 'ignore') return current;
      // The evaluated datapoints start at the oldest real one or N from the end, whichever is older.
      return real > 0 && firstReal <= range.length - n ? 'ALARM' : 'INSUFFICIENT_DATA';
    }
  }
}

/** Timing assumptions of an alarm's evaluation. */
export interface AlarmTiming {
  /** Minutes after a period ends before its datapoint reaches the alarm (not documented by AWS). */
  readonly metricDelayMinutes: number;
  /** Datapoints CloudWatch retrieves beyond N (see DEFAULT_EVALUATION_RANGE_EXTRA). */
  readonly evaluationRangeExtra: number;
  readonly divisionByZero: DivisionByZero;
}

/**
 * One alarm over the simulated metrics. CloudWatch evaluates it every minute on the datapoints
 * of the evaluation range: whole periods that ended at least `metricDelayMinutes` ago.
 */
export class AlarmEvaluator {
  /** Alarms start in INSUFFICIENT_DATA. */
  state: AlarmState = 'INSUFFICIENT_DATA';
  /** The most recent real datapoint of the range, which step policies compare with their steps. */
  latest: Datapoint;
  private readonly query: QueryEvaluator;
  private readonly periodMinutes: number;
  private readonly range: Datapoint[];
  /** Datapoints already computed, by the minute their period ends, once no sample of it can still arrive. */
  private readonly final = new Map<number, Datapoint>();

  constructor(private readonly alarm: AlarmModel, private readonly timing: AlarmTiming) {
    this.query = compileQueries(alarm.queries, timing.divisionByZero);
    this.periodMinutes = Math.max(1, Math.round(alarm.periodSeconds / 60));
    this.range = new Array<Datapoint>(alarm.evaluationPeriods + timing.evaluationRangeExtra);
  }

  /** Evaluates at the start of minute `nowMinute`; returns the new state. */
  evaluate(store: MetricStore, nowMinute: number): AlarmState {
    const p = this.periodMinutes;
    const lastEnd = Math.floor((nowMinute - this.timing.metricDelayMinutes) / p) * p;
    const size = this.range.length;
    this.latest = undefined;
    for (let k = 0; k < size; k++) {
      const end = lastEnd - k * p;
      let value: Datapoint;
      if (end - p < 0) value = undefined;
      else if (this.final.has(end)) value = this.final.get(end);
      else {
        value = this.query(store, end, p, nowMinute);
        if (store.isFinal(end, p, nowMinute)) this.final.set(end, value);
      }
      this.range[size - 1 - k] = value;
      if (this.latest === undefined) this.latest = value;
    }
    this.final.delete(lastEnd - size * p);
    this.state = nextAlarmState(this.range, this.alarm, this.state);
    return this.state;
  }
}
