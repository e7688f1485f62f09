#!/usr/bin/env node
// The jobs CLI: `npm run jobs -- submit input.json --env dev --wait`; compiled by `npm run build`, the package's `ai-infra-jobs` bin.
import '../quiet-aws-sdk';
import { readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { runJobs } from './cli';
import { createJobsClients } from './context';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${question} [y/N] `);
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

runJobs(process.argv.slice(2), {
  env: process.env,
  print: (line) => console.log(line),
  printError: (line) => console.error(line),
  readFile: (path) => readFile(path),
  readStdin,
  writeFile: (path, body) => writeFile(path, body),
  confirm,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => new Date(),
}, createJobsClients).then((code) => {
  process.exitCode = code;
});
