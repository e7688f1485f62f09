#!/usr/bin/env -S npx tsx
// Packages a model directory into model.tar.gz: `npm run model:package -- --source <dir> --out <file>`.
import { runPackageModel } from './cli';

runPackageModel(process.argv.slice(2), { print: (line) => console.log(line), printError: (line) => console.error(line) }).then((code) => {
  process.exitCode = code;
});
