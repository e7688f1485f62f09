import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const REPO = join(__dirname, '../..');
const SKIPPED_DIRS = new Set(['node_modules', 'cdk.out', '.git', 'coverage', '.bench']);

/** Every file of the repository that is a shell script: a `.sh` name or a shell shebang. */
function shellScripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) || entry.name.startsWith('cdk.out') ? [] : shellScripts(path);
    if (!entry.isFile()) return [];
    if (entry.name.endsWith('.sh')) return [path];
    const head = readFileSync(path).subarray(0, 64).toString('utf8');
    return /^#!\s*\/(usr\/)?bin\/(env )?(ba)?sh\b/.test(head) ? [path] : [];
  });
}

describe('shell scripts', () => {
  const scripts = shellScripts(REPO);

  test('include the boot script and the sandbox stub', () => {
    expect(scripts.map((path) => relative(REPO, path))).toEqual(expect.arrayContaining([
      'lib/runtime/inference/boot.sh',
      'test/runtime/sandbox/stub.sh',
    ]));
  });

  test.each(scripts.map((path) => [relative(REPO, path), path]))('%s is shellcheck clean', (_name, path) => {
    const result = spawnSync('shellcheck', ['--external-sources', path], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
