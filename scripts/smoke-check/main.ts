#!/usr/bin/env node
// Post-deploy smoke check: `npx tsx scripts/smoke-check/main.ts --env dev`.
import '../quiet-aws-sdk';
import { CONSOLE } from '../cli';
import { run } from './cli';
import { createClients } from './smoke-check';

run(process.argv.slice(2), process.env, createClients, CONSOLE).then((code) => {
  process.exitCode = code;
});
