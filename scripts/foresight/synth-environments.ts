import {
  ANALYTICS_REPORTING_ENABLED_CONTEXT, ASSET_RESOURCE_METADATA_ENABLED_CONTEXT, BUNDLING_STACKS, CloudAssembly, PATH_METADATA_ENABLE_CONTEXT,
} from 'aws-cdk-lib/cx-api';
import { ENVIRONMENTS, EnvironmentConfig, inferenceServicesOf } from '../../lib/config';
import { createAiInfraApp } from '../../lib/ai-infra-app';
import { cdkJsonContext } from '../nag-acknowledgements';
import { temporaryOutdir } from '../temporary-outdir';

/** Which scaling the synthesized fleets carry: the environment's own, or the seed's step policy. */
export type ScalingVariant = 'default' | 'step';

/**
 * The environments as they run once their model is published (before that a fleet holds
 * MinSize 0 and has nothing to serve): each config with `modelPublished` switched on and,
 * for the `step` variant, every service's queue scaling in the seed's `mode: 'step'` (QueueScaling's one
 * definition of the seed policy). Nothing else changes.
 */
export function foresightEnvironments(variant: ScalingVariant, environments: readonly EnvironmentConfig[] = ENVIRONMENTS): EnvironmentConfig[] {
  return environments.map((config) => ({
    ...config,
    modelPublished: true,
    ...(variant === 'step'
      ? { inference: Object.fromEntries(inferenceServicesOf(config).map(([name, service]) => [name, { ...service, scaling: { ...service.scaling, mode: 'step' as const } }])) }
      : {}),
  }));
}

/** The context the cdk CLI hands every app unless cdk.json turns it off (path, asset and version metadata; bundle every stack). */
const CLI_DEFAULT_CONTEXT = {
  [PATH_METADATA_ENABLE_CONTEXT]: true,
  [ASSET_RESOURCE_METADATA_ENABLED_CONTEXT]: true,
  [ANALYTICS_REPORTING_ENABLED_CONTEXT]: true,
  [BUNDLING_STACKS]: ['**'],
};

/**
 * Synthesizes the environments named in `names` in this process through the app factory
 * `npx cdk synth` runs (lib/ai-infra-app.ts), with the context the CLI hands it (cdk.json's and
 * its own defaults), every check included, as `foresightEnvironments(variant, environments)` has
 * them, and returns the cloud assembly.
 */
export function synthForForesight(names: readonly string[], variant: ScalingVariant, environments: readonly EnvironmentConfig[] = ENVIRONMENTS): CloudAssembly {
  const { app } = createAiInfraApp({
    context: { ...CLI_DEFAULT_CONTEXT, ...cdkJsonContext(), env: names.join(',') },
    environments: foresightEnvironments(variant, environments),
    outdir: temporaryOutdir(),
    appMode: 'inmemory',
  });
  return app.synth();
}
