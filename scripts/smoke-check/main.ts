#!/usr/bin/env node
// Post-deploy smoke check: `npx tsx scripts/smoke-check/main.ts --env dev`.
import { CONSOLE } from '../cli';
import { run } from './cli';
import { createClients } from './smoke-check';

// The SDK's own switch for its notice that releases after January 2027 need Node.js 22
// (https://github.com/aws/aws-sdk-js-v3/issues/7983): the check prints its findings only.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

run(process.argv.slice(2), process.env, createClients, CONSOLE).then((code) => {
  process.exitCode = code;
});
