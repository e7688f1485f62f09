import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A plain `npx cdk synth` fails when a Control Tower control that the app meets is broken again. */
describe('cdk synth of the app with a fixed control broken again', () => {
  const root = join(__dirname, '../..');
  const out = mkdtempSync(join(tmpdir(), 'broken-control-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const result = spawnSync(
    join(root, 'node_modules/.bin/cdk'),
    ['synth', '--quiet', '--no-notices', '-c', 'env=dev', '--app', 'npx tsx test/compliance/fixtures/imds-reachable-app.ts', '--output', out],
    { cwd: root, encoding: 'utf8' },
  );

  test('exits non-zero', () => {
    expect(result.status).toBe(1);
  });

  test('names the control, its rule and the resource', () => {
    const output = result.stdout + result.stderr;
    expect(output).toContain('[CT.EC2.PR.2]');
    expect(output).toContain('ec2_launch_template_token_hop_limit_check');
    expect(output).toContain('dev/AiInference/Service/Fleet/LaunchTemplate/LaunchTemplate');
  });
});
