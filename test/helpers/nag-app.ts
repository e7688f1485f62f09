import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { AiInfraAppSettings, createAiInfraApp } from '../../lib/ai-infra-app';
import { registerControlTowerChecks } from '../../lib/compliance/register-control-tower';
import { EnvironmentConfig } from '../../lib/config/environment-config';
import { registerNagPacks } from '../../lib/nag/register-nag-packs';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { cdkJsonContext } from '../../scripts/nag-acknowledgements';
import { NagSynthResult, synthWithNag } from './nag';

/** The real app, as `cdk synth` builds it, for a test to break and synthesize. */
export interface RealApp {
  readonly app: App;
  /** Every environment's stage, by name. */
  readonly stages: Record<string, AiInfraStage>;
  /** The GitHub roles stack, outside the environments. */
  readonly rolesStack: Stack;
}

/**
 * `createAiInfraApp()` with cdk.json's context (every environment, the roles stack, every
 * plugin, the feature flags), writing to a temporary directory removed after the test file, in
 * the app mode that throws validation errors instead of exiting. Call it once per test file.
 * `environments` replaces ENVIRONMENTS, `env` selects among them as `-c env=` does.
 */
export function realApp(settings: Pick<AiInfraAppSettings, 'environments'> & { readonly env?: string } = {}): RealApp & { readonly outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'ai-infra-app-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const context = { ...cdkJsonContext(), ...(settings.env === undefined ? {} : { env: settings.env }) };
  const { app, stages } = createAiInfraApp({ context, outdir, appMode: 'inmemory', environments: settings.environments });
  return {
    app,
    outdir,
    stages: Object.fromEntries(stages.map((stage) => [stage.stageName, stage])),
    rolesStack: app.node.children.find((c): c is Stack => Stack.isStack(c)) as Stack,
  };
}

/**
 * One environment's stage, as cdk.json configures the app, synthesized under every nag pack and
 * the Control Tower controls; for a test of a config variant that the shipped environments lack.
 */
export function synthConfigWithEveryCheck(config: EnvironmentConfig): { readonly stage: AiInfraStage; readonly result: NagSynthResult } {
  const app = new App({ context: cdkJsonContext() });
  const stage = new AiInfraStage(app, config.name, { config });
  registerNagPacks(app, [stage]);
  registerControlTowerChecks(app);
  return { stage, result: synthWithNag(app) };
}
