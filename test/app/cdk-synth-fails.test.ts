import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A plain `npx cdk synth`, with no stack names, must fail on a nag error in any stage: the CLI
 * alone would only report findings of the stacks it selected, and it selects none in a Stage.
 */
describe('cdk synth of the app with a broken guardrail', () => {
  const root = join(__dirname, '../..');
  const out = mkdtempSync(join(tmpdir(), 'broken-synth-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const result = spawnSync(
    join(root, 'node_modules/.bin/cdk'),
    ['synth', '--quiet', '--no-notices', '-c', 'env=dev', '--app', 'npx tsx test/app/fixtures/log-group-kept-forever-app.ts', '--output', out],
    { cwd: root, encoding: 'utf8' },
  );

  test('exits non-zero', () => {
    expect(result.status).toBe(1);
  });

  test('names the broken rule and the resource', () => {
    expect(result.stdout + result.stderr).toContain('dev/AiInference/KeptForever');
    expect(result.stdout + result.stderr).toContain('GpuCost-LogGroupRetention');
  });
});
