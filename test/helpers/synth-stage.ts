import { App, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EnvironmentConfig } from '../../lib/config';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';

/** A stage synthesized once, with its templates by stack id, for many tests to share. */
export interface SynthesizedStage {
  readonly stage: AiInfraStage;
  /** Templates keyed by stack id within the stage (`AiInference`, `Training`, ...). */
  readonly templates: Record<string, Template>;
}

/** Synthesizes the environment's stage once. Call it at the top of a test file, not per test. */
export function synthStage(config: EnvironmentConfig): SynthesizedStage {
  const app = new App();
  const stage = new AiInfraStage(app, config.name, { config });
  return { stage, templates: templatesOf(stage) };
}

/** Templates of every stack in the stage, from one synthesis. */
export function templatesOf(stage: Stage): Record<string, Template> {
  const assembly = stage.synth();
  const stacks = stage.node.findAll().filter(Stack.isStack);
  return Object.fromEntries(
    stacks.map((stack) => [stack.node.id, Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template)]),
  );
}

/** Every L1 resource in the construct tree below `scope`. */
export function cfnResourcesOf(stage: Stage): CfnResource[] {
  return stage.node.findAll().filter(CfnResource.isCfnResource);
}
