import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AiInfraStage } from '../stacks/ai-infra-stage';
import { CostTaggingChecks } from './cost-tagging-checks';
import { GpuCostChecks } from './gpu-cost-checks';

/**
 * Registers every nag pack on the App: AwsSolutionsChecks and the cost tagging pack for the
 * whole app, and one GPU cost pack per stage, scoped to that stage, with its environment's
 * limits. Any error finding then fails `app.synth()` (and `cdk synth`).
 */
export function registerNagPacks(app: App, stages: readonly AiInfraStage[]): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new CostTaggingChecks(app),
    ...stages.map((stage) => new GpuCostChecks(stage, stage.config.guardrails)),
  );
}
