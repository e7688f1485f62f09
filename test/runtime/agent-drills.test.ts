import { AgentWorld, soundLedger } from './agent-world';

/** Each drill runs one agent in this process against a fresh loopback world and ends in a drain. */
describe('queue agent fault drills', () => {
  let world: AgentWorld;

  beforeEach(async () => {
    world = await AgentWorld.start();
  });
  afterEach(() => world.close());

  test('a finished job is deleted once, under scale-in protection', async () => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 200, delayMs: 100 };
    const agent = world.startAgent();
    await world.until(() => job.deleted, 'the job to be deleted');
    await world.until(() => world.aws.autoScaling.callsOf('SetInstanceProtection').length === 2, 'protection to be cleared');
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.drained;

    expect(world.aws.autoScaling.callsOf('SetInstanceProtection').map((p) => p.ProtectedFromScaleIn).slice(-2)).toEqual(['true', 'false']);
    expect(world.inference.completed.get(job.id)).toBe(1);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  test('an idle agent clears the protection a previous agent may have left set', async () => {
    const agent = world.startAgent();
    await world.until(() => world.aws.autoScaling.calls.some((call) => call.answeredAt !== undefined), 'a protection call');
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.drained;

    expect(world.aws.autoScaling.callsOf('SetInstanceProtection').map((p) => p.ProtectedFromScaleIn)).toEqual(['false']);
  });

  test('a job longer than the visibility timeout is kept hidden by heartbeats and received once', async () => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 200, delayMs: 2500 };
    const agent = world.startAgent({ visibilityTimeoutSeconds: 2, heartbeatIntervalSeconds: 1, jobTimeoutSeconds: 4 });
    await world.until(() => job.deleted, 'the job to be deleted');
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.drained;

    expect(job.receiveCount).toBe(1);
    expect(world.aws.queue.calls.filter((call) => call.action === 'ChangeMessageVisibility').length).toBeGreaterThanOrEqual(2);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  test('drill: a spot interruption notice mid-job returns the job to the queue at once', async () => {
    const job = world.sendJob();
    const waiting = world.sendJob();
    world.inference.behaviour = { status: 200, delayMs: 10_000 };
    const agent = world.startAgent({ jobTimeoutSeconds: 30 });
    await world.until(() => world.inference.started.includes(job.id), 'the job to start');
    const noticeAt = Date.now();
    world.imds.metadata.set('spot/instance-action', JSON.stringify({ action: 'terminate', time: new Date(noticeAt + 2000).toISOString() }));
    await agent.drained;

    expect(Date.now() - noticeAt).toBeLessThan(1000);
    expect(world.aws.queue.isVisible(job)).toBe(true);
    expect(world.aws.queue.isVisible(waiting)).toBe(true);
    expect(waiting.receiveCount).toBe(0);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ queued: 2 }));
  });

  test('drill: a spot interruption notice mid-job lets a job that fits the notice finish', async () => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 200, delayMs: 500 };
    const agent = world.startAgent({ jobTimeoutSeconds: 2 });
    await world.until(() => world.inference.started.includes(job.id), 'the job to start');
    world.imds.metadata.set('spot/instance-action', JSON.stringify({ action: 'terminate', time: new Date(Date.now() + 5000).toISOString() }));
    await agent.drained;

    expect(job.deleted).toBe(true);
    expect(world.inference.completed.get(job.id)).toBe(1);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  test('drill: an inference server answering 500 leaves the job in the queue for a later retry', async () => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 500, delayMs: 0 };
    const agent = world.startAgent({ retryDelaySeconds: 30 });
    await world.until(() => world.logs.some((log) => log.event === 'job_failed'), 'the job to fail');
    await world.until(() => world.aws.queue.calls.some((call) => call.action === 'ChangeMessageVisibility'), 'the retry delay');
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.drained;

    expect(job.deleted).toBe(false);
    expect(job.receiveCount).toBe(1);
    expect(world.aws.queue.calls.find((call) => call.action === 'ChangeMessageVisibility')?.input.VisibilityTimeout).toBe(30);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ queued: 1 }));
  });

  test('drill: a job that keeps failing is dead-lettered by the redrive policy, never completed', async () => {
    const job = world.sendJob();
    world.aws.queue.maxReceiveCount = 2;
    world.inference.behaviour = { status: 500, delayMs: 0 };
    const agent = world.startAgent({ retryDelaySeconds: 0, maxAttempts: 2 });
    await world.until(() => job.deadLettered, 'the job to be dead-lettered');
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.drained;

    expect(world.logsOf('job_started').map((log) => log.receiveCount)).toEqual([1, 2]);
    expect(world.ledger()).toEqual(soundLedger({ deadLettered: 1 }));
  });

  test('drill: an inference server hanging past the job timeout has its request aborted and the job retried', async () => {
    const job = world.sendJob();
    world.inference.behaviour = 'hang';
    const agent = world.startAgent({ jobTimeoutSeconds: 0.3, retryDelaySeconds: 30 });
    await world.until(() => world.logs.some((log) => log.event === 'job_failed'), 'the job to time out');
    await world.until(() => world.aws.queue.calls.some((call) => call.action === 'ChangeMessageVisibility'), 'the retry delay');
    world.imds.metadata.set('events/recommendations/rebalance', JSON.stringify({ noticeTime: new Date().toISOString() }));
    await agent.drained;

    expect(world.logs.find((log) => log.event === 'job_failed')?.error).toMatch(/timed out|aborted/i);
    expect(job.deleted).toBe(false);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ queued: 1 }));
  });

  test('an idle agent drains at once: its long poll is aborted', async () => {
    const agent = world.startAgent({ waitTimeSeconds: 20 });
    await world.until(() => world.aws.queue.calls.some((call) => call.action === 'ReceiveMessage'), 'a long poll');
    const noticeAt = Date.now();
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.drained;

    expect(Date.now() - noticeAt).toBeLessThan(1000);
    expect(world.terminationCompletions()).toHaveLength(1);
  });

  test('retries completing the lifecycle action until Auto Scaling accepts it', async () => {
    world.aws.autoScaling.rejectCompletions = 2;
    const agent = world.startAgent();
    world.imds.metadata.set('events/recommendations/rebalance', '{}');
    await agent.drained;

    expect(world.aws.autoScaling.callsOf('CompleteLifecycleAction')).toHaveLength(3);
    expect(world.terminationCompletions()).toHaveLength(3);
    expect(world.logsOf('lifecycle_completion_failing')).toHaveLength(1);
    expect(world.logsOf('lifecycle_completion_recovered')).toEqual([expect.objectContaining({ failures: 2 })]);
  });
});
