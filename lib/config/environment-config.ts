import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** The environments this app deploys. */
export type EnvironmentName = 'dev' | 'staging' | 'prod';

/** Cost allocation tag values; the `environment` tag is the environment's name. */
export interface CostTagValues {
  /** Value of the `team` tag. */
  readonly team: string;
  /** Value of the `cost_center` tag. */
  readonly costCenter: string;
  /** Value of the `project` tag. */
  readonly project: string;
}

/** Shape of the environment's VPC. */
export interface NetworkConfig {
  /** Availability Zones the VPC spans. */
  readonly maxAzs: number;
  /** NAT gateways: 1 is cheapest, one per AZ survives an AZ outage. */
  readonly natGateways: number;
}

/** Night-time scale-down of a fleet, in the environment's time zone. */
export interface FleetScheduleConfig {
  /** Whether the scheduled actions exist at all. */
  readonly enabled: boolean;
  /** IANA time zone of the cron expressions, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  /** 5-field cron at which the fleet scales to 0, e.g. `0 22 * * *`. */
  readonly scaleDownCron: string;
  /** 5-field cron at which the fleet's minimum is restored, e.g. `0 8 * * 1-5`. */
  readonly scaleUpCron: string;
}

/** The model the inference fleet serves. */
export interface ModelConfig {
  /** Model name: the S3 key is `models/{name}/{version}/model.tar.gz`. */
  readonly name: string;
  /** Model version; changing it rolls the fleet. */
  readonly version: string;
  /** Inference container image serving the model on port 8080. */
  readonly containerImage: string;
  /** Fraction of GPU memory the inference server may take (0-1]. */
  readonly gpuMemoryFraction: number;
  /** Seconds from boot until the model is loaded and `/health` answers. */
  readonly warmupSeconds: number;
}

/** The queue-fed GPU inference fleet. */
export interface InferenceConfig {
  /** GPU instance types of the mixed instances policy, most preferred first. */
  readonly instanceTypes: string[];
  /** Minimum fleet size outside the night schedule (0 allowed). */
  readonly minCapacity: number;
  /** Maximum fleet size. */
  readonly maxCapacity: number;
  /** On-demand instances kept before any spot capacity. */
  readonly onDemandBaseCapacity: number;
  /** Percentage of capacity above the base that is on-demand; the rest is spot. */
  readonly onDemandPercentageAboveBaseCapacity: number;
  /**
   * Highest spot price to pay, USD per hour.
   * @default - the spot price, capped at on-demand
   */
  readonly spotMaxPriceUsdPerHour?: number;
  /** Root volume size. */
  readonly rootVolumeSizeGiB: number;
  /** The model served. */
  readonly model: ModelConfig;
  /** Longest a single job may run; becomes the queue's visibility timeout. */
  readonly maxJobDurationSeconds: number;
  /** Average seconds one instance spends on one job. */
  readonly secondsPerJob: number;
  /** Longest a job should wait in the queue; with secondsPerJob it sets the backlog target. */
  readonly acceptableLatencySeconds: number;
  /** Minutes the queue must stay empty before the fleet scales in to 0. */
  readonly scaleToZeroAfterIdleMinutes: number;
  /** Night-time scale-down. */
  readonly schedule: FleetScheduleConfig;
}

/** The spot EC2 Fleet of the training stack. */
export interface SpotFleetConfig {
  /** GPU instance types the fleet may launch (launch template overrides). */
  readonly instanceTypes: string[];
  /** Instances the fleet maintains while training; 0 when idle. */
  readonly targetCapacity: number;
  /** Spot allocation strategy. */
  readonly allocationStrategy: 'price-capacity-optimized' | 'capacity-optimized';
  /** Training job the fleet runs; its checkpoints live under `checkpoints/{jobName}/`. Lower-case letters, digits, hyphens. */
  readonly jobName: string;
  /** Command that starts the job on each fleet instance, e.g. `exec python /opt/train/train.py`; see README "checkpoint contract". */
  readonly trainingCommand: string;
}

/** Shutdown of a training cluster whose GPUs sit idle. */
export interface IdleShutdownConfig {
  /** GPU utilization (percent) below which the cluster counts as idle. */
  readonly gpuUtilizationThresholdPercent: number;
  /** Whole minutes (5-1440) of idleness before the cluster is shut down. */
  readonly idleMinutes: number;
}

/** The training stack's EC2 capacity and buckets. */
export interface TrainingConfig {
  /** Instance type of the on-demand placement-group cluster. */
  readonly instanceType: string;
  /** Maximum nodes of the on-demand cluster (it sits at 0 when not training). */
  readonly maxNodes: number;
  /** Attach an Elastic Fabric Adapter; the instance type must support it. */
  readonly efa: boolean;
  /** Root volume size. */
  readonly rootVolumeSizeGiB: number;
  /** The spot EC2 Fleet. */
  readonly spotFleet: SpotFleetConfig;
  /** Idle shutdown of the cluster and the fleet. */
  readonly idleShutdown: IdleShutdownConfig;
  /** Days a replaced checkpoint version is kept. */
  readonly checkpointNoncurrentVersionDays: number;
}

/** One production variant of the SageMaker endpoint. */
export interface EndpointVariantConfig {
  /** Variant name, unique within the endpoint. */
  readonly name: string;
  /** SageMaker instance type, `ml.` prefixed. */
  readonly instanceType: string;
  /** Instances the variant starts with. */
  readonly initialInstanceCount: number;
  /** Share of traffic relative to the other variants' weights. */
  readonly initialVariantWeight: number;
}

/** The SageMaker real-time endpoint. */
export interface SageMakerEndpointConfig {
  /** ECR repository name of the serving image. */
  readonly imageRepositoryName: string;
  /** Tag of the serving image. */
  readonly imageTag: string;
  /** Key of the model artifact in the artifact bucket, under `models/`. */
  readonly modelDataKey: string;
  /** Production variants; several split traffic for A/B tests. */
  readonly variants: EndpointVariantConfig[];
  /** Minimum instances per variant. */
  readonly minCapacity: number;
  /** Maximum instances per variant. */
  readonly maxCapacity: number;
  /** Requests per second one instance sustains at peak (from a load test). */
  readonly maxRequestsPerSecond: number;
  /** Share of maxRequestsPerSecond to target, (0-1]. */
  readonly safetyFactor: number;
  /** Encrypt the endpoint's storage volume with a customer managed KMS key. */
  readonly customerManagedKey: boolean;
}

/** Limits the GPU cost guardrails enforce at synth. */
export interface GuardrailsConfig {
  /** Highest MaxSize (or target capacity) any GPU fleet may have. */
  readonly maxGpuInstancesPerFleet: number;
  /** GPU and SageMaker instance types this environment may use. */
  readonly allowedInstanceTypes: string[];
  /** Whether every GPU fleet must be able to reach 0 instances (a night schedule or idle shutdown). */
  readonly requireScaleToZero: boolean;
}

/** The environment's monthly AWS Budget. */
export interface BudgetConfig {
  /** Monthly limit in USD for resources tagged with this environment. */
  readonly monthlyLimitUsd: number;
  /** Email addresses notified at 80 % actual and 100 % forecasted spend. */
  readonly notificationEmails: string[];
}

/** Everything that differs between dev, staging and prod. */
export interface EnvironmentConfig {
  /** Environment name; also the `environment` tag value. */
  readonly name: EnvironmentName;
  /**
   * Account to deploy to.
   * @default - environment-agnostic stacks: the CLI's credentials pick the account
   */
  readonly account?: string;
  /**
   * Region to deploy to.
   * @default - environment-agnostic stacks: the CLI's configuration picks the region
   */
  readonly region?: string;
  /** Cost allocation tag values. */
  readonly tags: CostTagValues;
  /** VPC shape. */
  readonly network: NetworkConfig;
  /** Retention of every log group. */
  readonly logRetention: RetentionDays;
  /** Days AWS Backup keeps recovery points of stateful resources. */
  readonly backupRetentionDays: number;
  /** What happens to stateful resources (buckets, file systems) when removed from the app. */
  readonly removalPolicy: RemovalPolicy;
  /** The inference fleet. */
  readonly inference: InferenceConfig;
  /** The training cluster and spot fleet. */
  readonly training: TrainingConfig;
  /** The SageMaker endpoint. */
  readonly sageMaker: SageMakerEndpointConfig;
  /** GPU cost limits. */
  readonly guardrails: GuardrailsConfig;
  /** Monthly budget. */
  readonly budget: BudgetConfig;
}
