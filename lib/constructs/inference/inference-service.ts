import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { dashboardUrl } from '../../dashboard-url';
import { FLEET_PROCESSOR_LABELS, fleetProcessorOf } from '../../gpu/fleet-processor';
import { Problem, throwIfProblems, withPath } from '../../validation';
import { FleetSchedule, FleetScheduleSettings, fleetScheduleSettingsProblems } from './fleet-schedule';
import { BakedImage } from './baked-image';
import { GpuFleet, GpuFleetSettings, expectedBootTimeOf, gpuFleetSettingsProblems } from './gpu-fleet';
import { InferenceEndpoint } from './inference-endpoint';
import { InferenceDashboard } from './inference-dashboard';
import { INFERENCE_LOG_GROUP_PREFIX, InferenceObservability } from './inference-observability';
import { InferenceModel, InferenceRuntime, fleetImageProblem, inferenceModelProblems, isRegistryModel, maxConcurrentJobsProblem } from './inference-runtime';
import { JobQueue, jobQueueProblems } from './job-queue';
import { JobResults, JobResultsSettings, jobResultsSettingsProblems } from './job-results';
import { ModelBucket } from './model-bucket';
import { ModelCache } from './model-cache';
import { FORECAST_INTERVAL_SECONDS } from './predictive-scaling-rules';
import { QueueScaling, QueueScalingSettings, queueScalingSettingsProblems } from './queue-scaling';
import { RegisteredModel } from './registered-model';
import { ServedModel, archiveServedModel } from './served-model';
import { UtilizationScaleIn, UtilizationScaleInSettings, utilizationScaleInSettingsProblems } from './utilization-scale-in';
import { WarmUpWindowSettings, planWarmUpWindows } from './warm-up-window-rules';
import { WarmUpWindows } from './warm-up-windows';

/** The stack outputs `InferenceService.addOutputs` adds, in this order. */
export const INFERENCE_SERVICE_OUTPUTS = [
  'QueueUrl', 'DeadLetterQueueUrl', 'LoadBalancerDnsName', 'TargetGroupArn', 'AutoScalingGroupName', 'LogGroupName',
  'ResultsBucketName', 'SuccessTopicArn', 'ErrorTopicArn', 'AlarmTopicArn', 'DashboardUrl',
] as const;

/** One of the service's stack outputs. */
export type InferenceServiceOutput = (typeof INFERENCE_SERVICE_OUTPUTS)[number];

/** One model's service: plain values an environment config holds. */
export interface InferenceServiceSettings {
  /**
   * The model served: an archive of the model bucket (`name`, `version`, `image`), or a version
   * of the SageMaker Model Registry (`modelPackage`), resolved at each deploy.
   */
  readonly model: InferenceModel;
  /** The fleet's instance types (NVIDIA GPU types, or CPU types), sizing, purchasing and boot. */
  readonly fleet: GpuFleetSettings;
  /** Longest a single job may run: the queue's visibility timeout, the job's timeout and the drain's wait. */
  readonly maxJobDuration: Duration;
  /**
   * Jobs one instance runs at once (whole, 1 to 1000), the counterpart of SageMaker asynchronous
   * inference's MaxConcurrentInvocationsPerInstance: raise it for a serving container that
   * batches concurrent requests on the GPU (vLLM, TGI, Triton, TorchServe). Each job keeps its
   * own deadline and retries; the instance stays protected from scale-in while any runs.
   * @default 1
   */
  readonly maxConcurrentJobs?: number;
  /** How the fleet follows the queue. */
  readonly scaling: QueueScalingSettings;
  /**
   * When idle instances are removed (the fleet's average GPU utilization, or CPU utilization for a
   * fleet of CPU types), never the last instance. The name is from when every fleet ran GPUs; it
   * stays so existing configs keep working.
   * @default - UtilizationScaleIn's defaults (UTILIZATION_SCALE_IN_DEFAULTS)
   */
  readonly gpuScaleIn?: UtilizationScaleInSettings;
  /**
   * Night-time scale-down; the fleet then deploys with MinSize 0 and the morning action sets
   * `fleet.minCapacity`.
   * @default - no schedule: the fleet's MinSize is `fleet.minCapacity` around the clock
   */
  readonly schedule?: FleetScheduleSettings;
  /**
   * Known busy times (a nightly batch, the start of office hours): the fleet keeps `capacity`
   * instances up through each, in the day or in the night's off hours.
   * @default - none
   */
  readonly warmUpWindows?: WarmUpWindowSettings[];
  /**
   * The job results bucket's settings: how long results and errors are kept.
   * @default - JobResults' defaults
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
  /** The bucket holding `models/{name}/{version}/model.tar.gz`, shared by the stack's services; an archive model is served from it. */
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
  /** Retention of the service's log group (and of a registered model's resolver). */
  readonly logRetention: logs.RetentionDays;
  /**
   * Customer managed key the service's log groups are encrypted with (CT.CLOUDWATCH.PR.3).
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
   * Name of the service's dashboard, unique in the account (dashboards are global, not regional).
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /**
   * What happens to the queues and the log group when they leave the app. The results bucket
   * is retained whatever this says: a stack update never deletes job results.
   * @default - each keeps its own default: JobQueue's and InferenceObservability's, RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The rules of {@link InferenceServiceSettings}, each problem naming its path, e.g. `fleet.maxCapacity`. */
export function inferenceServiceSettingsProblems(settings: InferenceServiceSettings): Problem[] {
  return [
    ...withPath('model', inferenceModelProblems(settings.model)),
    ...withPath('fleet', gpuFleetSettingsProblems(settings.fleet)),
    settings.fleet.bakedImage && isRegistryModel(settings.model)
      ? `fleet.bakedImage cannot be used with model.modelPackage (group "${settings.model.modelPackage.groupName}"): the baked image's recipe is versioned `
        + 'at synth from the serving image, and a registered model\'s image is known only when the deploy resolves it; remove bakedImage, or serve an archive (name, version, image)'
      : undefined,
    // A registered model's image is known only at deploy: its one image serves any processor (RegistryModel).
    isRegistryModel(settings.model) || settings.model.image === undefined
      ? undefined
      : fleetImageProblem('model.image', settings.model.image, 'fleet.instanceTypes', settings.fleet.instanceTypes),
    ...jobQueueProblems({ maxJobDuration: settings.maxJobDuration }),
    settings.maxConcurrentJobs === undefined ? undefined : maxConcurrentJobsProblem('maxConcurrentJobs', settings.maxConcurrentJobs),
    ...withPath('scaling', queueScalingSettingsProblems(settings.scaling)),
    ...withPath('gpuScaleIn', utilizationScaleInSettingsProblems(settings.gpuScaleIn ?? {})),
    ...(settings.schedule ? withPath('schedule', fleetScheduleSettingsProblems(settings.schedule)) : []),
    ...withPath('results', jobResultsSettingsProblems(settings.results ?? {})),
    ...planWarmUpWindows(settings.warmUpWindows ?? [], { minCapacity: settings.fleet.minCapacity, maxCapacity: settings.fleet.maxCapacity, schedule: settings.schedule }).problems,
    // Predictive scaling launches a boot early, within its hourly forecast interval.
    !settings.scaling.predictive || expectedBootTimeOf(settings.fleet).toSeconds({ integral: false }) < FORECAST_INTERVAL_SECONDS
      ? undefined
      : `fleet.expectedBootTime (${expectedBootTimeOf(settings.fleet).toHumanString()}) must be under 1 hour with scaling.predictive: it is the policy's SchedulingBufferTime, which must be less than the forecast's hourly interval`,
  ];
}

/**
 * One model served from a job queue by a fleet of GPU (or, for development, CPU) instances: the
 * queue and its dead-letter queue, the results bucket and the success and error topics, the fleet
 * with the instance runtime bound to it, queue scaling with the wake-up from zero and the scale-in
 * on idle instances (their GPU, or CPU, utilization), the optional night schedule, an internal ALB with the `/ping` health
 * check, and the service's log group, alarms and dashboard. A stack holds one per model; the
 * model bucket and the model cache are shared.
 */
export class InferenceService extends Construct {
  /** The job queue and its dead-letter queue. */
  public readonly jobs: JobQueue;
  /** The results bucket and the success and error topics. */
  public readonly results: JobResults;
  /** The fleet: NVIDIA GPU or CPU instances (`fleet.processor`). */
  public readonly fleet: GpuFleet;
  /** The queue scaling policies. */
  public readonly scaling: QueueScaling;
  /** The internal load balancer and target group. */
  public readonly endpoint: InferenceEndpoint;
  /** The log group and the queue's alarms. */
  public readonly observability: InferenceObservability;
  /** The service's dashboard: queue, fleet, job latency, GPU (or CPU) utilization, alarms and boot phases. */
  public readonly dashboard: InferenceDashboard;
  /** What the fleet serves: the archive and image, a registered model's as resolved at deploy. */
  public readonly served: ServedModel;

  constructor(scope: Construct, id: string, props: InferenceServiceProps) {
    super(scope, id);
    throwIfProblems(...inferenceServiceSettingsProblems(props));
    const { removalPolicy } = props;
    this.served = isRegistryModel(props.model)
      ? new RegisteredModel(this, 'ModelPackage', {
        modelPackage: props.model.modelPackage, logRetention: props.logRetention, logEncryptionKey: props.logEncryptionKey, removalPolicy,
      })
      : archiveServedModel(props.model, props.modelBucket);
    // Validated above as written; until the model is published, nothing keeps an instance up.
    const minCapacity = (props.modelPublished ?? true) ? props.fleet.minCapacity : 0;

    this.jobs = new JobQueue(this, 'Jobs', { maxJobDuration: props.maxJobDuration, removalPolicy });
    // Retained whatever the removal policy: job results are the users' data.
    this.results = new JobResults(this, 'JobResults', { ...props.results, serverAccessLogsBucket: props.accessLogsBucket });
    const baked = props.fleet.bakedImage && new BakedImage(this, 'BakedImage', {
      ...props.fleet.bakedImage,
      buildInstanceType: props.fleet.bakedImage.buildInstanceType ?? props.fleet.instanceTypes[0],
      vpc: props.vpc,
      // An archive's image: a registered model cannot have a baked image (inferenceServiceSettingsProblems).
      servingImage: this.served.image,
      processor: fleetProcessorOf(props.fleet.instanceTypes),
      rootVolumeSizeGiB: props.fleet.rootVolumeSizeGiB ?? 100,
    });
    this.fleet = new GpuFleet(this, 'Fleet', {
      ...props.fleet,
      machineImage: baked ? baked.machineImage : undefined,
      vpc: props.vpc,
      // With a schedule, the morning action sets the daytime minimum (see FleetSchedule).
      minCapacity: props.schedule ? 0 : minCapacity,
      modelVersion: this.served.version,
      maxJobDuration: props.maxJobDuration,
    });
    this.scaling = new QueueScaling(this, 'QueueScaling', { ...props.scaling, fleet: this.fleet, queue: this.jobs.queue });
    // Its id names the metric: a GPU fleet keeps the id (and so the alarm) it always had.
    const scaleIn = new UtilizationScaleIn(this, this.fleet.processor === 'gpu' ? 'GpuUtilization' : 'CpuUtilization', { ...props.gpuScaleIn, fleet: this.fleet });
    if (props.schedule) {
      new FleetSchedule(this, 'Schedule', {
        ...props.schedule,
        autoScalingGroup: this.fleet.autoScalingGroup,
        minCapacity,
      });
    }
    // Until the model is published an instance could only fail to load it: no window starts one.
    if (props.warmUpWindows && (props.modelPublished ?? true)) {
      new WarmUpWindows(this, 'WarmUpWindows', {
        autoScalingGroup: this.fleet.autoScalingGroup,
        windows: props.warmUpWindows,
        minCapacity,
        maxCapacity: props.fleet.maxCapacity,
        schedule: props.schedule,
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
      logGroupName: `${props.logGroupPrefix ?? INFERENCE_LOG_GROUP_PREFIX}/${this.served.name}`,
      logRetention: props.logRetention,
      logEncryptionKey: props.logEncryptionKey,
      alarmAction: this.fleet.notifyAction(),
      removalPolicy,
    });

    new InferenceRuntime(this, 'Runtime', {
      jobs: this.jobs,
      results: this.results,
      served: this.served,
      modelCache: props.modelCache,
      logGroup: this.observability.logGroup,
      model: props.model,
      maxJobDuration: props.maxJobDuration,
      maxConcurrentJobs: props.maxConcurrentJobs ?? 1,
    }).bind(this.fleet);

    const { oldestMessageAgeAlarm, deadLetterAlarm } = this.observability;
    this.dashboard = new InferenceDashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      jobs: this.jobs,
      results: this.results,
      fleet: this.fleet,
      scaling: this.scaling,
      backlogTarget: props.scaling.mode === 'step' ? undefined : this.scaling.backlogTargetPerInstance,
      acceptableLatency: props.scaling.acceptableLatency,
      oldestJobAgeAlarm: oldestMessageAgeAlarm,
      alarms: [oldestMessageAgeAlarm, deadLetterAlarm, ...this.scaling.alarms, scaleIn.alarm],
    });
  }

  /** Stack outputs of what callers and operators wire next, named `<prefix><Output>` (see INFERENCE_SERVICE_OUTPUTS). */
  public addOutputs(prefix = ''): void {
    const outputs: Record<InferenceServiceOutput, [string, string]> = {
      QueueUrl: [this.jobs.queue.queueUrl, 'Send inference jobs here'],
      DeadLetterQueueUrl: [this.jobs.deadLetterQueue.queueUrl, 'Jobs that failed repeatedly'],
      LoadBalancerDnsName: [this.endpoint.loadBalancer.loadBalancerDnsName, 'Internal ALB of the fleet'],
      TargetGroupArn: [this.endpoint.targetGroup.targetGroupArn, 'Target group of the fleet'],
      AutoScalingGroupName: [this.fleet.autoScalingGroup.autoScalingGroupName, `The ${FLEET_PROCESSOR_LABELS[this.fleet.processor]} fleet`],
      LogGroupName: [this.observability.logGroup.logGroupName, 'Boot, agent and container logs'],
      ResultsBucketName: [this.results.bucket.bucketName, 'Job results (results/<jobId>), errors (errors/<jobId>.json) and large inputs (inputs/)'],
      SuccessTopicArn: [this.results.successTopic.topicArn, 'One message per job that succeeded'],
      ErrorTopicArn: [this.results.errorTopic.topicArn, 'One message per job that failed or was malformed'],
      AlarmTopicArn: [this.fleet.notificationTopic.topicArn, 'The service\'s alarms and its fleet\'s launch and terminate failures; the environment\'s notifications reach it'],
      DashboardUrl: [dashboardUrl(this.dashboard.dashboard), 'The service\'s CloudWatch dashboard: queue, instances, job latency, GPU (or CPU) utilization, alarms, boot phases'],
    };
    for (const id of INFERENCE_SERVICE_OUTPUTS) {
      const [value, description] = outputs[id];
      new CfnOutput(this, `${prefix}${id}`, { value, description, key: `${prefix}${id}` });
    }
  }
}
