#!/usr/bin/env node
// The app's environments, in deployment order, as a JSON array of names: the workflows' matrix.
// `npx tsx scripts/environments.ts` prints e.g. ["dev","staging","prod"].
import { ENVIRONMENTS } from '../lib/config';

/** The JSON the workflows read: the names of `environments`, in their order. */
export function environmentNamesJson(environments: ReadonlyArray<{ readonly name: string }> = ENVIRONMENTS): string {
  return JSON.stringify(environments.map((environment) => environment.name));
}

if (require.main === module) {
  console.log(environmentNamesJson());
}
