import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { AssetManifestArtifact, BUNDLING_STACKS, CloudAssembly, UNKNOWN_REGION } from 'aws-cdk-lib/cx-api';
import { createAiInfraApp } from '../../lib/ai-infra-app';
import { EnvironmentConfig } from '../../lib/config';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { BootstrapNeed } from './bootstrap-check';
import { CfnTemplate, EnvironmentStack } from './template';

/** One environment as it would deploy: its stacks and what they ask of the bootstrap stack. */
export interface EnvironmentAssembly {
  readonly stacks: EnvironmentStack[];
  readonly bootstrap: BootstrapNeed;
}

const CDK_JSON = join(__dirname, '../../cdk.json');

/**
 * The context `cdk` hands the app: cdk.json's, the environment, and no asset bundling (the
 * preflight reads templates, never assets: a stack bundles only when its path matches
 * `aws:cdk:bundling-stacks`, https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.Stack.html#bundlingrequired).
 */
function appContext(environment: string): Record<string, unknown> {
  const { context } = JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context: Record<string, unknown> };
  return { ...context, env: environment, [BUNDLING_STACKS]: [] };
}

/**
 * Synthesizes the environment through the app factory, as `cdk synth -c env=<name>` does (the
 * nag packs and Control Tower controls included: an app that does not synthesize does not deploy),
 * into a temporary directory it removes afterwards.
 */
export function synthesizeEnvironment(environment: string): EnvironmentAssembly {
  return inTemporaryDirectory((outdir) => {
    const { app } = createAiInfraApp({ context: appContext(environment), outdir, appMode: 'inmemory' });
    return environmentOf(app.synth().directory, environment);
  });
}

/**
 * The stacks of the environment once its model is published (the only config difference):
 * the SageMaker endpoint only exists then, and its instance quota is worth requesting before.
 * The same Stage the factory builds, with that one flag set, without the validation plugins.
 */
export function synthesizePublished(config: EnvironmentConfig): EnvironmentStack[] {
  return inTemporaryDirectory((outdir) => {
    const app = new App({ outdir, context: appContext(config.name) });
    new AiInfraStage(app, config.name, { config: { ...config, modelPublished: true } });
    return environmentOf(app.synth().directory, config.name).stacks;
  });
}

/** The environment's Stage in the cloud assembly at `directory` (e.g. `cdk.out` after `cdk synth -c env=<name>`). */
export function environmentOf(directory: string, environment: string): EnvironmentAssembly {
  const assembly = new CloudAssembly(directory);
  const stage = assembly.nestedAssemblies.find((nested) => nested.displayName === environment);
  if (!stage) {
    throw new Error(`the cloud assembly in ${directory} has no environment "${environment}": synthesize it with npx cdk synth -c env=${environment}`);
  }
  const artifacts = stage.nestedAssembly.stacks;
  const parameters = new Set<string>();
  let version = 0;
  for (const stack of artifacts) {
    for (const need of [stack, stack.lookupRole]) {
      if (need?.bootstrapStackVersionSsmParameter) parameters.add(need.bootstrapStackVersionSsmParameter);
      version = Math.max(version, need?.requiresBootstrapStackVersion ?? 0);
    }
    for (const assets of stack.dependencies.filter((d): d is AssetManifestArtifact => d instanceof AssetManifestArtifact)) {
      if (assets.bootstrapStackVersionSsmParameter) parameters.add(assets.bootstrapStackVersionSsmParameter);
      version = Math.max(version, assets.requiresBootstrapStackVersion ?? 0);
    }
  }
  if (parameters.size !== 1) {
    throw new Error(`the stacks of ${environment} name ${parameters.size} bootstrap version parameters (${[...parameters].join(', ')}): expected one, /cdk-bootstrap/<qualifier>/version`);
  }
  const [parameter] = parameters;
  return {
    stacks: artifacts.map((stack) => ({
      stackName: stack.stackName,
      template: stack.template as CfnTemplate,
      ...(stack.environment.region === UNKNOWN_REGION ? {} : { region: stack.environment.region }),
    })),
    bootstrap: { parameter, version, qualifier: parameter.split('/')[2] },
  };
}

function inTemporaryDirectory<T>(body: (directory: string) => T): T {
  const directory = mkdtempSync(join(tmpdir(), 'ai-infra-preflight-'));
  try {
    return body(directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
