#!/usr/bin/env node
import { App, DefaultStackSynthesizer } from 'aws-cdk-lib';
import { selectEnvironments } from '../lib/config';
import { gitops } from '../lib/config/gitops';
import { registerNagPacks } from '../lib/nag/register-nag-packs';
import { AiInfraStage } from '../lib/stacks/ai-infra-stage';
import { DeployRoleStack } from '../lib/stacks/deploy-role-stack';

// Every stack deploys through the bootstrap roles of the qualifier the deploy role may assume.
const app = new App({ defaultStackSynthesizer: new DefaultStackSynthesizer({ qualifier: gitops.bootstrapQualifier }) });

const stages = selectEnvironments(app.node.tryGetContext('env')).map((config) => new AiInfraStage(app, config.name, { config }));

// The GitHub OIDC roles: one per account, outside the environments, whatever -c env= selects.
new DeployRoleStack(app, 'AiInfraGitHubRoles', { config: gitops });

registerNagPacks(app, stages);
