import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ARTIFACTS, CHECKPOINTS, SandboxNode, TrainingSandbox } from './training-sandbox';

/**
 * Drills of the shipped launcher (lib/runtime/training/train-node.sh) and its peer discovery,
 * each on a sandbox of its own, run side by side: a stop request, a crash retried, a missing
 * image, a job past its maximum runtime, and the order of peers.
 */
// A busy machine slows every process these drills start; they wait for conditions, never for a time.
jest.setTimeout(300_000);

const FLEET = 'fleet-1';
const capacity = { kind: 'fleet' as const, id: FLEET, metricGroupName: 'cluster-group' };
const oneNode = { autoScalingGroups: {}, fleets: { [FLEET]: ['i-1'] }, instances: { 'i-1': { privateIp: '10.0.0.5', state: 'running' } } };

async function drill(run: Parameters<TrainingSandbox['startRun']>[0], env: Record<string, string>, during?: (s: TrainingSandbox, n: SandboxNode) => Promise<void>) {
  const sandbox = new TrainingSandbox('spot');
  sandbox.startRun(run);
  sandbox.setCapacity(oneNode);
  const node = await sandbox.boot('node', { instanceId: 'i-1', ip: '10.0.0.5' }, { STEP_SECONDS: '0.2', TOTAL_STEPS: '1000', ...env });
  await during?.(sandbox, node);
  const exitCode = await node.exited;
  return { sandbox, node, exitCode, report: sandbox.report(run.runId ?? 'run-1', 'i-1') };
}

describe('launcher drills', () => {
  let drills: Record<string, Awaited<ReturnType<typeof drill>>>;

  beforeAll(async () => {
    const [stop, retry, giveUp, missing, timeout] = await Promise.all([
      drill({ capacity }, {}, async (sandbox) => {
        await sandbox.until('the job running', () => sandbox.report('run-1', 'i-1')?.state === 'running');
        sandbox.putObject(ARTIFACTS, 'training-runs/run-1/stop', '');
      }),
      drill({ capacity, maxAttempts: 2 }, { FAIL_FIRST_ATTEMPTS: '1', TOTAL_STEPS: '3', STEP_SECONDS: '0.01' }),
      drill({ capacity, maxAttempts: 1 }, { FAIL_FIRST_ATTEMPTS: '1' }),
      drill({ capacity, image: 'public.ecr.aws/sandbox/absent:1' }, { FAKE_DOCKER_MISSING_IMAGES: 'public.ecr.aws/sandbox/absent:1' }),
      drill({ capacity, maxRuntimeSeconds: 1 }, {}),
    ]);
    drills = { stop, retry, giveUp, missing, timeout };
  });

  afterAll(() => Promise.all(Object.values(drills).map((d) => d.sandbox.dispose())));

  test('a stop request stops the job with its grace and uploads its last checkpoint', () => {
    const { sandbox, node, report } = drills.stop;
    expect(report).toEqual(expect.objectContaining({ state: 'stopped' }));
    expect(sandbox.dockerCalls(node)).toContain('docker stop -t 5 train-run-1');
    const stoppedAt = /stopped at (\d+)/.exec(sandbox.history('run-1').join('\n'))?.[1];
    expect(sandbox.object(CHECKPOINTS, `checkpoints/run-1/ckpt-${stoppedAt}.json`)).toBe(`{"step": ${stoppedAt}}`);
  });

  test('a crashed job is started again, from the checkpoint, while attempts are left', () => {
    const { sandbox, report, exitCode } = drills.retry;
    expect(sandbox.history('run-1')).toEqual(['crash at 0', 'start 0 rank 0 of 1', 'step 1', 'step 2', 'step 3', 'done']);
    expect(report).toEqual(expect.objectContaining({ state: 'completed', attempt: 2 }));
    expect(exitCode).toBe(0);
  });

  test('with no attempt left, the node reports the failure with the exit code and gives up', () => {
    expect(drills.giveUp.report).toEqual(expect.objectContaining({ state: 'failed', exitCode: 3, message: 'the job exited 3 (attempt 1 of 1)' }));
    expect(drills.giveUp.exitCode).toBe(1);
  });

  test('an image that cannot be pulled fails the node with the image named', () => {
    expect(drills.missing.report).toEqual(expect.objectContaining({
      state: 'failed', message: 'could not pull public.ecr.aws/sandbox/absent:1: check the name and that the instance role may pull it',
    }));
    expect(drills.missing.sandbox.dockerCalls(drills.missing.node).some((call) => call.startsWith('docker run'))).toBe(false);
  });

  test('a job past its maximum runtime is stopped, its checkpoint kept', () => {
    expect(drills.timeout.report).toEqual(expect.objectContaining({ state: 'stopped' }));
    expect(drills.timeout.node.output).toContain('the job ran 1s, its maximum runtime');
  });
});

describe('discover-peers.sh', () => {
  const sandbox = new TrainingSandbox('cluster');
  afterAll(() => sandbox.dispose());
  const running = (privateIp: string) => ({ privateIp, state: 'running' });

  /** Runs the script asynchronously: the fake AWS CLI it calls is served by this process. */
  async function discover(...args: string[]): Promise<{ status: number | null; lines: string[]; stderr: string }> {
    const child = spawn('bash', [join(__dirname, '../../lib/runtime/training/discover-peers.sh'), ...args], { env: await sandbox.shellEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { status, lines: stdout.split('\n').filter(Boolean), stderr };
  }

  test('a group: its InService members that run, sorted numerically (10.0.0.9 before 10.0.0.10)', async () => {
    sandbox.setCapacity({
      autoScalingGroups: { g: [['i-1', 'InService'], ['i-2', 'InService'], ['i-3', 'InService'], ['i-4', 'InService'], ['i-5', 'Terminating']].map(([instanceId, lifecycleState]) => ({ instanceId, lifecycleState })) },
      fleets: {},
      instances: { 'i-1': running('10.0.0.10'), 'i-2': running('10.0.1.2'), 'i-3': running('10.0.0.9'), 'i-4': { privateIp: '10.0.0.7', state: 'stopping' }, 'i-5': running('10.0.0.1') },
    });
    expect(await discover('autoscaling', 'g', 'eu-west-1')).toEqual({ status: 0, lines: ['10.0.0.9', '10.0.0.10', '10.0.1.2'], stderr: '' });
  });

  test('a fleet: its active instances that run', async () => {
    sandbox.setCapacity({ autoScalingGroups: {}, fleets: { 'fleet-1': ['i-1', 'i-2'] }, instances: { 'i-1': running('10.0.0.20'), 'i-2': running('10.0.0.3') } });
    expect((await discover('fleet', 'fleet-1', 'eu-west-1')).lines).toEqual(['10.0.0.3', '10.0.0.20']);
  });

  test('no member yet: nothing, and success', async () => {
    sandbox.setCapacity({ autoScalingGroups: { g: [] }, fleets: {}, instances: {} });
    expect(await discover('autoscaling', 'g', 'eu-west-1')).toEqual({ status: 0, lines: [], stderr: '' });
  });

  test('an unknown kind is a usage error', async () => {
    const result = await discover('spot', 'x', 'eu-west-1');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('discover-peers: unknown capacity kind "spot": usage: discover-peers.sh autoscaling|fleet <group name|fleet id> <region>');
  });
});
