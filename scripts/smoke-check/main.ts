#!/usr/bin/env node
// Post-deploy smoke check: `npx tsx scripts/smoke-check/main.ts --env dev`.
import { run } from './cli';
import { createClients } from './smoke-check';

run(process.argv.slice(2), process.env, createClients, (line) => console.log(line)).then((code) => {
  process.exitCode = code;
});
