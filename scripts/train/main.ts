#!/usr/bin/env -S npx tsx
// The training CLI: `npm run train -- start --env dev --on spot --code ./train`.
import '../quiet-aws-sdk';
import { runTrain } from './cli';
import { createTrainClients } from './context';

runTrain(process.argv.slice(2), {
  env: process.env,
  print: (line) => console.log(line),
  printError: (line) => console.error(line),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => new Date(),
}, createTrainClients).then((code) => {
  process.exitCode = code;
});
