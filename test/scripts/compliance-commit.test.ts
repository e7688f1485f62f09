import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitCommit } from '../../scripts/compliance';

describe('the commit a compliance report names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compliance-commit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, encoding: 'utf8' }).trim();

  test('is unknown outside a git checkout', () => {
    expect(gitCommit(dir)).toBe('unknown: not a git checkout');
  });

  test('is the checked-out commit', () => {
    git('init', '-q');
    writeFileSync(join(dir, 'file'), 'a');
    git('add', 'file');
    git('commit', '-qm', 'one');
    expect(gitCommit(dir)).toBe(`\`${git('rev-parse', 'HEAD')}\``);
  });

  test('says when tracked files differ from it', () => {
    writeFileSync(join(dir, 'file'), 'b');
    expect(gitCommit(dir)).toBe(`\`${git('rev-parse', 'HEAD')}\` with uncommitted changes to tracked files`);
  });
});
