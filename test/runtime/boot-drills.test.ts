import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ABANDON, BootOutcome, BootSandbox, CONTINUE, HEARTBEAT } from './boot-sandbox';

// Drills of a boot under strain: slow steps, a stuck step, the budget, failing heartbeats, a private image.
const ECR_IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-server:1.2';
/** Long enough for the drills that run several seconds. */
const DRILL_TIMEOUT_MS = 30_000;

describe('boot.sh with a download and an image pull slower than the launch hook heartbeat timeout', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create({ heartbeatIntervalSeconds: 1, stallTimeoutSeconds: 2 });
    sandbox.putModelArchive('valid');
    // The fake hook expires 3 s after its last heartbeat; each step progresses for 4 s, longer
    // than the 2 s a step may go without progress.
    outcome = await sandbox.boot({ FAKE_HOOK_TIMEOUT_SECONDS: '3', FAKE_S3_SECONDS: '4', FAKE_PULL_SECONDS: '4' });
  }, DRILL_TIMEOUT_MS);
  afterAll(() => sandbox.dispose());

  test('keeps the launch hook alive to the end and CONTINUEs it', () => {
    expect(outcome).toMatchObject({ exitCode: 0 });
    expect(outcome.output).not.toMatch(/No active Lifecycle Action/);
    expect(sandbox.calls().filter((call) => CONTINUE.test(call))).toHaveLength(1);
    expect(sandbox.calls().some((call) => ABANDON.test(call))).toBe(false);
  });

  test('records heartbeats while the model downloads', () => {
    expect(sandbox.heartbeatsBetween('aws s3 cp', 'systemctl enable --now docker')).toBeGreaterThanOrEqual(3);
  });

  test('records heartbeats while the image pulls', () => {
    expect(sandbox.heartbeatsBetween('docker pull', 'docker run')).toBeGreaterThanOrEqual(3);
  });
});

describe('boot.sh with a download that stops making progress', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create({ stallTimeoutSeconds: 1 });
    sandbox.putModelArchive('valid');
    outcome = await sandbox.boot({ FAKE_S3_DELAY_SECONDS: '30' });
  }, DRILL_TIMEOUT_MS);
  afterAll(() => sandbox.dispose());

  test('calls the step stuck and logs which step', () => {
    expect(outcome.exitCode).not.toBe(0);
    const log = readFileSync(join(sandbox.root, 'var/log/ai-inference/boot.log'), 'utf8');
    expect(log).toMatch(/stuck: no progress for 1s while downloading model llm\/7 from s3:\/\/model-bucket\//);
    expect(log).toMatch(/FAILED while downloading model llm\/7 .*abandoning the launch lifecycle action/);
  });

  test('ABANDONs the launch lifecycle action and never pulls the image', () => {
    const calls = sandbox.calls();
    expect(calls.filter((call) => ABANDON.test(call))).toHaveLength(1);
    expect(calls.some((call) => CONTINUE.test(call))).toBe(false);
    expect(calls.some((call) => call.startsWith('docker pull'))).toBe(false);
  });

  test('leaves no partial download or extract behind', () => {
    expect(readdirSync(join(sandbox.root, 'tmp'))).toEqual([]);
    expect(readdirSync(join(sandbox.modelDir, '..')).filter((name) => name.includes('.tmp.'))).toEqual([]);
  });
});

describe('boot.sh past its boot budget', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    // A budget well past the steps before the download, so a loaded machine still reaches it.
    sandbox = await BootSandbox.create({ bootBudgetSeconds: 8, stallTimeoutSeconds: 20 });
    sandbox.putModelArchive('valid');
    outcome = await sandbox.boot({ FAKE_S3_SECONDS: '40' });
  }, DRILL_TIMEOUT_MS);
  afterAll(() => sandbox.dispose());

  test('gives up on a download that still progresses, logging the budget and the step', () => {
    expect(outcome.exitCode).not.toBe(0);
    expect(outcome.output).toMatch(/past the boot budget of 8s while downloading model llm\/7 /);
    expect(outcome.output).not.toMatch(/stuck/);
  });

  test('ABANDONs the launch lifecycle action', () => {
    expect(sandbox.calls().filter((call) => ABANDON.test(call))).toHaveLength(1);
    expect(sandbox.calls().some((call) => CONTINUE.test(call))).toBe(false);
  });
});

describe('boot.sh when lifecycle heartbeats fail', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create();
    sandbox.putModelArchive('valid');
    outcome = await sandbox.boot({ FAKE_HEARTBEAT_FAILS: '1' });
  }, DRILL_TIMEOUT_MS);
  afterAll(() => sandbox.dispose());

  test('logs each failed heartbeat with its step', () => {
    expect(sandbox.calls()).toContain(HEARTBEAT);
    expect(outcome.output).toMatch(/could not record a lifecycle heartbeat while installing amazon-efs-utils.*; going on/);
  });

  test('goes on and CONTINUEs the launch lifecycle action', () => {
    expect(outcome).toMatchObject({ exitCode: 0 });
    expect(sandbox.calls().filter((call) => CONTINUE.test(call))).toHaveLength(1);
  });
});

describe('boot.sh with an image in a private ECR registry', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create({ containerImage: ECR_IMAGE });
    sandbox.putModelArchive('valid');
    outcome = await sandbox.boot();
  });
  afterAll(() => sandbox.dispose());

  test('logs docker in to the registry with a password from the registry\'s region, then pulls and runs the image', () => {
    expect(outcome).toMatchObject({ exitCode: 0 });
    const calls = sandbox.calls().filter((call) => /^(aws ecr|docker (login|pull|run))/.test(call));
    expect(calls.map((call) => call.replace(/^docker run .* (\S+) serve$/, 'docker run ... $1'))).toEqual([
      'aws ecr get-login-password --region us-east-1',
      'docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com < ecr-password',
      `docker pull ${ECR_IMAGE}`,
      `docker run ... ${ECR_IMAGE}`,
    ]);
  });
});
