import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { retainedName } from '../../retained-name';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { logRetentionUnderAYear } from '../../compliance/shared-exemptions';

/** The prefix of every service's log group name: `/ai/inference/<env>/<model>`. */
export const INFERENCE_LOG_GROUP_PREFIX = '/ai/inference';

/** Props of {@link InferenceObservability}. */
export interface InferenceObservabilityProps {
  /** The job queue. */
  readonly queue: sqs.IQueue;
  /** Its dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Name of the log group of boot, agent and container logs; unique per environment and model.
   * A retained log group (removalPolicy RETAIN) gets `/<stack UUID>` appended, so a new
   * deployment of the stack never meets the group an earlier one left behind.
   */
  readonly logGroupName: string;
  /** Retention of the log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Customer managed key the log group is encrypted with (CT.CLOUDWATCH.PR.3).
   * @default - CloudWatch Logs' own encryption at rest, no customer managed key
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Age of the oldest job above which the queue is falling behind.
   * @default Duration.minutes(15)
   */
  readonly maxOldestMessageAge?: Duration;
  /**
   * Where the alarms notify, e.g. an SnsAction.
   * @default - the alarms notify nobody
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;
  /**
   * What happens to the log group when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The service's log group (`/ai/inference/<env>/<model>`) and its alarms on the oldest job's age
 * and on a non-empty dead-letter queue (InferenceDashboard shows them).
 */
export class InferenceObservability extends Construct {
  /** The service's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** Fires when the oldest job waited longer than maxOldestMessageAge. */
  public readonly oldestMessageAgeAlarm: cloudwatch.Alarm;
  /** Fires when a job landed in the dead-letter queue. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: InferenceObservabilityProps) {
    super(scope, id);
    const maxAge = props.maxOldestMessageAge ?? Duration.minutes(15);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // A retained log group outlives the stack: its name then ends with the deployment's id.
      logGroupName: retainedName(this, props.logGroupName, removalPolicy, '/'),
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy,
    });
    exemptFromControlTower(this, this.logGroup, logRetentionUnderAYear(props.logRetention));
    this.oldestMessageAgeAlarm = new cloudwatch.Alarm(this, 'OldestJobAge', {
      alarmDescription: `A job has waited more than ${maxAge.toHumanString()}: the fleet is not keeping up`,
      metric: props.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: maxAge.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetters', {
      alarmDescription: 'Jobs failed repeatedly and wait in the dead-letter queue',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    if (props.alarmAction) {
      for (const alarm of [this.oldestMessageAgeAlarm, this.deadLetterAlarm]) {
        alarm.addAlarmAction(props.alarmAction);
      }
    }
  }
}
