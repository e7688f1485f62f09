import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleAgent } from '../../lib/constructs/inference/agent-bundling';
import { AgentWorld, ERROR_TOPIC, INSTANCE_ID, RESULTS_BUCKET, SUCCESS_TOPIC } from './agent-world';
import { FakeInference } from './fakes/fake-inference';

/**
 * Drills of one job's outcome, the SageMaker Asynchronous Inference contract: the result is
 * in S3 and announced before the message is deleted, a repeat is flagged and never
 * overwrites, a malformed message fails at once. Crashes kill the shipped bundle (SIGKILL).
 */
describe('job outcome drills', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-jobs-'));
  const bundle = join(dir, 'agent.js');
  let world: AgentWorld;

  beforeAll(() => bundleAgent(bundle));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    world = await AgentWorld.start();
  });
  afterEach(() => world.close());

  /** Runs the bundle as systemd does, against this world. */
  function runBundle(overrides: Record<string, unknown>): ChildProcess {
    const configPath = join(dir, 'agent.json');
    writeFileSync(configPath, JSON.stringify({ ...world.configFile(), ...overrides }));
    return spawn(process.execPath, [bundle, configPath], { env: { PATH: process.env.PATH, ...world.agentEnv() }, stdio: 'ignore' });
  }
  const exited = (child: ChildProcess): Promise<unknown> => new Promise((resolve) => child.on('close', resolve));
  const stop = async (agent: { drained: Promise<void> }): Promise<void> => {
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.drained;
  };
  const resultPuts = (jobId: string) => world.s3.puts.filter((put) => put.key === `results/${jobId}`);

  test('drill: the result is in S3 and announced before the message is deleted', async () => {
    const job = world.sendJob({ contentType: 'application/json', input: { inline: '{"text":"great"}' } });
    const deletedWhen: Record<string, boolean> = {};
    world.s3.afterStore = (key) => { deletedWhen[key] = job.deleted; };
    world.sns.afterPublish = () => { deletedWhen.notification = job.deleted; };
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the job to be deleted');
    await stop(agent);

    expect(deletedWhen).toEqual({ [`results/.attempts/${job.id}.json`]: false, [`results/${job.id}`]: false, notification: false });
    const result = world.s3.get(RESULTS_BUCKET, `results/${job.id}`);
    expect(result?.body.toString()).toBe(FakeInference.output(job.id));
    expect(result?.contentType).toBe('application/json');
    expect(result?.metadata).toEqual(expect.objectContaining({
      'job-id': job.id, 'model-name': 'llm', 'model-version': '7', 'instance-id': INSTANCE_ID, attempt: '1', 'duration-ms': expect.stringMatching(/^\d+$/),
    }));
    expect(world.inference.requests).toEqual([{ jobId: job.id, contentType: 'application/json', body: '{"text":"great"}' }]);
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([expect.objectContaining({
      jobId: job.id, status: 'succeeded', repeat: false, location: `s3://${RESULTS_BUCKET}/results/${job.id}`, attempt: 1,
      model: { name: 'llm', version: '7' }, durationMs: expect.any(Number),
    })]);
    expect(world.sns.published[0].attributes).toEqual({ status: 'succeeded', repeat: 'false', jobId: job.id });
    expect(world.noJobLost()).toBe(true);
  });

  test('drill: a crash between the result write and the delete leaves one result and sends a repeat notification', async () => {
    const job = world.sendJob();
    const child = runBundle({ visibilityTimeoutSeconds: 2, heartbeatIntervalSeconds: 1 });
    world.s3.afterStore = (key) => { if (key === `results/${job.id}`) child.kill('SIGKILL'); };
    await exited(child);
    world.s3.afterStore = () => undefined;
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the redelivered job to be deleted');
    await stop(agent);

    expect(job.receiveCount).toBe(2);
    expect(resultPuts(job.id)).toEqual([{ key: `results/${job.id}`, status: 200 }]);
    expect(world.inference.completed.get(job.id)).toBe(1);
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([expect.objectContaining({ jobId: job.id, repeat: true, attempt: 2 })]);
    expect(world.sns.published[0].attributes.repeat).toBe('true');
    expect(world.noJobLost()).toBe(true);
  });

  test('drill: a crash between the notification and the delete sends the notification again, flagged as a repeat', async () => {
    const job = world.sendJob();
    const child = runBundle({ visibilityTimeoutSeconds: 2, heartbeatIntervalSeconds: 1 });
    world.sns.afterPublish = () => child.kill('SIGKILL');
    await exited(child);
    world.sns.afterPublish = () => undefined;
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the redelivered job to be deleted');
    await stop(agent);

    expect(resultPuts(job.id)).toHaveLength(1);
    expect(world.sns.messagesTo(SUCCESS_TOPIC).map((m) => [m.attempt, m.repeat])).toEqual([[1, false], [2, true]]);
    expect(world.noJobLost()).toBe(true);
  });

  test('drill: a malformed message gets an error result and an error notification at once, and is deleted', async () => {
    const job = world.aws.queue.send('{"prompt":"not an envelope"}');
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the malformed message to be deleted');
    await stop(agent);

    expect(job.receiveCount).toBe(1);
    expect(world.inference.started).toEqual([]);
    const error = JSON.parse(world.s3.get(RESULTS_BUCKET, `errors/${job.id}.json`)?.body.toString() ?? '{}');
    expect(error).toEqual(expect.objectContaining({ jobId: job.id, reason: 'malformed', attempt: 1, messageId: job.id }));
    expect(error.problems).toEqual(['version (undefined) is not supported: this agent reads version 1']);
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([expect.objectContaining({
      jobId: job.id, status: 'failed', repeat: false, location: `s3://${RESULTS_BUCKET}/errors/${job.id}.json`,
    })]);
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([]);
  });

  test('a malformed envelope that names its job id gets errors/<jobId>.json', async () => {
    const job = world.aws.queue.send(JSON.stringify({ version: 1, jobId: 'order-17', contentType: 'application/json' }));
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the malformed message to be deleted');
    await stop(agent);

    const error = JSON.parse(world.s3.get(RESULTS_BUCKET, 'errors/order-17.json')?.body.toString() ?? '{}');
    expect(error.problems).toEqual(["/ must have required property 'submittedAt'", "/ must have required property 'input'"]);
  });

  test('drill: the server answering 500 then 200 gives one success and no error', async () => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 500, delayMs: 0 };
    const agent = world.startAgent({ retryDelaySeconds: 1 });
    await world.until(() => world.logs.some((log) => log.event === 'job_failed'), 'the first attempt to fail');
    world.inference.behaviour = { status: 200, delayMs: 0 };
    await world.until(() => job.deleted, 'the retried job to be deleted');
    await stop(agent);

    expect(job.receiveCount).toBe(2);
    expect(resultPuts(job.id)).toEqual([{ key: `results/${job.id}`, status: 200 }]);
    expect(world.s3.get(RESULTS_BUCKET, `results/${job.id}`)?.metadata.attempt).toBe('2');
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([expect.objectContaining({ jobId: job.id, repeat: false, attempt: 2 })]);
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([]);
    expect(world.s3.get(RESULTS_BUCKET, `errors/${job.id}.json`)).toBeUndefined();
    expect(world.noJobLost()).toBe(true);
  });

  test('the last attempt that fails writes errors/<jobId>.json, notifies and leaves the message for the dead-letter queue', async () => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 503, delayMs: 0 };
    const agent = world.startAgent({ retryDelaySeconds: 1, maxAttempts: 2 });
    await world.until(() => world.sns.published.length > 0, 'the error notification');
    await stop(agent);

    expect(job.receiveCount).toBe(2);
    expect(job.deleted).toBe(false);
    const error = JSON.parse(world.s3.get(RESULTS_BUCKET, `errors/${job.id}.json`)?.body.toString() ?? '{}');
    expect(error).toEqual(expect.objectContaining({ reason: 'failed', attempt: 2 }));
    expect(error.problems[0]).toMatch(/^inference server answered 503 for job /);
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([expect.objectContaining({ jobId: job.id, status: 'failed', attempt: 2 })]);
  });

  test('a failure after an earlier success records no error: the success is announced again as a repeat', async () => {
    const job = world.sendJob();
    world.s3.put(RESULTS_BUCKET, `results/${job.id}`, '{"label":"earlier"}', 'application/json');
    world.inference.behaviour = { status: 500, delayMs: 0 };
    const agent = world.startAgent({ maxAttempts: 1 });
    await world.until(() => job.deleted, 'the job to be deleted');
    await stop(agent);

    expect(world.s3.get(RESULTS_BUCKET, `results/${job.id}`)?.body.toString()).toBe('{"label":"earlier"}');
    expect(world.s3.get(RESULTS_BUCKET, `errors/${job.id}.json`)).toBeUndefined();
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([expect.objectContaining({ repeat: true })]);
  });

  test('an input uploaded to inputs/ is read from S3 and a result goes under its output prefix', async () => {
    world.s3.put(RESULTS_BUCKET, 'inputs/big-1', 'a large body', 'text/plain');
    const job = world.sendJob({ jobId: 'big-1', contentType: 'text/plain', input: { s3Uri: `s3://${RESULTS_BUCKET}/inputs/big-1` }, outputPrefix: 'batch-42/' });
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the job to be deleted');
    await stop(agent);

    expect(world.inference.requests).toEqual([{ jobId: 'big-1', contentType: 'text/plain', body: 'a large body' }]);
    expect(world.s3.get(RESULTS_BUCKET, 'results/batch-42/big-1')).toBeDefined();
  });

  test('an input in another bucket is malformed: the fleet cannot read it', async () => {
    const job = world.sendJob({ jobId: 'elsewhere', input: { s3Uri: 's3://someone-else/inputs/x' } });
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the job to be deleted');
    await stop(agent);

    expect(world.inference.started).toEqual([]);
    const error = JSON.parse(world.s3.get(RESULTS_BUCKET, 'errors/elsewhere.json')?.body.toString() ?? '{}');
    expect(error.problems).toEqual([`/input/s3Uri (s3://someone-else/inputs/x) must be in the results bucket ${RESULTS_BUCKET}: upload inputs to inputs/`]);
  });
});
