import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InferenceServiceSettings } from '../constructs/inference/inference-service';
import { AutoModeNodePoolSettings } from '../constructs/ml-platform/auto-mode-node-pool';
import { MlPlatformClusterSettings } from '../constructs/ml-platform/ml-platform-cluster';
import { MlflowTrackingServerSettings } from '../constructs/ml-platform/mlflow-tracking-server';
import { NetworkSettings } from '../constructs/network/environment-network';
import { NotificationTargets } from '../constructs/notifications/notification-targets';
import { IdleShutdownSettings } from '../constructs/training/idle-shutdown';
import { SageMakerEndpointSettings } from '../constructs/training/sagemaker-endpoint';
import { SpotTrainingFleetSettings } from '../constructs/training/spot-training-fleet';
import { TrainingClusterSettings } from '../constructs/training/training-cluster';

/** Cost allocation tag values; the `environment` tag is the environment's name. */
export interface CostTagValues {
  /** Value of the `team` tag. */
  readonly team: string;
  /** Value of the `cost_center` tag. */
  readonly costCenter: string;
  /** Value of the `project` tag. */
  readonly project: string;
}

/** The training stack's capacity and buckets. */
export interface TrainingConfig {
  /** The on-demand placement-group cluster. */
  readonly cluster: TrainingClusterSettings;
  /** The spot EC2 Fleet. */
  readonly spotFleet: SpotTrainingFleetSettings;
  /** Idle shutdown of the cluster and the fleet. */
  readonly idleShutdown: IdleShutdownSettings;
  /** Days a replaced checkpoint version is kept. */
  readonly checkpointNoncurrentVersionDays: number;
}

/** The SageMaker real-time endpoint; it serves `inference.model`, the fleet's image and archive. */
export interface SageMakerConfig {
  /** The endpoint's variants, capacity and key. */
  readonly endpoint: SageMakerEndpointSettings;
  /** ECR repository name of the training images SageMaker training jobs may pull. */
  readonly trainingImageRepositoryName: string;
}

/**
 * The ML platform (the `MlPlatform` stack): managed MLflow, EKS Auto Mode with a GPU and a CPU
 * NodePool, Kubeflow Pipelines. A NodePool's fields are those of `AutoModeNodePoolSettings`
 * without `gpu` (the stack makes `gpuNodePool` the GPU pool).
 */
export interface MlPlatformConfig {
  /** Whether the environment deploys the `MlPlatform` stack. It has a fixed monthly cost while it exists (README "ML platform"). */
  readonly enabled: boolean;
  /** The EKS cluster: the pinned Kubernetes version (the app bundles the kubectl layer of 1.35) and cluster admins. */
  readonly cluster: Omit<MlPlatformClusterSettings, 'kubectlLayer'>;
  /** The `gpu` NodePool; its limits and instance types must also pass `guardrails`. */
  readonly gpuNodePool: Omit<AutoModeNodePoolSettings, 'gpu'>;
  /** The `cpu` NodePool, where Kubeflow Pipelines itself runs. */
  readonly cpuNodePool: Omit<AutoModeNodePoolSettings, 'gpu'>;
  /** The managed MLflow tracking server: size, maintenance window, version. */
  readonly mlflow: MlflowTrackingServerSettings;
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

/** The environment's monthly AWS Budget; it notifies `notifications`. */
export interface BudgetConfig {
  /** Monthly limit in USD for resources tagged with this environment. */
  readonly monthlyLimitUsd: number;
}

/** Everything that differs between environments. Start from `baseConfig` and override (see `defineEnvironment`). */
export interface EnvironmentConfig {
  /** Environment name: the Stage id, stack name prefix and `environment` tag value (lower-case letters, digits, hyphens). */
  readonly name: string;
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
  /** The environment's one VPC, shared by every stack. */
  readonly network: NetworkSettings;
  /** Retention of every log group. */
  readonly logRetention: RetentionDays;
  /** Days AWS Backup keeps recovery points of stateful resources. */
  readonly backupRetentionDays: number;
  /** What happens to stateful resources (buckets, file systems, queues) when removed from the app. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Whether `models/{name}/{version}/model.tar.gz` of `inference.model` is in the model bucket.
   * Leave false on a new environment's first deploy: the SageMaker endpoint is not created (it
   * could not start, and CloudFormation would roll back) and the fleet's MinSize stays 0.
   * Upload the model, set true, deploy again (README "First deploy of a new environment").
   */
  readonly modelPublished: boolean;
  /** The inference service: model, fleet, queue scaling, schedule. */
  readonly inference: InferenceServiceSettings;
  /** The training cluster, spot fleet and idle shutdown. */
  readonly training: TrainingConfig;
  /** The SageMaker endpoint. */
  readonly sageMaker: SageMakerConfig;
  /** The ML platform stack, and whether this environment has it. */
  readonly mlPlatform: MlPlatformConfig;
  /** GPU cost limits. */
  readonly guardrails: GuardrailsConfig;
  /** Monthly budget. */
  readonly budget: BudgetConfig;
  /**
   * Who hears the environment: every alarm topic, the budget (80 % actual, 100 % forecasted
   * spend) and the idle-shutdown reports reach these emails and Slack or Teams channels.
   * @default - nobody: the topics exist without subscribers (their ARNs are stack outputs)
   */
  readonly notifications?: NotificationTargets;
}
