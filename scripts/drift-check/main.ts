#!/usr/bin/env node
// Drift of an environment's deployed stacks: `npx cdk synth -c env=dev && npx tsx scripts/drift-check/main.ts dev`.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { run } from './cli';
import { DRIFT_WAIT } from './stack-drift';

// The SDK's own switch for its notice that releases after January 2027 need Node.js 22
// (https://github.com/aws/aws-sdk-js-v3/issues/7983): the check prints its findings only.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

run(process.argv.slice(2), {
  cloudFormationFor: (region) => new CloudFormationClient(region ? { region } : {}),
  wait: DRIFT_WAIT,
  print: (line) => console.log(line),
}).then((code) => {
  process.exitCode = code;
});
