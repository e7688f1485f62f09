import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Stack, Stage } from 'aws-cdk-lib';
import { createAiInfraApp, rolesStackSelected } from '../../lib/ai-infra-app';
import { ConfigError, ENVIRONMENTS } from '../../lib/config';
import { GITHUB_ROLES_STACK_ID } from '../../lib/stacks/stack-names';

const ROOT = join(__dirname, '../..');
const NAMES = ENVIRONMENTS.map((c) => c.name);

/** Runs bin/ai-infra.ts as `cdk` does, with `context` in CDK_CONTEXT_JSON. */
function runApp(context: Record<string, string>) {
  return spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['bin/ai-infra.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context) },
  });
}

describe('rolesStackSelected', () => {
  test.each([
    [undefined, undefined, true],
    [NAMES[0], undefined, false],
    [NAMES[0], 'true', true],
    [undefined, 'false', false],
    [NAMES[0], true, true],
  ])('-c env=%s -c roles=%s: %s', (env, roles, selected) => {
    expect(rolesStackSelected(env, roles)).toBe(selected);
  });

  test('a roles context that is neither true nor false is a config error naming the value and the fix', () => {
    expect(() => rolesStackSelected(undefined, 'yes')).toThrow(ConfigError);
    expect(() => rolesStackSelected(undefined, 'yes')).toThrow('context roles ("yes") must be true or false: -c roles=true adds the GitHub roles stack');
  });
});

describe('the app with -c env= naming one environment', () => {
  const [first] = NAMES;
  const { app } = createAiInfraApp({ context: { env: first } });

  test('builds that environment\'s stage alone: no other stage, no roles stack', () => {
    expect(app.node.children.filter((c) => Stage.isStage(c) || Stack.isStack(c)).map((c) => c.node.id)).toEqual([first]);
    expect(app.node.tryFindChild(GITHUB_ROLES_STACK_ID)).toBeUndefined();
  });
});

describe('bin/ai-infra.ts, as cdk runs it', () => {
  test('an unknown -c env= is one line naming the environments, exit 1, no stack trace', () => {
    const result = runApp({ env: 'no-such-env' });
    expect([result.status, result.stdout, result.stderr]).toEqual([
      1, '', `context env ("no-such-env") is not an environment: use one or more of ${NAMES.join(', ')}, comma-separated\n`,
    ]);
  });

  test('a -c roles= neither true nor false is one line, exit 1', () => {
    const result = runApp({ roles: 'maybe' });
    expect([result.status, result.stderr.split('\n').filter(Boolean)]).toEqual([1, [expect.stringMatching(/^context roles \("maybe"\) must be true or false/)]]);
  });
});
