import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Problem, throwIfProblems, withPath } from '../../validation';
import { FleetSchedule, FleetScheduleSettings, fleetScheduleSettingsProblems } from './fleet-schedule';
import { GpuFleet, GpuFleetSettings, gpuFleetSettingsProblems } from './gpu-fleet';
import { GpuUtilizationScaleIn, GpuUtilizationScaleInSettings, gpuUtilizationScaleInSettingsProblems } from './gpu-utilization-scale-in';
import { InferenceEndpoint } from './inference-endpoint';
import { INFERENCE_LOG_GROUP_PREFIX, InferenceObservability } from './inference-observability';
import { InferenceModel, InferenceRuntime, inferenceModelProblems } from './inference-runtime';
import { JobQueue, jobQueueProblems } from './job-queue';
import { JobResults, JobResultsSettings, jobResultsSettingsProblems } from './job-results';
import { ModelBucket, modelArchiveKey } from './model-bucket';
import { ModelCache } from './model-cache';
import { QueueScaling, QueueScalingSettings, queueScalingSettingsProblems } from './queue-scaling';

/** One model's service: plain values an environment config holds. */
export interface InferenceServiceSettings {
  /** The model served. */
  readonly model: InferenceModel;
  /** The GPU fleet's sizing, purchasing and boot. */
  readonly fleet: GpuFleetSettings;
  /** Longest a single job may run: the queue's visibility timeout, the job's timeout and the drain's wait. */
  readonly maxJobDuration: Duration;
  /** How the fleet follows the queue. */
  readonly scaling: QueueScalingSettings;
  /**
   * When idle GPUs are removed (the fleet's average GPU utilization).
   * @default - below 40 % for 10 x 1 minute: one instance less, never the last one
   */
  readonly gpuScaleIn?: GpuUtilizationScaleInSettings;
  /**
   * Night-time scale-down; the fleet then deploys with MinSize 0 and the morning action sets
   * `fleet.minCapacity`.
   * @default - no schedule: the fleet's MinSize is `fleet.minCapacity` around the clock
   */
  readonly schedule?: FleetScheduleSettings;
  /**
   * The job results bucket's settings: how long results and errors are kept.
   * @default - results kept 30 days
   */
  readonly results?: JobResultsSettings;
}

/** Props of {@link InferenceService}. */
export interface InferenceServiceProps extends InferenceServiceSettings {
  /** The environment's VPC; the service uses its private subnets. */
  readonly vpc: ec2.IVpc;
  /**
   * IPv4 range allowed to call the service's load balancer.
   * @default - the VPC's CIDR block
   */
  readonly clientCidr?: string;
  /** The bucket holding `models/{name}/{version}/model.tar.gz`, shared by the stack's services. */
  readonly modelBucket: ModelBucket;
  /** The EFS model cache, shared by the stack's services. */
  readonly modelCache: ModelCache;
  /** Where the load balancer writes its access logs. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * Prefix of the service's log group: the group is `<prefix>/<model name>`. Give each
   * environment its own, so environments can share an account and region.
   * @default '/ai/inference'
   */
  readonly logGroupPrefix?: string;
  /** Retention of the service's log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Customer managed key the service's log group is encrypted with (CT.CLOUDWATCH.PR.3).
   * @default - CloudWatch Logs' own encryption at rest, no customer managed key
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Whether the load balancer refuses to be deleted until this is turned off (CT.ELASTICLOADBALANCING.PR.5).
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Whether the model archive is in the model bucket. Until it is, the fleet's MinSize (and the
   * morning action's) is 0, whatever `fleet.minCapacity` says: no instance starts that could only
   * fail to load the model. `fleet.minCapacity` is still validated as written.
   * @default true
   */
  readonly modelPublished?: boolean;
  /**
   * What happens to the queues and the log group when they leave the app. The results bucket
   * is retained whatever this says: a stack update never deletes job results.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The rules of {@link InferenceServiceSettings}, each problem naming its path, e.g. `fleet.maxCapacity`. */
export function inferenceServiceSettingsProblems(settings: InferenceServiceSettings): Problem[] {
  return [
    ...withPath('model', inferenceModelProblems(settings.model)),
    ...withPath('fleet', gpuFleetSettingsProblems(settings.fleet)),
    ...jobQueueProblems({ maxJobDuration: settings.maxJobDuration }),
    ...withPath('scaling', queueScalingSettingsProblems(settings.scaling)),
    ...withPath('gpuScaleIn', gpuUtilizationScaleInSettingsProblems(settings.gpuScaleIn ?? {})),
    ...(settings.schedule ? withPath('schedule', fleetScheduleSettingsProblems(settings.schedule)) : []),
    ...withPath('results', jobResultsSettingsProblems(settings.results ?? {})),
  ];
}

/**
 * One model served from a job queue by a GPU fleet: the queue and its dead-letter queue, the
 * results bucket and the success and error topics, the fleet with the instance runtime bound to it, queue scaling with the wake-up from zero and the
 * scale-in on idle GPUs, the optional night schedule, an internal ALB with the `/ping` health
 * check, and the service's log group, alarms and dashboard. A stack holds one per model; the
 * model bucket and the model cache are shared.
 */
export class InferenceService extends Construct {
  /** The job queue and its dead-letter queue. */
  public readonly jobs: JobQueue;
  /** The results bucket and the success and error topics. */
  public readonly results: JobResults;
  /** The GPU fleet. */
  public readonly fleet: GpuFleet;
  /** The queue scaling policies. */
  public readonly scaling: QueueScaling;
  /** The internal load balancer and target group. */
  public readonly endpoint: InferenceEndpoint;
  /** The log group, alarms and dashboard. */
  public readonly observability: InferenceObservability;
  /** Key of the model archive the service serves. */
  public readonly modelKey: string;

  constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    super(scope, id);
    throwIfProblems(...inferenceServiceSettingsProblems(props));
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.modelKey = modelArchiveKey(props.model);
    // Validated above as written; until the model is published, nothing keeps an instance up.
    const minCapacity = (props.modelPublished ?? true) ? props.fleet.minCapacity : 0;

    this.jobs = new JobQueue(this, 'Jobs', { maxJobDuration: props.maxJobDuration, removalPolicy });
    // Retained whatever the removal policy: job results are the users' data.
    this.results = new JobResults(this, 'JobResults', { ...props.results, serverAccessLogsBucket: props.accessLogsBucket });
    this.fleet = new GpuFleet(this, 'Fleet', {
      ...props.fleet,
      vpc: props.vpc,
      // With a schedule, the morning action sets the daytime minimum (see FleetSchedule).
      minCapacity: props.schedule ? 0 : minCapacity,
      modelVersion: props.model.version,
      maxJobDuration: props.maxJobDuration,
    });
    this.scaling = new QueueScaling(this, 'QueueScaling', { ...props.scaling, fleet: this.fleet, queue: this.jobs.queue });
    new GpuUtilizationScaleIn(this, 'GpuUtilization', { ...props.gpuScaleIn, fleet: this.fleet });
    if (props.schedule) {
      new FleetSchedule(this, 'Schedule', {
        ...props.schedule,
        autoScalingGroup: this.fleet.autoScalingGroup,
        minCapacity,
      });
    }
    this.endpoint = new InferenceEndpoint(this, 'Endpoint', {
      vpc: props.vpc,
      fleet: this.fleet,
      clientCidr: props.clientCidr,
      accessLogsBucket: props.accessLogsBucket,
      deletionProtection: props.deletionProtection,
    });
    this.observability = new InferenceObservability(this, 'Observability', {
      queue: this.jobs.queue,
      deadLetterQueue: this.jobs.deadLetterQueue,
      fleet: this.fleet,
      backlogPerInstance: this.scaling.metricBacklogPerInstance(),
      logGroupName: `${props.logGroupPrefix ?? INFERENCE_LOG_GROUP_PREFIX}/${props.model.name}`,
      logRetention: props.logRetention,
      logEncryptionKey: props.logEncryptionKey,
      alarmAction: this.fleet.notifyAction(),
      removalPolicy,
    });

    new InferenceRuntime(this, 'Runtime', {
      jobs: this.jobs,
      results: this.results,
      modelBucket: props.modelBucket,
      modelCache: props.modelCache,
      logGroup: this.observability.logGroup,
      model: props.model,
      maxJobDuration: props.maxJobDuration,
    }).bind(this.fleet);
  }

  /** Stack outputs of what callers and operators wire next, named `<prefix><Output>`. */
  public addOutputs(prefix = ''): void {
    const outputs: Record<string, [string, string]> = {
      QueueUrl: [this.jobs.queue.queueUrl, 'Send inference jobs here'],
      DeadLetterQueueUrl: [this.jobs.deadLetterQueue.queueUrl, 'Jobs that failed repeatedly'],
      LoadBalancerDnsName: [this.endpoint.loadBalancer.loadBalancerDnsName, 'Internal ALB of the fleet'],
      TargetGroupArn: [this.endpoint.targetGroup.targetGroupArn, 'Target group of the fleet'],
      AutoScalingGroupName: [this.fleet.autoScalingGroup.autoScalingGroupName, 'The GPU fleet'],
      LogGroupName: [this.observability.logGroup.logGroupName, 'Boot, agent and container logs'],
      ResultsBucketName: [this.results.bucket.bucketName, 'Job results (results/<jobId>), errors (errors/<jobId>.json) and large inputs (inputs/)'],
      SuccessTopicArn: [this.results.successTopic.topicArn, 'One message per job that succeeded'],
      ErrorTopicArn: [this.results.errorTopic.topicArn, 'One message per job that failed or was malformed'],
      AlarmTopicArn: [this.fleet.notificationTopic.topicArn, 'The service\'s alarms and its fleet\'s launch and terminate failures; the environment\'s notifications reach it'],
    };
    for (const [id, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, `${prefix}${id}`, { value, description, key: `${prefix}${id}` });
    }
  }
}
