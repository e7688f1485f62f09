#!/usr/bin/env node
// Before a deploy: `npm run preflight -- --env dev [--region eu-central-1] [--assembly cdk.out]`.
import '../quiet-aws-sdk';
import { STSClient } from '@aws-sdk/client-sts';
import { environmentOf, synthesizeEnvironment, synthesizePublished } from './assembly';
import { run } from './cli';
import { createClients } from './clients';

run(process.argv.slice(2), {
  clientsFor: createClients,
  // The SDK's region chain: AWS_REGION, then the profile's region in ~/.aws/config.
  defaultRegion: () => new STSClient({}).config.region().catch(() => undefined),
  assemble: (environment, assembly) => (assembly ? environmentOf(assembly, environment) : synthesizeEnvironment(environment)),
  assemblePublished: synthesizePublished,
  print: (line) => console.log(line),
}).then((code) => {
  process.exitCode = code;
});
