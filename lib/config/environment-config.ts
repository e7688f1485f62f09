import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InferenceServiceSettings } from '../constructs/inference/inference-service';
import { GpuCostLimits } from '../nag/gpu-cost-checks';
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

/** The SageMaker real-time endpoint; it serves one inference service's model: that fleet's image and archive. */
export interface SageMakerConfig {
  /** Name of the inference service (a key of `inference`) whose model the endpoint serves. */
  readonly service: string;
  /** The endpoint's variants, capacity and key. */
  readonly endpoint: SageMakerEndpointSettings;
  /** ECR repository name of the training images SageMaker training jobs may pull. */
  readonly trainingImageRepositoryName: string;
  /**
   * Whether the endpoint also runs in the environment's `secondaryRegion`, with the same variants
   * and the replicated model archive, so callers of the endpoint can fail over too. It costs its
   * variants' instances around the clock (`npm run cost` shows it).
   * @default false - the secondary region serves jobs only
   */
  readonly inSecondaryRegion?: boolean;
}

/**
 * The ML platform (the `MlPlatform` stack): managed MLflow, EKS Auto Mode with a GPU and a CPU
 * NodePool, Kubeflow Pipelines. A NodePool's fields are those of `AutoModeNodePoolSettings`
 * without `gpu` (the stack makes `gpuNodePool` the GPU pool).
 */
export interface MlPlatformConfig {
  /** Whether the environment deploys the `MlPlatform` stack. It has a fixed monthly cost while it exists (docs/ml-platform.md). */
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

/** Why an environment may be expected to cost more than its budget (docs/foresight.md "The budget check"). */
export interface BudgetOverrunAcknowledgement {
  /** Why the expected cost is above `monthlyLimitUsd` for now, e.g. "load test until 2026-03-31, INC-42". */
  readonly reason: string;
}

/** The environment's monthly AWS Budget; it notifies `notifications`. */
export interface BudgetConfig {
  /** Monthly limit in USD for resources tagged with this environment. */
  readonly monthlyLimitUsd: number;
  /**
   * Lets `npm run cost` (and so the pull-request check) pass while the environment's expected
   * monthly cost is above `monthlyLimitUsd`; the estimate prints the reason. Remove it once the
   * estimate fits the budget again (the estimate says when it does).
   * @default - none: an expected cost above `monthlyLimitUsd` fails `npm run cost`
   */
  readonly acknowledgeOverrun?: BudgetOverrunAcknowledgement;
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
  /**
   * A second region for active-passive failover (docs/multi-region.md): it gets
   * its own network, a replica of the model bucket's `models/` (S3 Replication), each inference
   * service's queue, results bucket and fleet at MinSize 0 that scales from its own queue, and the
   * SageMaker endpoint where `sageMaker.inSecondaryRegion` says so. The jobs CLI submits to
   * `region` and fails over here. Needs `region`, and must differ from it.
   * @default - one region
   */
  readonly secondaryRegion?: string;
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
   * Whether `models/{name}/{version}/model.tar.gz` of every inference service's model is in the
   * model bucket. Leave false on a new environment's first deploy: the SageMaker endpoint is not
   * created (it could not start, and CloudFormation would roll back) and every fleet's MinSize
   * stays 0. Upload the models, set true, deploy again (README "First deploy");
   * upload a new service's model before adding the service (docs/environments.md "Adding a service").
   */
  readonly modelPublished: boolean;
  /**
   * The environment's inference services by name (docs/environments.md "Adding a service"): each its model,
   * fleet, queue scaling, schedule and results, and its own queue, fleet, results bucket and
   * stack outputs. `lib/stacks/service-names.ts` turns a name into those resources' names.
   */
  readonly inference: Readonly<Record<string, InferenceServiceSettings>>;
  /** The training cluster, spot fleet and idle shutdown. */
  readonly training: TrainingConfig;
  /** The SageMaker endpoint. */
  readonly sageMaker: SageMakerConfig;
  /** The ML platform stack, and whether this environment has it. */
  readonly mlPlatform: MlPlatformConfig;
  /** GPU cost limits: the GpuCost nag pack's, enforced at synth. */
  readonly guardrails: GpuCostLimits;
  /** Monthly budget. */
  readonly budget: BudgetConfig;
  /**
   * Who hears the environment: every alarm topic, the budget (at its actual and forecasted thresholds
   * spend) and the idle-shutdown reports reach these emails and Slack or Teams channels.
   * @default - nobody: the topics exist without subscribers (their ARNs are stack outputs)
   */
  readonly notifications?: NotificationTargets;
}

/** The environment's inference services as `[name, settings]`, in the config's order; a service an override set to undefined is gone. */
export function inferenceServicesOf(config: Pick<EnvironmentConfig, 'inference'>): [string, InferenceServiceSettings][] {
  return Object.entries(config.inference).filter((entry): entry is [string, InferenceServiceSettings] => entry[1] !== undefined);
}
