import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import { parse } from 'yaml';
import { gitops } from '../../lib/config/gitops';
import { DeployRoleStack } from '../../lib/stacks/deploy-role-stack';

/**
 * The `sub` claim GitHub puts in a job's OIDC token
 * (https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims): the job's
 * GitHub environment when it references one; otherwise `pull_request` for a pull-request event;
 * otherwise the ref the workflow runs on (a push's branch; the default branch for a schedule).
 */
function subjectOf(repository: string, run: { environment?: string; event: string; ref: string }): string {
  if (run.environment !== undefined) return `repo:${repository}:environment:${run.environment}`;
  if (run.event === 'pull_request') return `repo:${repository}:pull_request`;
  return `repo:${repository}:ref:${run.ref}`;
}

interface TrustPolicy {
  Statement: Array<{ Action: string; Condition: { StringEquals: Record<string, string | string[]> } }>;
}

/**
 * Whether IAM lets a token with these claims assume the role: StringEquals holds when, for every
 * key, the claim equals one of the listed values (a list is an OR of its values,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
 */
function trusts(policy: TrustPolicy, claims: Record<string, string>): boolean {
  return policy.Statement.some((statement) => statement.Action === 'sts:AssumeRoleWithWebIdentity'
    && Object.entries(statement.Condition.StringEquals).every(([key, values]) => [values].flat().includes(claims[key])));
}

const stack = new DeployRoleStack(new App(), 'AiInfraGitHubRoles', { config: gitops });
const template = Template.fromStack(stack);
const trustOf = (role: { node: { defaultChild?: unknown } }) =>
  template.toJSON().Resources[Stack.of(stack).getLogicalId(role.node.defaultChild as CfnRole)].Properties.AssumeRolePolicyDocument as TrustPolicy;
const ROLES = { AWS_DIFF_ROLE_ARN: trustOf(stack.diffRole), AWS_DRIFT_ROLE_ARN: trustOf(stack.driftRole), AWS_DEPLOY_ROLE_ARN: trustOf(stack.deployRole) };
const token = (run: { environment?: string; event: string; ref: string }) => ({
  'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
  'token.actions.githubusercontent.com:sub': subjectOf(gitops.repository, run),
});
const MAIN = `refs/heads/${gitops.deployBranch}`;

describe('who may assume which role, from GitHub\'s subject claims', () => {
  test('any workflow on the deploy branch without a GitHub environment cannot assume the deploy role: prod\'s reviewers cannot be skipped', () => {
    expect(trusts(ROLES.AWS_DEPLOY_ROLE_ARN, token({ event: 'push', ref: MAIN }))).toBe(false);
    expect(trusts(ROLES.AWS_DEPLOY_ROLE_ARN, token({ event: 'workflow_dispatch', ref: MAIN }))).toBe(false);
  });

  test.each(gitops.environments.map((e) => e.gitHubEnvironment))('a job in the GitHub environment %s can assume the deploy role', (environment) => {
    expect(trusts(ROLES.AWS_DEPLOY_ROLE_ARN, token({ environment, event: 'push', ref: MAIN }))).toBe(true);
  });

  test('a job in another GitHub environment cannot', () => {
    expect(trusts(ROLES.AWS_DEPLOY_ROLE_ARN, token({ environment: 'sandbox', event: 'push', ref: MAIN }))).toBe(false);
  });

  test('a pull request can assume the diff role only', () => {
    const pr = token({ event: 'pull_request', ref: 'refs/pull/7/merge' });
    expect([ROLES.AWS_DIFF_ROLE_ARN, ROLES.AWS_DRIFT_ROLE_ARN, ROLES.AWS_DEPLOY_ROLE_ARN].map((r) => trusts(r, pr))).toEqual([true, false, false]);
  });

  test('the scheduled drift check on the deploy branch can assume the drift role only', () => {
    const scheduled = token({ event: 'schedule', ref: MAIN });
    expect([ROLES.AWS_DIFF_ROLE_ARN, ROLES.AWS_DRIFT_ROLE_ARN, ROLES.AWS_DEPLOY_ROLE_ARN].map((r) => trusts(r, scheduled))).toEqual([false, true, false]);
  });

  test('a workflow on another branch can assume none', () => {
    const feature = token({ event: 'push', ref: 'refs/heads/feature' });
    expect(Object.values(ROLES).map((r) => trusts(r, feature))).toEqual([false, false, false]);
  });

  test('a token for another audience is refused', () => {
    const claims = { ...token({ event: 'pull_request', ref: 'refs/pull/7/merge' }), 'token.actions.githubusercontent.com:aud': 'https://github.com/my-org' };
    expect(trusts(ROLES.AWS_DIFF_ROLE_ARN, claims)).toBe(false);
  });
});

describe('each workflow job that assumes a role gets a token the role trusts', () => {
  const DIR = join(__dirname, '../../.github/workflows');
  interface Job { environment?: string; strategy?: { matrix?: Record<string, unknown> }; steps?: Array<{ uses?: string; with?: Record<string, unknown> }> }
  const all = ['deploy.yml', 'drift.yml', 'pull-request.yml'].flatMap((file) => {
    const workflow = parse(readFileSync(join(DIR, file), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, Job> };
    return Object.entries(workflow.jobs).flatMap(([name, job]) => (job.steps ?? [])
      .filter((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@') && step.with?.['role-chaining'] !== true)
      .flatMap((step) => Object.keys(workflow.on).map((event) => ({ file, name, job, event, variable: /vars\.(\w+)/.exec(String(step.with?.['role-to-assume']))?.[1] as keyof typeof ROLES }))));
  });
  // A job may assume its role twice (the deploy job, around the drift gate): one case each.
  const assumptions = all.filter((a, n) => all.findIndex((b) => `${b.file} ${b.name} ${b.event} ${b.variable}` === `${a.file} ${a.name} ${a.event} ${a.variable}`) === n);

  test('finds the jobs: deploy, drift and diff', () => {
    expect([...new Set(assumptions.map((a) => `${a.file} ${a.name} ${a.variable}`))].sort()).toEqual([
      'deploy.yml deploy AWS_DEPLOY_ROLE_ARN', 'drift.yml drift AWS_DRIFT_ROLE_ARN', 'pull-request.yml diff AWS_DIFF_ROLE_ARN',
    ]);
  });

  test.each(assumptions.map((a) => [`${a.file} ${a.name} on ${a.event}`, a] as const))('%s', (_name, { job, event, variable }) => {
    // The deploy matrix runs one job per app environment, each in the GitHub environment of its name.
    const environments = job.environment === '${{ matrix.environment }}' ? gitops.environments.map((e) => e.gitHubEnvironment) : [job.environment];
    for (const environment of environments) {
      expect(trusts(ROLES[variable], token({ environment, event, ref: event === 'pull_request' ? 'refs/pull/7/merge' : MAIN }))).toBe(true);
    }
  });
});
