#!/usr/bin/env node
// Before a deploy: `npm run preflight -- --env dev [--region eu-central-1] [--assembly cdk.out]`.
import '../quiet-aws-sdk';
import { STSClient } from '@aws-sdk/client-sts';
import { environmentOf, synthesizeEnvironment, synthesizePublished } from './assembly';
import { showProgress } from '../cli';
import { run } from './cli';
import { createClients } from './clients';

run(process.argv.slice(2), {
  clientsFor: createClients,
  // The SDK's region chain: AWS_REGION, then the profile's region in ~/.aws/config.
  defaultRegion: () => new STSClient({}).config.region().catch(() => undefined),
  assemble: (environment, assembly) => {
    if (assembly) return environmentOf(assembly, environment);
    showProgress('preflight', `synthesizing ${environment}`);
    return synthesizeEnvironment(environment);
  },
  assemblePublished: (config) => {
    showProgress('preflight', `synthesizing ${config.name} with its model published, for the SageMaker quotas`);
    return synthesizePublished(config);
  },
  print: (line) => console.log(line),
}).then((code) => {
  process.exitCode = code;
});
