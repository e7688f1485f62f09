import { AlarmModel, ComparisonOperator, MissingDataTreatment } from './fleet-model';
import { Datapoint, DivisionByZero } from './metric-math';
import { QueryEvaluator, compileQueries } from './metric-query';
import { MetricStore } from './metric-store';

/** The state of a CloudWatch alarm. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

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
 * The next state of an alarm from its N most recent datapoints (AWS_DOCS.alarmEvaluation and
 * AWS_DOCS.alarmMissingData): ALARM when at least M (datapointsToAlarm) breach. A missing
 * datapoint counts as breaching or not for `breaching`/`notBreaching`; `ignore` keeps the state and
 * `missing` goes to INSUFFICIENT_DATA when every datapoint is missing, otherwise both evaluate the
 * datapoints that exist.
 */
export function nextAlarmState(
  datapoints: readonly Datapoint[],
  alarm: Pick<AlarmModel, 'datapointsToAlarm' | 'threshold' | 'comparisonOperator' | 'treatMissingData'>,
  current: AlarmState,
): AlarmState {
  const treatment: MissingDataTreatment = alarm.treatMissingData;
  let present = 0;
  let breaching = 0;
  for (const d of datapoints) {
    if (d === undefined) {
      if (treatment === 'breaching') { present++; breaching++; } else if (treatment === 'notBreaching') present++;
      continue;
    }
    present++;
    if (breaches(d, alarm.comparisonOperator, alarm.threshold)) breaching++;
  }
  if (present === 0) return treatment === 'ignore' ? current : 'INSUFFICIENT_DATA';
  return breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK';
}

/**
 * One alarm over the simulated metrics. CloudWatch evaluates it every minute on the last N
 * datapoints of whole periods that ended at least `metricDelayMinutes` ago.
 */
export class AlarmEvaluator {
  /** Alarms start in INSUFFICIENT_DATA. */
  state: AlarmState = 'INSUFFICIENT_DATA';
  /** The most recent datapoint, read by step policies to pick their step. */
  latest: Datapoint;
  private readonly query: QueryEvaluator;
  private readonly periodMinutes: number;

  constructor(
    private readonly alarm: AlarmModel,
    private readonly metricDelayMinutes: number,
    divisionByZero: DivisionByZero,
  ) {
    this.query = compileQueries(alarm.queries, divisionByZero);
    this.periodMinutes = Math.max(1, Math.round(alarm.periodSeconds / 60));
  }

  /** Evaluates at the start of minute `nowMinute`; returns the new state. */
  evaluate(store: MetricStore, nowMinute: number): AlarmState {
    const p = this.periodMinutes;
    const lastEnd = Math.floor((nowMinute - this.metricDelayMinutes) / p) * p;
    const datapoints: Datapoint[] = [];
    for (let k = 0; k < this.alarm.evaluationPeriods; k++) {
      const end = lastEnd - k * p;
      datapoints.push(end - p >= 0 ? this.query(store, end, p) : undefined);
    }
    this.latest = datapoints[0];
    this.state = nextAlarmState(datapoints, this.alarm, this.state);
    return this.state;
  }
}
