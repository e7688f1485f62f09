#!/usr/bin/env node
// Drift of an environment's deployed stacks: `npx cdk synth -c env=dev && npx tsx scripts/drift-check/main.ts dev`.
import '../quiet-aws-sdk';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { run } from './cli';
import { DRIFT_WAIT } from './stack-drift';

run(process.argv.slice(2), {
  cloudFormationFor: (region) => new CloudFormationClient(region ? { region } : {}),
  wait: DRIFT_WAIT,
  print: (line) => console.log(line),
}).then((code) => {
  process.exitCode = code;
});
