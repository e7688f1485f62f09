import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config/environment-config';
import { applyCostTags } from '../cost-tags';
import { AiInferenceStack, aiInferenceSettingsOf } from './ai-inference-stack';
import { CostStack, costSettingsOf } from './cost-stack';
import { MlPlatformStack, mlPlatformSettingsOf } from './ml-platform-stack';
import { NetworkStack } from './network-stack';
import { STACK_IDS } from './stack-names';
import { StandbyEndpointStack } from './standby-endpoint-stack';
import { standbyInferenceSettingsOf } from './standby-region';
import { TrainingStack, trainingSettingsOf } from './training-stack';

/** Props of {@link AiInfraStage}. */
export interface AiInfraStageProps extends StageProps {
  /** The environment this stage deploys, already validated. */
  readonly config: EnvironmentConfig;
}

/** The stacks of an environment's standby Region (`secondaryRegion`). */
export interface StandbyStacks {
  /** The Region the stacks deploy to. */
  readonly region: string;
  /** The standby Region's VPC. */
  readonly network: NetworkStack;
  /** Every inference service standing by, and the model bucket's replica. */
  readonly inference: AiInferenceStack;
  /** The SageMaker endpoint, where `sageMaker.inSecondaryRegion` and the model is published. */
  readonly endpoint?: StandbyEndpointStack;
}

/**
 * One environment: its network, its stacks on that network, and its cost allocation tags; with a
 * `secondaryRegion`, the standby stacks there too.
 */
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
  /** The standby Region's stacks, where the environment has a `secondaryRegion`. */
  public readonly standby?: StandbyStacks;

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
    if (config.secondaryRegion) {
      this.standby = this.standbyStacks(config, config.secondaryRegion);
      // S3 Replication needs its destination bucket: the standby's model bucket is created first.
      this.inference.addStackDependency(this.standby.inference, 'the primary\'s model bucket replicates to the standby Region\'s');
    }
    if (config.mlPlatform.enabled) {
      this.mlPlatform = new MlPlatformStack(this, STACK_IDS.mlPlatform, {
        ...mlPlatformSettingsOf(config),
        network,
        mlflowRunLoggers: this.training.trainingRoles,
      });
    }

    applyCostTags(this, { environment: config.name, team: config.tags.team, cost_center: config.tags.costCenter, project: config.tags.project });
  }

  /** The network, the inference services and (where configured) the endpoint of the standby Region. */
  private standbyStacks(config: EnvironmentConfig, region: string): StandbyStacks {
    const env = { account: config.account, region };
    const network = new NetworkStack(this, STACK_IDS.standbyNetwork, {
      env,
      network: config.network,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    const inference = new AiInferenceStack(this, STACK_IDS.standbyInference, { env, ...standbyInferenceSettingsOf(config, region), network: network.network });
    const endpointSettings = trainingSettingsOf(config).sageMakerEndpoint;
    const endpoint = config.sageMaker.inSecondaryRegion && endpointSettings
      ? new StandbyEndpointStack(this, STACK_IDS.standbyEndpoint, {
        env,
        endpoint: endpointSettings,
        model: config.inference[config.sageMaker.service].model,
        modelBucket: inference.models.bucket,
        removalPolicy: config.removalPolicy,
      })
      : undefined;
    return { region, network, inference, endpoint };
  }
}
