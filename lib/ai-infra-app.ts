import { App, DefaultStackSynthesizer } from 'aws-cdk-lib';
import { CDK_APP_MODE_CONTEXT, FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import { EnvironmentConfig, selectEnvironments } from './config';
import { registerControlTowerChecks } from './compliance/register-control-tower';
import { gitops } from './config/gitops';
import { registerNagPacks } from './nag/register-nag-packs';
import { AiInfraStage } from './stacks/ai-infra-stage';
import { DeployRoleStack } from './stacks/deploy-role-stack';
import { GITHUB_ROLES_STACK_ID } from './stacks/stack-names';

/** The app `cdk` runs, with the stages it built. */
export interface AiInfraApp {
  /** The CDK App. */
  readonly app: App;
  /** One stage per environment selected with `-c env=`. */
  readonly stages: AiInfraStage[];
}

/** Settings of {@link createAiInfraApp}: what the `cdk` CLI otherwise hands the app. */
export interface AiInfraAppSettings {
  /**
   * Context values, as `cdk.json` and `-c key=value` give them (e.g. `{ env: 'dev' }` and the
   * feature flags), for a test or script that runs the app without the CLI. Context the CLI
   * passes takes precedence.
   * @default - only the context the CLI passes
   */
  readonly context?: Record<string, unknown>;
  /**
   * Directory the cloud assembly is written to.
   * @default - the CLI's `--output`, else a new temporary directory
   */
  readonly outdir?: string;
  /**
   * How a validation error fails the synth (aws-cdk-lib's `CDK_APP_MODE_CONTEXT`): `process`
   * prints the report and sets a non-zero exit code, as the CLI expects; `inmemory` makes
   * `app.synth()` throw an error holding the report, for tests and scripts in one process.
   * @default 'process'
   */
  readonly appMode?: 'process' | 'inmemory';
  /**
   * The environments `-c env=` selects among (all of them without it), e.g. a config with one
   * service more, for a test or script.
   * @default ENVIRONMENTS
   */
  readonly environments?: readonly EnvironmentConfig[];
}

/**
 * Builds the app: one Stage per selected environment, the GitHub roles stack, every nag pack
 * and the Control Tower controls. `bin/ai-infra.ts` is this and nothing else; tests and
 * scripts pass `settings`.
 */
export function createAiInfraApp(settings: AiInfraAppSettings = {}): AiInfraApp {
  const app = new App({
    context: settings.context,
    outdir: settings.outdir,
    // Every stack deploys through the bootstrap roles of the qualifier the deploy role may assume.
    defaultStackSynthesizer: new DefaultStackSynthesizer({ qualifier: gitops.bootstrapQualifier }),
    // The app, not the CLI, fails the synth on a nag error: the CLI only reports findings of the
    // stacks it selected, and a plain `cdk synth` selects none inside the environment stages.
    postCliContext: { [FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: true, [CDK_APP_MODE_CONTEXT]: settings.appMode ?? 'process' },
    // CDK's schema validation only warns and costs most of the synth time; the app-level test
    // (test/app/nag-packs.test.ts) runs it on every stage and fails on any finding.
    builtinCloudFormationValidation: false,
  });

  const stages = selectEnvironments(app.node.tryGetContext('env'), settings.environments).map((config) => new AiInfraStage(app, config.name, { config }));

  // The GitHub OIDC roles: one per account, outside the environments, whatever -c env= selects.
  new DeployRoleStack(app, GITHUB_ROLES_STACK_ID, { config: gitops });

  registerNagPacks(app, stages);
  registerControlTowerChecks(app);
  return { app, stages };
}
