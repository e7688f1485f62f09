import { App, DefaultStackSynthesizer } from 'aws-cdk-lib';
import { CDK_APP_MODE_CONTEXT, FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT } from 'aws-cdk-lib/cx-api';
import { selectEnvironments } from './config';
import { registerControlTowerChecks } from './compliance/register-control-tower';
import { gitops } from './config/gitops';
import { registerNagPacks } from './nag/register-nag-packs';
import { AiInfraStage } from './stacks/ai-infra-stage';
import { DeployRoleStack } from './stacks/deploy-role-stack';

/** The app `cdk` runs, with the stages it built. */
export interface AiInfraApp {
  /** The CDK App. */
  readonly app: App;
  /** One stage per environment selected with `-c env=`. */
  readonly stages: AiInfraStage[];
}

/**
 * Builds the app: one Stage per selected environment, the GitHub roles stack, every nag pack
 * and the Control Tower controls. `bin/ai-infra.ts` is this and nothing else.
 */
export function createAiInfraApp(): AiInfraApp {
  const app = new App({
    // Every stack deploys through the bootstrap roles of the qualifier the deploy role may assume.
    defaultStackSynthesizer: new DefaultStackSynthesizer({ qualifier: gitops.bootstrapQualifier }),
    // The app, not the CLI, fails the synth on a nag error: the CLI only reports findings of the
    // stacks it selected, and a plain `cdk synth` selects none inside the environment stages.
    postCliContext: { [FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: true, [CDK_APP_MODE_CONTEXT]: 'process' },
    // CDK's schema validation only warns and costs most of the synth time; the app-level test
    // (test/app/nag-packs.test.ts) runs it on every stage and fails on any finding.
    builtinCloudFormationValidation: false,
  });

  const stages = selectEnvironments(app.node.tryGetContext('env')).map((config) => new AiInfraStage(app, config.name, { config }));

  // The GitHub OIDC roles: one per account, outside the environments, whatever -c env= selects.
  new DeployRoleStack(app, 'AiInfraGitHubRoles', { config: gitops });

  registerNagPacks(app, stages);
  registerControlTowerChecks(app, stages);
  return { app, stages };
}
