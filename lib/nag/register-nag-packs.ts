import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EnvironmentConfig } from '../config';
import { AiInfraStage } from '../stacks/ai-infra-stage';
import { CostTaggingChecks } from './cost-tagging-checks';
import { GpuCostChecks, GpuCostLimits } from './gpu-cost-checks';

/** The GPU cost limits of one environment, from its config. */
export function gpuCostLimitsOf(config: EnvironmentConfig): GpuCostLimits {
  return {
    maxGpuInstancesPerFleet: config.guardrails.maxGpuInstancesPerFleet,
    allowedInstanceTypes: config.guardrails.allowedInstanceTypes,
    requireScaleToZero: config.guardrails.requireScaleToZero,
  };
}

/**
 * Registers every nag pack on the App: AwsSolutionsChecks and the cost tagging pack for the
 * whole app, and one GPU cost pack per stage, scoped to that stage, with its environment's
 * limits. Any error finding then fails `app.synth()` (and `cdk synth`).
 */
export function registerNagPacks(app: App, stages: readonly AiInfraStage[]): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new CostTaggingChecks(app),
    ...stages.map((stage) => new GpuCostChecks(stage, gpuCostLimitsOf(stage.config))),
  );
}
