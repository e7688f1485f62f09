import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, CHECKPOINTS, TrainingSandbox } from './training-sandbox';

/**
 * The shipped launcher (lib/runtime/training/train-node.sh) on a spot fleet, against fakes: a
 * tiny training job that checkpoints every step is interrupted by a spot notice (IMDS
 * spot/instance-action, two minutes ahead: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html),
 * and the instance the fleet launches instead resumes it from the flushed checkpoint.
 */
// A busy machine slows every process these drills start; they wait for conditions, never for a time.
jest.setTimeout(300_000);

const FLEET = 'fleet-0123';
const capacity = { kind: 'fleet' as const, id: FLEET, metricGroupName: 'cluster-group' };
const running = (privateIp: string) => ({ privateIp, state: 'running' });
const job = { TOTAL_STEPS: '40', STEP_SECONDS: '0.05' };

describe('a spot run interrupted and resumed', () => {
  const sandbox = new TrainingSandbox('spot');
  let first: Awaited<ReturnType<TrainingSandbox['boot']>>;
  let second: Awaited<ReturnType<TrainingSandbox['boot']>>;
  let interruptedAt = 0;

  beforeAll(async () => {
    sandbox.startRun({ capacity });
    sandbox.setCapacity({ autoScalingGroups: {}, fleets: { [FLEET]: ['i-first'] }, instances: { 'i-first': running('10.0.0.11') } });
    first = await sandbox.boot('first', { instanceId: 'i-first', ip: '10.0.0.11' }, { ...job, STEP_SECONDS: '0.2' });
    const localCheckpoints = join(first.root, 'opt/ml/checkpoints');
    await sandbox.until('three local checkpoints', () => existsSync(localCheckpoints) && readdirSync(localCheckpoints).filter((f) => f.startsWith('ckpt-')).length >= 3);
    first.imds.metadata.set('spot/instance-action', JSON.stringify({ action: 'terminate', time: '2026-05-01T12:02:00Z' }));
    await first.exited;
    interruptedAt = Number(/stopped at (\d+)/.exec(sandbox.history('run-1').join('\n'))?.[1]);

    // The fleet replaces the interrupted instance; the new one boots into the same run.
    sandbox.setCapacity({ autoScalingGroups: {}, fleets: { [FLEET]: ['i-second'] }, instances: { 'i-first': { privateIp: '10.0.0.11', state: 'terminated' }, 'i-second': running('10.0.0.12') } });
    second = await sandbox.boot('second', { instanceId: 'i-second', ip: '10.0.0.12' }, job);
    await second.exited;
  });

  afterAll(() => sandbox.dispose());

  test('the interrupted instance flushed its checkpoint: no periodic sync ran (1 h interval), only the one on the notice', () => {
    expect(interruptedAt).toBeGreaterThanOrEqual(3);
    expect(sandbox.report('run-1', 'i-first')).toEqual(expect.objectContaining({ state: 'interrupted', rank: 0, attempt: 1 }));
  });

  test('the job got SIGTERM and the grace to stop after its step: the notice stopped it, not SIGKILL', () => {
    expect(sandbox.dockerCalls(first)).toContain('docker stop -t 5 train-run-1');
    expect(sandbox.history('run-1')).toContain(`stopped at ${interruptedAt}`);
  });

  test('the replacement resumed from the flushed checkpoint: every step ran exactly once', () => {
    const history = sandbox.history('run-1');
    expect(history.filter((line) => line.startsWith('start'))).toEqual(['start 0 rank 0 of 1', `start ${interruptedAt} rank 0 of 1`]);
    const steps = history.filter((line) => line.startsWith('step ')).map((line) => Number(line.slice(5)));
    expect(steps).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  test('the finished run packed /opt/ml/model into training-output/<run>/output/model.tar.gz, with the data it read', () => {
    expect(sandbox.report('run-1', 'i-second')).toEqual(expect.objectContaining({ state: 'completed', message: `model at s3://${ARTIFACTS}/training-output/run-1/output/model.tar.gz` }));
    const unpacked = join(sandbox.root, 'unpacked');
    mkdirSync(unpacked);
    spawnSync('tar', ['-xzf', join(sandbox.root, 's3', ARTIFACTS, 'training-output/run-1/output/model.tar.gz'), '-C', unpacked]);
    expect(JSON.parse(spawnSync('cat', [join(unpacked, 'model.json')], { encoding: 'utf8' }).stdout)).toEqual({ steps: 40, data: 'the demo dataset' });
  });

  test('the job ran with all GPUs, the contract\'s mounts, its own log stream, and no host network for one node', () => {
    const run = sandbox.dockerCalls(second).find((call) => call.startsWith('docker run')) ?? '';
    expect(run).toContain('--gpus all');
    expect(run).toContain(`-v ${second.root}/opt/ml/checkpoints:/opt/ml/checkpoints`);
    expect(run).toContain(`-v ${second.root}/opt/ml/input/data/training:/opt/ml/input/data/training:ro`);
    expect(run).toContain('-w /opt/ml/code');
    expect(run).toContain('--log-driver awslogs --log-opt awslogs-region=eu-west-1 --log-opt awslogs-group=training-logs --log-opt awslogs-stream=run-1/i-second/job');
    expect(run).toMatch(/public\.ecr\.aws\/sandbox\/train:1 bash -c exec python3 tiny_train\.py$/);
    expect(run).not.toContain('--network host');
  });

  test('both instances published the job heartbeat under the cluster\'s group name', () => {
    const beats = sandbox.awsCalls().filter((call) => call.includes('--metric-name TrainingJobHeartbeat'));
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.every((call) => call.includes('--namespace Sandbox/Metrics') && call.includes('--dimensions AutoScalingGroupName=cluster-group'))).toBe(true);
  });

  test('each state went to the launcher\'s log stream', () => {
    const logged = sandbox.awsCalls().filter((call) => call.startsWith('log run-1/i-second/launcher: '));
    expect(logged.map((line) => line.split(': ')[1])).toEqual(['waiting-for-peers', 'preparing', 'running', 'completed']);
  });

  test('the checkpoints stay in S3 for a later resume', () => {
    expect(sandbox.object(CHECKPOINTS, 'checkpoints/run-1/ckpt-40.json')).toBe('{"step": 40}');
  });
});
