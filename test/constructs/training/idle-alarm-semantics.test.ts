import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { IdleShutdown } from '../../../lib/constructs/training/idle-shutdown';
import { SpotTrainingFleet } from '../../../lib/constructs/training/spot-training-fleet';
import { nextAlarmState } from '../../../lib/foresight/alarm';
import { ComparisonOperator, MissingDataTreatment } from '../../../lib/foresight/fleet-model';
import { Datapoint, compileExpression } from '../../../lib/foresight/metric-math';
import { stackWithCluster } from './fixtures';

/**
 * The idle alarm as synthesized, evaluated the way CloudWatch documents it:
 * - metric math arithmetic: "Missing values in a time series are treated as 0"
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html#metric-math-syntax-arithmetic),
 *   at the timestamps where either series has a value; where neither has one there is no datapoint;
 * - the alarm: M of the N most recent datapoints breaching, missing data treated as configured
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html).
 */
const { stack, cluster } = stackWithCluster();
new IdleShutdown(stack, 'IdleShutdown', {
  cluster,
  spotFleet: new SpotTrainingFleet(stack, 'SpotFleet', { cluster, instanceTypes: ['g5.12xlarge'] }),
  gpuUtilizationThresholdPercent: 10,
  idleDuration: Duration.minutes(30),
  logRetention: RetentionDays.ONE_WEEK,
});
const [alarm] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((r) => r.Properties);
const queries = alarm.Metrics as Array<{ Id: string; Expression?: string }>;
const expression = compileExpression(queries.find((q) => q.Expression)?.Expression ?? '');

/** One minute of the two series: the cluster's average GPU utilization and the job heartbeat (1), either possibly missing. */
interface Minute { readonly gpu?: number; readonly heartbeat?: number }

function busy(minute: Minute): Datapoint {
  if (minute.gpu === undefined && minute.heartbeat === undefined) return undefined;
  return expression((id) => (id === 'gpu' ? minute.gpu ?? 0 : minute.heartbeat ?? 0));
}

function stateAfter(minutes: readonly Minute[]): string {
  const datapoints = minutes.slice(-alarm.EvaluationPeriods).reverse().map(busy);
  return nextAlarmState(datapoints, {
    evaluationPeriods: alarm.EvaluationPeriods,
    datapointsToAlarm: alarm.DatapointsToAlarm,
    threshold: alarm.Threshold,
    comparisonOperator: alarm.ComparisonOperator as ComparisonOperator,
    treatMissingData: alarm.TreatMissingData as MissingDataTreatment,
  }, 'OK');
}

const repeat = (minute: Minute, n: number): Minute[] => Array.from({ length: n }, () => minute);

describe('the idle alarm, evaluated as CloudWatch documents it', () => {
  test('watches 30 one-minute datapoints, all 30 below 10 to alarm, missing data not breaching', () => {
    expect([alarm.EvaluationPeriods, alarm.DatapointsToAlarm, alarm.Threshold, alarm.TreatMissingData]).toEqual([30, 30, 10, 'notBreaching']);
  });

  test('a job loading data for 30 minutes with idle GPUs is not idle: its heartbeat counts', () => {
    expect(stateAfter(repeat({ gpu: 0, heartbeat: 1 }, 30))).toBe('OK');
  });

  test('a job whose heartbeat arrives without GPU data (the GPU metric lagging) is not idle', () => {
    expect(stateAfter(repeat({ heartbeat: 1 }, 30))).toBe('OK');
  });

  test('GPUs below the threshold with no job for 30 minutes are idle', () => {
    expect(stateAfter(repeat({ gpu: 3 }, 30))).toBe('ALARM');
  });

  test('a job that ended 20 minutes ago does not trip the alarm yet', () => {
    expect(stateAfter([...repeat({ gpu: 0, heartbeat: 1 }, 10), ...repeat({ gpu: 0 }, 20)])).toBe('OK');
  });

  test('busy GPUs without a heartbeat (work outside the launcher) are not idle', () => {
    expect(stateAfter(repeat({ gpu: 85 }, 30))).toBe('OK');
  });

  test('no instance reporting anything is not breaching: nothing to shut down', () => {
    expect(stateAfter(repeat({}, 30))).toBe('OK');
  });
});
