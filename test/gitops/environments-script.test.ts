import { execFileSync } from 'child_process';
import { join } from 'path';
import { ENVIRONMENTS } from '../../lib/config';
import { environmentNamesJson } from '../../scripts/environments';

const ROOT = join(__dirname, '../..');

describe('scripts/environments.ts', () => {
  test('prints exactly ENVIRONMENTS\' names, in deployment order, as one JSON line', () => {
    const stdout = execFileSync(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/environments.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(stdout).toBe(`${JSON.stringify(ENVIRONMENTS.map((c) => c.name))}\n`);
  });

  test('follows the list it is given, a fourth environment included', () => {
    expect(environmentNamesJson([{ name: 'dev' }, { name: 'qa' }, { name: 'staging' }, { name: 'prod' }])).toBe('["dev","qa","staging","prod"]');
  });
});
