import { soundLedger } from './agent-world';
import { bundleDrills } from './bundle-drills';

/**
 * Drills of the bundled agent, run as systemd runs it, against AWS APIs that fail, hang,
 * throttle or lag. Deadlines and backoff are short (0.5 s calls, 0.05-0.4 s backoff) so each
 * drill takes a few seconds. Each ends with the ledger: every job completed once or still
 * queued, none lost, none completed twice, none run unprotected.
 */
describe('queue agent bundle under AWS API faults', () => {
  const { drill, bundle, terminate } = bundleDrills();

  drill('SQS 500, 503 and throttling on the delete for longer than the visibility timeout: the job is deleted once, never made visible', async (world) => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 200, delayMs: 100 };
    // The outage starts once the result is stored, so it covers the delete however long the job took to get there.
    world.s3.afterStore = (key) => {
      if (key === `results/${job.id}`) world.aws.queue.faults.inject('DeleteMessage', ['internal-error', 'unavailable', 'throttled'], { forMs: 2500 });
    };
    const agent = world.runAgent(bundle(), { visibilityTimeoutSeconds: 2, heartbeatIntervalSeconds: 0.5, jobTimeoutSeconds: 5 });
    await world.until(() => job.deleted, 'the job to be deleted');
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.aws.queue.callsOf('DeleteMessage').filter((call) => call.fault !== undefined).length).toBeGreaterThan(3);
    const heartbeats = world.aws.queue.callsOf('ChangeMessageVisibility');
    expect(heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(heartbeats.every((call) => call.input.VisibilityTimeout === 2)).toBe(true);
    expect(job.receiveCount).toBe(1);
    expect(world.logsOf('sqs_delete_failing')).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  drill('SQS 500, 503 and throttling while polling: the agent backs off, then takes every job once', async (world) => {
    const jobs = [world.sendJob(), world.sendJob()];
    world.aws.queue.faults.inject('ReceiveMessage', ['internal-error', 'unavailable', 'throttled'], { times: 6 });
    const agent = world.runAgent(bundle(), { jobTimeoutSeconds: 10 });
    await world.until(() => jobs.every((job) => job.deleted), 'both jobs to be deleted');
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.logsOf('sqs_receive_failing')).toHaveLength(1);
    expect(world.logsOf('sqs_receive_recovered')).toEqual([expect.objectContaining({ failures: 6 })]);
    expect(jobs.map((job) => job.receiveCount)).toEqual([1, 1]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 2 }));
  });

  drill('SQS requests that never answer (a receive, a heartbeat, a delete) are aborted at their deadline and retried', async (world) => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 200, delayMs: 800 };
    world.aws.queue.faults.inject('ReceiveMessage', 'hang', { times: 1 });
    world.aws.queue.faults.inject('ChangeMessageVisibility', 'hang', { times: 1 });
    world.aws.queue.faults.inject('DeleteMessage', 'hang', { times: 1 });
    const agent = world.runAgent(bundle(), { waitTimeSeconds: 1, visibilityTimeoutSeconds: 3, heartbeatIntervalSeconds: 0.3, jobTimeoutSeconds: 10 });
    await world.until(() => job.deleted, 'the job to be deleted');
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.logsOf('sqs_receive_failing')[0]?.error).toMatch(/ReceiveMessage timed out after 1500 ms/);
    expect(world.logsOf('sqs_heartbeat_failing')[0]?.error).toMatch(/ChangeMessageVisibility timed out after 500 ms/);
    expect(world.logsOf('sqs_delete_failing')[0]?.error).toMatch(/DeleteMessage timed out after 500 ms/);
    expect(world.aws.queue.callsOf('DeleteMessage')).toHaveLength(2);
    expect(job.receiveCount).toBe(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  drill('Auto Scaling calls that never answer: the job waits for protection, the lifecycle completion is retried', async (world) => {
    const job = world.sendJob();
    world.aws.autoScaling.faults.inject('SetInstanceProtection', 'hang', { times: 1 });
    world.aws.autoScaling.faults.inject('CompleteLifecycleAction', 'hang', { times: 1 });
    const agent = world.runAgent(bundle());
    await world.until(() => job.deleted, 'the job to be deleted');
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.logsOf('scale_in_protection_failing')[0]?.error).toMatch(/SetInstanceProtection timed out after 500 ms/);
    expect(world.logsOf('lifecycle_completion_failing')[0]?.error).toMatch(/CompleteLifecycleAction timed out after 500 ms/);
    expect(world.terminationCompletions()).toHaveLength(2);
    expect(world.logsOf('lifecycle_action_completed')).toEqual([expect.objectContaining({ attempt: 2 })]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  drill('protection calls slower than a job\'s start: a job that comes while the idle release is on the wire waits for protection', async (world) => {
    const first = world.sendJob();
    world.aws.autoScaling.faults.inject('SetInstanceProtection', { delayMs: 300 });
    const agent = world.runAgent(bundle(), { protectionReleaseDelaySeconds: 0.05, jobTimeoutSeconds: 3, apiTimeoutSeconds: 1 });
    await world.until(() => first.deleted, 'the first job to be deleted');
    await world.until(() => world.aws.autoScaling.calls.at(-1)?.params.ProtectedFromScaleIn === 'false', 'the idle release to be on the wire');
    const second = world.sendJob();
    await world.until(() => second.deleted, 'the second job to be deleted');
    expect(await terminate(world, agent.exited)).toBe(0);

    const values = world.aws.autoScaling.callsOf('SetInstanceProtection').map((params) => params.ProtectedFromScaleIn);
    expect(values.slice(-4)).toEqual(['true', 'false', 'true', 'false']);
    expect(world.ledger()).toEqual(soundLedger({ completed: 2 }));
  });

  drill('protection not confirmed by the job\'s deadline: the job is not run and goes back to the queue', async (world) => {
    world.sendJob();
    world.aws.autoScaling.faults.inject('SetInstanceProtection', 'unavailable');
    const agent = world.runAgent(bundle(), { jobTimeoutSeconds: 0.5, retryDelaySeconds: 30 });
    await world.until(() => world.logsOf('job_returned').length > 0, 'the job to be returned');
    world.aws.autoScaling.faults.clear();
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.logsOf('job_failed')[0]?.error).toMatch(/scale-in protection was not confirmed/);
    expect(world.inference.started).toEqual([]);
    expect(world.ledger()).toEqual(soundLedger({ queued: 1 }));
  });

  drill('a long SQS outage is called at most once per half backoff cap and logged twice in all, then the agent recovers', async (world) => {
    world.aws.queue.faults.inject('*', 'unavailable');
    const agent = world.runAgent(bundle(), { waitTimeSeconds: 1 });
    await world.until(() => world.aws.queue.calls.length > 0, 'the first receive');
    const outageStart = world.aws.queue.calls[0].at;
    await world.until(() => Date.now() >= outageStart + 2000, 'two seconds of outage', 3000);
    world.aws.queue.faults.clear();
    const job = world.sendJob();
    await world.until(() => job.deleted, 'the job to be deleted');
    expect(await terminate(world, agent.exited)).toBe(0);

    const failed = world.aws.queue.callsOf('ReceiveMessage').filter((call) => call.fault !== undefined);
    // Backoff 0.05 s doubling to a 0.4 s cap, with equal jitter: the waits are at least 25, 50,
    // 100, then 200 ms, so 2 s allow at most 1 + 4 + 8 calls (without backoff: hundreds).
    expect(failed.filter((call) => call.at < outageStart + 2000).length).toBeLessThanOrEqual(13);
    expect(failed.length).toBeGreaterThanOrEqual(5);
    const gapsAtCap = failed.slice(4).map((call, i) => call.at - failed[i + 3].at);
    expect(Math.min(...gapsAtCap)).toBeGreaterThanOrEqual(200);
    expect(world.logs.filter((log) => log.event.startsWith('sqs_'))).toEqual([
      expect.objectContaining({ event: 'sqs_receive_failing' }),
      expect.objectContaining({ event: 'sqs_receive_recovered', failures: failed.length }),
    ]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  drill('SIGTERM with no lifecycle action pending (a restart) makes one attempt and exits at once', async (world) => {
    world.aws.autoScaling.actionPending = false;
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'InService');
    const job = world.sendJob();
    const agent = world.runAgent(bundle(), { drainTimeoutSeconds: 60, jobTimeoutSeconds: 10 });
    await world.until(() => job.deleted, 'the job to be deleted');
    const sigtermAt = Date.now();
    agent.child.kill('SIGTERM');

    expect(await agent.exited).toBe(0);
    // An agent that waited for an action would take the 60 s drain timeout.
    expect(Date.now() - sigtermAt).toBeLessThan(5000);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.logsOf('lifecycle_action_not_pending')).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });

  drill('a spot notice while Auto Scaling never answers: the drain still ends by the notice\'s deadline', async (world) => {
    const job = world.sendJob();
    const agent = world.runAgent(bundle());
    await world.until(() => job.deleted, 'the job to be deleted');
    world.aws.autoScaling.faults.inject('*', 'hang');
    const deadline = Date.now() + 1500;
    world.imds.metadata.set('spot/instance-action', JSON.stringify({ action: 'terminate', time: new Date(deadline).toISOString() }));

    expect(await agent.exited).toBe(0);
    expect(world.logsOf('drain_finished')[0]?.at).toBeLessThan(deadline + 1000);
    expect(world.logsOf('lifecycle_action_not_completed')).toEqual([expect.objectContaining({ reason: 'drain deadline reached' })]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });
});
