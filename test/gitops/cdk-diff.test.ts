import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import { GitOpsConfig, gitops } from '../../lib/config/gitops';
import { DeployRoleStack } from '../../lib/stacks/deploy-role-stack';

const CDK = join(__dirname, '../../node_modules/.bin/cdk');
const STACK = 'AiInfraGitHubRoles';

/** Synthesizes the roles stack into `outdir`, returning its template's path. */
function synthRoles(outdir: string, config: GitOpsConfig): string {
  const app = new App({ outdir });
  new DeployRoleStack(app, STACK, { config });
  app.synth();
  return join(outdir, `${STACK}.template.json`);
}

/**
 * `cdk diff --app <cloud assembly> --template <file>` compares two templates with the pinned CLI:
 * no synth, no AWS call, no credentials. The PR workflow diffs the same way against deployed
 * templates (read with the diff role's DescribeStacks and GetTemplate).
 */
function cdkDiff(assembly: string, template: string): string {
  const result = spawnSync(CDK, ['diff', '--app', assembly, '--template', template, '--no-color', '--no-notices', STACK], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
  });
  if (result.status !== 0) {
    throw new Error(`cdk diff exited ${result.status}: ${result.stderr}`);
  }
  return `${result.stdout}${result.stderr}`;
}

describe('cdk diff --template, offline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdk-diff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // One change between the two: the deploy branch.
  const before = synthRoles(join(dir, 'before'), { ...gitops, repository: 'my-org/ai-infra', deployBranch: 'main' });
  synthRoles(join(dir, 'after'), { ...gitops, repository: 'my-org/ai-infra', deployBranch: 'release' });
  const changed = cdkDiff(join(dir, 'after'), before);
  const unchanged = cdkDiff(join(dir, 'before'), before);

  test('reports the changed trust of the drift role, the one that trusts the branch, and nothing else', () => {
    expect(changed).toMatch(/\[~\] AWS::IAM::Role DriftRole /);
    expect(changed.match(/^\[[-+~]\] /gm)).toHaveLength(1);
    expect(changed).toContain('Number of stacks with differences: 1');
  });

  test('shows the old and the new branch', () => {
    expect(changed).toMatch(/\[-\]\s+"repo:my-org\/ai-infra:ref:refs\/heads\/main"/);
    expect(changed).toMatch(/\[\+\]\s+"repo:my-org\/ai-infra:ref:refs\/heads\/release"/);
  });

  test('flags it as an IAM statement change', () => {
    expect(changed).toContain('IAM Statement Changes');
  });

  test('reports no difference between identical templates', () => {
    expect(unchanged).toContain('There were no differences');
    expect(unchanged).not.toMatch(/^\[[-+~]\] /m);
  });
});
