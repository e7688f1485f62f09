import { join } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { logRetentionUnderAYear } from '../../compliance/shared-exemptions';
import { sourceEntry } from '../../source-entry';
import { Problem, checkDurationBetween, checkInRange, checkWholeDuration, throwIfProblems } from '../../validation';
import { acknowledgeWildcards, resourceFinding } from './nag-findings';
import { SpotTrainingFleet } from './spot-training-fleet';
import { TrainingCluster } from './training-cluster';

/** Props of {@link IdleShutdown}. */
export interface IdleShutdownProps {
  /** The training cluster: how busy it is (`metricBusy()`) is watched, and its group is set to 0. */
  readonly cluster: TrainingCluster;
  /** The spot fleet beside the cluster, whose target capacity is set to 0 with the cluster. */
  readonly spotFleet: SpotTrainingFleet;
  /**
   * Average GPU utilization (percent) below which the cluster counts as idle, unless a training
   * job's heartbeat shows: a job that loads data with idle GPUs is not idle.
   */
  readonly gpuUtilizationThresholdPercent: number;
  /** How long (whole minutes, 5 minutes to 1 day) the cluster must stay idle before it is shut down: one 1-minute alarm period per minute. */
  readonly idleDuration: Duration;
  /** Retention of the Lambda's log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Customer managed key the log group is encrypted with (CT.CLOUDWATCH.PR.3).
   * @default - CloudWatch Logs' own encryption at rest, no customer managed key
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Removal policy of the log group and the dead-letter queue.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The idle shutdown's settings: plain values an environment config holds. */
export type IdleShutdownSettings = Pick<IdleShutdownProps, 'gpuUtilizationThresholdPercent' | 'idleDuration'>;

/** The rules of {@link IdleShutdownSettings}, each problem naming its field. */
export function idleShutdownSettingsProblems(settings: IdleShutdownSettings): Problem[] {
  return [
    checkInRange('gpuUtilizationThresholdPercent', settings.gpuUtilizationThresholdPercent, 0, 100),
    checkDurationBetween('idleDuration', settings.idleDuration, Duration.minutes(5), Duration.days(1)),
    checkWholeDuration('idleDuration', settings.idleDuration, 'minutes'),
  ];
}

/**
 * Shuts down idle training capacity: an alarm on how busy the cluster and its fleet are (the
 * cluster's `metricBusy()`: `AI/Custom` `GPUUtilization` under the cluster's group name, plus 100
 * while a training job publishes its heartbeat) below the threshold for `idleDuration` (missing
 * data is not breaching) invokes a Lambda that sets the group's desired capacity and the fleet's
 * target capacity to 0 and reports on an SNS topic. A running job is therefore never stopped,
 * even while its GPUs wait for data. The Lambda may touch only that group, that fleet and that topic.
 */
export class IdleShutdown extends Construct {
  /** The idle alarm. */
  public readonly alarm: cloudwatch.Alarm;
  /** The shutdown Lambda. */
  public readonly function: nodejs.NodejsFunction;
  /** Where shutdowns (and failed shutdowns) are reported. */
  public readonly topic: sns.Topic;
  /** Invocations that failed every retry. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: IdleShutdownProps) {
    super(scope, id);
    throwIfProblems(...idleShutdownSettingsProblems(props));
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const stack = Stack.of(this);
    const groupName = props.cluster.autoScalingGroupName;
    const fleetId = props.spotFleet.fleetId;
    const group = props.cluster.autoScalingGroup;

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Idle training shutdown',
      masterKey: kms.Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'),
      enforceSSL: true,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // Declares it a dead-letter queue (the Lambda's), so it needs none of its own (CT.SQS.PR.1).
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the idle-shutdown Lambda; a queue behind it would never be read.',
    });

    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention, encryptionKey: props.logEncryptionKey, removalPolicy });
    exemptFromControlTower(this, logGroup, logRetentionUnderAYear(props.logRetention));
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Idle shutdown: scales one training group and one fleet to 0, reports on one topic',
    });
    logGroup.grantWrite(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['autoscaling:SetDesiredCapacity'], resources: [group.autoScalingGroupArn] }),
    );
    acknowledgeWildcards(
      role,
      [resourceFinding(role, group.autoScalingGroupArn)],
      'The Auto Scaling group ARN holds a UUID unknown at deploy time; the ARN is pinned to the cluster group by name.',
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:ModifyFleet'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'fleet', resourceName: fleetId, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
      }),
    );

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: sourceEntry(join(__dirname, '..', '..', 'runtime', 'idle-shutdown', 'index')),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(2),
      role,
      logGroup,
      // No reserved concurrency: Lambda refuses a reservation that leaves the account less than
      // its minimum unreserved concurrency (100, or all of a new account's reduced quota of 10),
      // and the stack would roll back
      // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html,
      // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). Nothing needs
      // one run at a time: every run sets the same absolute targets (0 and 0), and alarms invoke
      // actions only when they change state
      // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
      retryAttempts: 2,
      deadLetterQueue: this.deadLetterQueue,
      description: 'Sets an idle training cluster and its spot fleet to 0 and reports it',
      environment: { AUTO_SCALING_GROUP_NAME: groupName, FLEET_ID: fleetId, TOPIC_ARN: this.topic.topicArn },
      bundling: { forceDockerBundling: false, minify: true, sourceMap: false },
    });
    exemptFromControlTower(this, this.function, {
      control: 'CT.LAMBDA.PR.3',
      reason: 'The idle-shutdown function only calls the Auto Scaling, EC2 Fleet and SNS APIs and reaches nothing inside the VPC; attaching it would send those calls through the NAT gateway (paid per GB) and give its role ec2:CreateNetworkInterface on every resource.',
    });
    // No KMS grant: the AWS managed aws/sns key lets the account's principals use it through SNS
    // (grantPublish would add kms actions on every key of the account).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));

    const periods = props.idleDuration.toMinutes();
    this.alarm = new cloudwatch.Alarm(this, 'IdleAlarm', {
      alarmDescription: `GPUs of ${groupName} below ${props.gpuUtilizationThresholdPercent}% with no training job heartbeat for ${props.idleDuration.toMinutes()} minutes: shut the cluster and the spot fleet down`,
      metric: props.cluster.metricBusy(),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: props.gpuUtilizationThresholdPercent,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new actions.LambdaAction(this.function));
  }
}
