import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const run = (script: string, ...args: string[]) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts', script), ...args], { cwd: root, encoding: 'utf8' });

describe.each(['simulate.ts', 'cost.ts'])('npm run %s', (script) => {
  test('--help prints the flags, the undocumented assumptions among them, and exits 0', () => {
    const result = run(script, '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/--evaluation-range-extra/);
    expect(result.stdout).toMatch(/--sqs-reactivation-delay-minutes/);
  });

  test.each([
    [['--days', '0'], /--days \(0\) must be a whole number from 1 to 31/],
    [['--env', 'nowhere'], /--env nowhere is not an environment/],
    [['--region', 'mars-1'], /--region no prices for region "mars-1"/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%j is a usage error: one line, exit 2', (args, message) => {
    const result = run(script, ...args);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
