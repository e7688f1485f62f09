import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

describe('temporaryOutdir', () => {
  // A process of its own, since the directory goes when the process exits.
  const script = `const { existsSync } = require('node:fs');
const { temporaryOutdir } = require(${JSON.stringify(join(__dirname, '..', '..', 'scripts', 'temporary-outdir.ts'))});
const directory = temporaryOutdir();
console.log(JSON.stringify({ directory, existed: existsSync(directory) }));`;
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8' });
  const { directory, existed } = JSON.parse(run.stdout) as { directory: string; existed: boolean };

  test('exists while the process runs', () => {
    expect(existed).toBe(true);
  });

  test('is removed when the process exits', () => {
    expect([run.status, existsSync(directory)]).toEqual([0, false]);
  });
});
