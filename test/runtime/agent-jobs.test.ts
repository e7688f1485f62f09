import { Agent } from '../../lib/runtime/inference/agent/agent';
import { AgentBundle, AgentWorld, ERROR_TOPIC, INSTANCE_ID, RESULTS_BUCKET, SUCCESS_TOPIC, soundLedger } from './agent-world';
import { FakeInference } from './fakes/fake-inference';

/**
 * Drills of one job's outcome, the SageMaker Asynchronous Inference contract: the result is
 * in S3 and announced before the message is deleted, the first announcement is never a repeat
 * and every announcement of one outcome carries one id, nothing overwrites a result, a
 * malformed message fails at once, and S3 and SNS faults are retried within the job's
 * deadline. Crashes kill the shipped bundle (SIGKILL). Each ends with the ledger.
 */
describe('job outcome drills', () => {
  let world: AgentWorld;
  let built: AgentBundle | undefined;
  const bundle = (): AgentBundle => (built ??= AgentBundle.build());

  afterAll(() => built?.dispose());
  beforeEach(async () => {
    world = await AgentWorld.start();
  });
  afterEach(() => world.close());

  const stop = async (agent: Agent): Promise<void> => {
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.drained;
  };
  const resultPuts = (jobId: string) => world.s3.puts.filter((put) => put.key === `results/${jobId}`);
  const errorDocument = (jobId: string): Record<string, unknown> => JSON.parse(world.s3.get(RESULTS_BUCKET, `errors/${jobId}.json`)?.body.toString() ?? '{}');

  test('drill: the result is in S3 and announced before the message is deleted', async () => {
    const job = world.sendJob({ contentType: 'application/json', input: { inline: '{"text":"great"}' } });
    const deletedWhen: Record<string, boolean> = {};
    world.s3.afterStore = (key) => { deletedWhen[key] = job.deleted; };
    world.sns.afterPublish = () => { deletedWhen.notification = job.deleted; };
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the job to be deleted');
    await stop(agent);

    expect(deletedWhen).toEqual({
      [`inputs/${job.id}/region.json`]: false, [`attempts/${job.id}.json`]: false, [`results/${job.id}`]: false, notification: false, [`results/.announced/${job.id}.succeeded`]: false,
    });
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
    expect(world.sns.published[0].attributes).toEqual({
      status: 'succeeded', repeat: 'false', jobId: job.id, notificationId: world.sns.messagesTo(SUCCESS_TOPIC)[0].notificationId,
    });
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  test('drill: a crash between the result write and its announcement: the retry runs nothing and announces it, not as a repeat', async () => {
    const job = world.sendJob();
    const crashed = world.runAgent(bundle(), { visibilityTimeoutSeconds: 2, heartbeatIntervalSeconds: 1, jobTimeoutSeconds: 10 });
    world.s3.afterStore = (key) => { if (key === `results/${job.id}`) crashed.child.kill('SIGKILL'); };
    await crashed.exited;
    world.s3.afterStore = () => undefined;
    const agent = world.startAgent({ jobTimeoutSeconds: 10 });
    await world.until(() => job.deleted, 'the redelivered job to be deleted');
    await stop(agent);

    expect(job.receiveCount).toBe(2);
    expect(resultPuts(job.id)).toEqual([{ key: `results/${job.id}`, status: 200 }]);
    expect(world.inference.completed.get(job.id)).toBe(1);
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([expect.objectContaining({ jobId: job.id, repeat: false, attempt: 2 })]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  }, 30_000);

  test('drill: a crash after SNS took the notification, before its answer: announced again under the same id, not as a repeat', async () => {
    const job = world.sendJob();
    const crashed = world.runAgent(bundle(), { visibilityTimeoutSeconds: 2, heartbeatIntervalSeconds: 1, jobTimeoutSeconds: 10 });
    world.sns.afterPublish = () => crashed.child.kill('SIGKILL');
    await crashed.exited;
    world.sns.afterPublish = () => undefined;
    const agent = world.startAgent({ jobTimeoutSeconds: 10 });
    await world.until(() => job.deleted, 'the redelivered job to be deleted');
    await stop(agent);

    expect(resultPuts(job.id)).toHaveLength(1);
    const notifications = world.sns.messagesTo(SUCCESS_TOPIC);
    expect(notifications.map((m) => [m.attempt, m.repeat])).toEqual([[1, false], [2, false]]);
    expect(new Set(notifications.map((m) => m.notificationId)).size).toBe(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  }, 30_000);

  test('drill: a crash after the announcement was recorded: the notification is sent again, flagged as a repeat, same id', async () => {
    const job = world.sendJob();
    const crashed = world.runAgent(bundle(), { visibilityTimeoutSeconds: 2, heartbeatIntervalSeconds: 1, jobTimeoutSeconds: 10 });
    world.s3.afterStore = (key) => { if (key.startsWith('results/.announced/')) crashed.child.kill('SIGKILL'); };
    await crashed.exited;
    world.s3.afterStore = () => undefined;
    const agent = world.startAgent({ jobTimeoutSeconds: 10 });
    await world.until(() => job.deleted, 'the redelivered job to be deleted');
    await stop(agent);

    const notifications = world.sns.messagesTo(SUCCESS_TOPIC);
    expect(notifications.map((m) => [m.attempt, m.repeat])).toEqual([[1, false], [2, true]]);
    expect(new Set(notifications.map((m) => m.notificationId)).size).toBe(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  }, 30_000);

  test('drill: a malformed message gets an error result and an error notification at once, and is deleted', async () => {
    const job = world.aws.queue.send('{"prompt":"not an envelope"}');
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the malformed message to be deleted');
    await stop(agent);

    expect(job.receiveCount).toBe(1);
    expect(world.inference.started).toEqual([]);
    expect(errorDocument(job.id)).toEqual(expect.objectContaining({
      jobId: job.id, reason: 'malformed', attempt: 1, messageId: job.id, problems: ['version (undefined) is not supported: this agent reads version 1'],
    }));
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([expect.objectContaining({
      jobId: job.id, status: 'failed', repeat: false, location: `s3://${RESULTS_BUCKET}/errors/${job.id}.json`,
    })]);
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([]);
    expect(world.ledger()).toEqual(soundLedger({ rejected: 1 }));
  });

  test('a malformed envelope that names its job id gets errors/<jobId>.json', async () => {
    const job = world.aws.queue.send(JSON.stringify({ version: 1, jobId: 'order-17', contentType: 'application/json' }));
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the malformed message to be deleted');
    await stop(agent);

    expect(errorDocument('order-17').problems).toEqual(["/ must have required property 'submittedAt'", "/ must have required property 'input'"]);
  });

  test('drill: the server answering 500 then 200 gives one success and no error', async () => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 500, delayMs: 0 };
    const agent = world.startAgent({ retryDelaySeconds: 1 });
    await world.until(() => world.logsOf('job_failed').length > 0, 'the first attempt to fail');
    world.inference.behaviour = { status: 200, delayMs: 0 };
    await world.until(() => job.deleted, 'the retried job to be deleted');
    await stop(agent);

    expect(job.receiveCount).toBe(2);
    expect(resultPuts(job.id)).toEqual([{ key: `results/${job.id}`, status: 200 }]);
    expect(world.s3.get(RESULTS_BUCKET, `results/${job.id}`)?.metadata.attempt).toBe('2');
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([expect.objectContaining({ jobId: job.id, repeat: false, attempt: 2 })]);
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([]);
    expect(world.s3.get(RESULTS_BUCKET, `errors/${job.id}.json`)).toBeUndefined();
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  test('drill: the last attempt that fails writes errors/<jobId>.json, notifies, and the job is dead-lettered', async () => {
    const job = world.sendJob();
    world.aws.queue.maxReceiveCount = 2;
    world.inference.behaviour = { status: 503, delayMs: 0 };
    const agent = world.startAgent({ retryDelaySeconds: 0, maxAttempts: 2 });
    await world.until(() => job.deadLettered, 'the job to be dead-lettered');
    await stop(agent);

    expect(errorDocument(job.id)).toEqual(expect.objectContaining({ reason: 'failed', attempt: 2, problems: [expect.stringMatching(/^inference server answered 503 for job /)] }));
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([expect.objectContaining({ jobId: job.id, status: 'failed', attempt: 2 })]);
    expect(world.ledger()).toEqual(soundLedger({ deadLettered: 1 }));
  });

  test('drill: a last attempt that runs out of time still gets its error document, after the deadline', async () => {
    const job = world.sendJob();
    world.aws.queue.maxReceiveCount = 1;
    world.inference.behaviour = 'hang';
    const agent = world.startAgent({ jobTimeoutSeconds: 0.5, maxAttempts: 1, retryDelaySeconds: 0 });
    await world.until(() => world.sns.messagesTo(ERROR_TOPIC).length > 0, 'the error notification');
    await world.until(() => job.deadLettered, 'the job to be dead-lettered');
    await stop(agent);

    expect(errorDocument(job.id)).toEqual(expect.objectContaining({ reason: 'failed', attempt: 1, problems: [expect.stringMatching(/^job .* timed out after \d+ ms$/)] }));
    expect(world.ledger()).toEqual(soundLedger({ deadLettered: 1 }));
  });

  test('a job whose result already exists runs nothing and records no error, even on its last attempt: the result is announced', async () => {
    const job = world.sendJob();
    world.s3.put(RESULTS_BUCKET, `results/${job.id}`, '{"label":"earlier"}', 'application/json');
    world.inference.behaviour = { status: 500, delayMs: 0 };
    const agent = world.startAgent({ maxAttempts: 1 });
    await world.until(() => job.deleted, 'the job to be deleted');
    await stop(agent);

    expect(world.s3.get(RESULTS_BUCKET, `results/${job.id}`)?.body.toString()).toBe('{"label":"earlier"}');
    expect(world.s3.get(RESULTS_BUCKET, `errors/${job.id}.json`)).toBeUndefined();
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([expect.objectContaining({ repeat: false })]);
    expect(world.sns.messagesTo(ERROR_TOPIC)).toEqual([]);
    expect(world.inference.started).toEqual([]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  test('drill: S3 answering 500, 503 and throttling on the result write: retried with backoff, written once before the delete', async () => {
    const job = world.sendJob();
    world.s3.faults.inject('PutObject', ['internal-error', 'unavailable', 'throttled'], { times: 4 });
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the job to be deleted');
    await stop(agent);

    expect(world.logsOf('s3_put_failing')).toHaveLength(1);
    expect(world.logsOf('s3_put_recovered')).toEqual([expect.objectContaining({ failures: 4 })]);
    expect(job.receiveCount).toBe(1);
    expect(resultPuts(job.id)).toEqual([{ key: `results/${job.id}`, status: 200 }]);
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([expect.objectContaining({ jobId: job.id, repeat: false })]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  test('drill: an SNS publish that never answers is aborted at its deadline and retried: one notification', async () => {
    const job = world.sendJob();
    world.sns.faults.inject('Publish', 'hang', { times: 1 });
    const agent = world.startAgent({ jobTimeoutSeconds: 5 });
    await world.until(() => job.deleted, 'the job to be deleted');
    await stop(agent);

    expect(world.logsOf('sns_publish_failing')[0]?.error).toMatch(/SNS Publish timed out after 500 ms/);
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toHaveLength(1);
    expect(job.receiveCount).toBe(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  test('drill: S3 down past the job\'s deadline: no result, no delete; the retry after S3 recovers writes it once', async () => {
    const job = world.sendJob();
    world.s3.faults.inject('PutObject', 'unavailable');
    const agent = world.startAgent({ jobTimeoutSeconds: 1, retryDelaySeconds: 1 });
    await world.until(() => world.logsOf('job_returned').length > 0, 'the job to be returned');
    world.s3.faults.clear();
    await world.until(() => job.deleted, 'the retried job to be deleted');
    await stop(agent);

    expect(world.logsOf('job_failed')[0]?.error).toMatch(/^job .* timed out after \d+ ms$/);
    expect(job.receiveCount).toBe(2);
    expect(world.sns.messagesTo(SUCCESS_TOPIC)).toEqual([expect.objectContaining({ attempt: 2, repeat: false })]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  test('an input uploaded to the job\'s folder is read from S3 and a result goes under its output prefix', async () => {
    world.s3.put(RESULTS_BUCKET, 'inputs/big-1/input', 'a large body', 'text/plain');
    const job = world.sendJob({ jobId: 'big-1', contentType: 'text/plain', input: { s3Uri: `s3://${RESULTS_BUCKET}/inputs/big-1/input` }, outputPrefix: 'batch-42/' });
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the job to be deleted');
    await stop(agent);

    expect(world.inference.requests).toEqual([{ jobId: 'big-1', contentType: 'text/plain', body: 'a large body' }]);
    expect(world.s3.get(RESULTS_BUCKET, 'results/batch-42/big-1')).toBeDefined();
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  test('an input in another bucket is malformed: the fleet cannot read it', async () => {
    const job = world.sendJob({ jobId: 'elsewhere', input: { s3Uri: 's3://someone-else/inputs/elsewhere/x' } });
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the job to be deleted');
    await stop(agent);

    expect(world.inference.started).toEqual([]);
    expect(errorDocument('elsewhere').problems).toEqual([`/input/s3Uri (s3://someone-else/inputs/elsewhere/x) must be in the results bucket ${RESULTS_BUCKET}: upload inputs to inputs/elsewhere/`]);
    expect(world.ledger()).toEqual(soundLedger({ rejected: 1 }));
  });
});
