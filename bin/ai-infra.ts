#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { selectEnvironments } from '../lib/config';
import { AiInfraStage } from '../lib/stacks/ai-infra-stage';

const app = new App();

for (const config of selectEnvironments(app.node.tryGetContext('env'))) {
  new AiInfraStage(app, config.name, { config });
}
