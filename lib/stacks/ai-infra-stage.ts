import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config';
import { applyCostTags } from '../cost-tags';
import { AiInferenceStack } from './ai-inference-stack';
import { CostStack } from './cost-stack';
import { TrainingStack } from './training-stack';

/** Props of {@link AiInfraStage}. */
export interface AiInfraStageProps extends StageProps {
  /** The environment this stage deploys, already validated. */
  readonly config: EnvironmentConfig;
}

/** One environment: its stacks and its cost allocation tags. */
export class AiInfraStage extends Stage {
  /** The environment this stage deploys. */
  public readonly config: EnvironmentConfig;
  /** The GPU inference fleet. */
  public readonly inference: AiInferenceStack;
  /** Training capacity and the SageMaker endpoint. */
  public readonly training: TrainingStack;
  /** The environment's budget. */
  public readonly cost: CostStack;

  constructor(scope: Construct, id: string, props: AiInfraStageProps) {
    const { config } = props;
    super(scope, id, { env: { account: config.account, region: config.region }, ...props });

    this.config = config;
    this.inference = new AiInferenceStack(this, 'AiInference', { config });
    this.training = new TrainingStack(this, 'Training', { config });
    this.cost = new CostStack(this, 'Cost', { config });

    applyCostTags(this, { environment: config.name, team: config.tags.team, cost_center: config.tags.costCenter, project: config.tags.project });
  }
}
