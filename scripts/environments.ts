#!/usr/bin/env node
// The app's environments, in deployment order, as a JSON array of names: the workflows' matrix.
// `npx tsx scripts/environments.ts` prints e.g. ["dev","staging","prod"].
import { ENVIRONMENTS } from '../lib/config';
import { EXIT_OK, runMain } from './cli';

/** The JSON the workflows read: the names of `environments`, in their order. */
export function environmentNamesJson(environments: ReadonlyArray<{ readonly name: string }> = ENVIRONMENTS): string {
  return JSON.stringify(environments.map((environment) => environment.name));
}

/** The command line: its name, usage and flags. */
export const ENVIRONMENTS_COMMAND_LINE = { name: 'environments', usage: 'usage: npx tsx scripts/environments.ts\n  Prints the names of ENVIRONMENTS, in deployment order, as a JSON array.', options: {} } as const;

/** The command; returns the exit code. */
export function printEnvironments(): number {
  console.log(environmentNamesJson());
  return EXIT_OK;
}

if (require.main === module) runMain(ENVIRONMENTS_COMMAND_LINE, printEnvironments);
