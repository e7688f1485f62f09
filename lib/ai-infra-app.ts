import { App, DefaultStackSynthesizer } from 'aws-cdk-lib';
import { CDK_APP_MODE_CONTEXT, FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import { ConfigError, EnvironmentConfig, selectEnvironments } from './config';
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
 * Whether the app builds the GitHub roles stack, from the `env` and `roles` context: `-c roles=true`
 * or `-c roles=false` says so; without it, only when no `-c env=` selects environments, so
 * `cdk synth -c env=dev` shows dev's stacks alone and a plain `cdk synth` (pull requests, the
 * roles' own deploy and drift check) has every stack.
 */
export function rolesStackSelected(env: unknown, roles: unknown): boolean {
  if (roles === undefined) return env === undefined;
  if (roles === true || roles === 'true') return true;
  if (roles === false || roles === 'false') return false;
  throw new ConfigError(`context roles (${JSON.stringify(roles)}) must be true or false: -c roles=true adds the GitHub roles stack to the environments -c env= selects`);
}

/**
 * Builds the app: one Stage per selected environment, the GitHub roles stack where selected (see
 * rolesStackSelected), every nag pack and the Control Tower controls. A wrong `env` or `roles`
 * context, or an environment whose config breaks a rule, throws a ConfigError. `bin/ai-infra.ts`
 * runs this and prints a ConfigError's message alone; tests and scripts pass `settings`.
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

  const env: unknown = app.node.tryGetContext('env');
  const withRoles = rolesStackSelected(env, app.node.tryGetContext('roles'));
  const stages = selectEnvironments(env, settings.environments).map((config) => new AiInfraStage(app, config.name, { config }));

  // The GitHub OIDC roles: one per account, outside the environments.
  if (withRoles) new DeployRoleStack(app, GITHUB_ROLES_STACK_ID, { config: gitops });

  registerNagPacks(app, stages);
  registerControlTowerChecks(app);
  return { app, stages };
}
