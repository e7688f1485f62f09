#!/usr/bin/env node
// Drift of an environment's deployed stacks: `npx cdk synth -c env=dev && npx tsx scripts/drift-check/main.ts dev`.
import { spawnSync } from 'child_process';
import { join } from 'path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { run } from './cli';

const CDK = join(__dirname, '../../node_modules/.bin/cdk');

run(process.argv.slice(2), {
  cloudFormationFor: (region) => new CloudFormationClient(region ? { region } : {}),
  cdk: (args) => spawnSync(CDK, args, { stdio: 'inherit' }).status ?? 1,
  print: (line) => console.log(line),
}).then((code) => {
  process.exitCode = code;
});
