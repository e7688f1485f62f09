#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { selectEnvironments } from '../lib/config';
import { registerNagPacks } from '../lib/nag/register-nag-packs';
import { AiInfraStage } from '../lib/stacks/ai-infra-stage';

const app = new App();

const stages = selectEnvironments(app.node.tryGetContext('env')).map((config) => new AiInfraStage(app, config.name, { config }));

registerNagPacks(app, stages);
