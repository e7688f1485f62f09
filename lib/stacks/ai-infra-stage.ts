import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config/environment-config';
import { applyCostTags } from '../cost-tags';
import { AiInferenceStack, aiInferenceSettingsOf } from './ai-inference-stack';
import { CostStack, costSettingsOf } from './cost-stack';
import { MlPlatformStack, mlPlatformSettingsOf } from './ml-platform-stack';
import { NetworkStack } from './network-stack';
import { STACK_IDS } from './stack-names';
import { TrainingStack, trainingSettingsOf } from './training-stack';

/** Props of {@link AiInfraStage}. */
export interface AiInfraStageProps extends StageProps {
  /** The environment this stage deploys, already validated. */
  readonly config: EnvironmentConfig;
}

/** One environment: its network, its stacks on that network, and its cost allocation tags. */
export class AiInfraStage extends Stage {
  /** The environment this stage deploys. */
  public readonly config: EnvironmentConfig;
  /** The environment's one VPC. */
  public readonly network: NetworkStack;
  /** The GPU inference fleet. */
  public readonly inference: AiInferenceStack;
  /** Training capacity and the SageMaker endpoint. */
  public readonly training: TrainingStack;
  /** The environment's budget. */
  public readonly cost: CostStack;
  /** MLflow, EKS and Kubeflow Pipelines, where `mlPlatform.enabled`. */
  public readonly mlPlatform?: MlPlatformStack;

  constructor(scope: Construct, id: string, props: AiInfraStageProps) {
    const { config } = props;
    super(scope, id, { env: { account: config.account, region: config.region }, ...props });
    this.config = config;

    this.network = new NetworkStack(this, STACK_IDS.network, {
      network: config.network,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const network = this.network.network;
    this.inference = new AiInferenceStack(this, STACK_IDS.inference, { ...aiInferenceSettingsOf(config), network });
    this.training = new TrainingStack(this, STACK_IDS.training, { ...trainingSettingsOf(config), network, modelBucket: this.inference.models.bucket });
    this.cost = new CostStack(this, STACK_IDS.cost, costSettingsOf(config));
    if (config.mlPlatform.enabled) {
      this.mlPlatform = new MlPlatformStack(this, STACK_IDS.mlPlatform, {
        ...mlPlatformSettingsOf(config),
        network,
        mlflowRunLoggers: this.training.trainingRoles,
      });
    }

    applyCostTags(this, { environment: config.name, team: config.tags.team, cost_center: config.tags.costCenter, project: config.tags.project });
  }
}
