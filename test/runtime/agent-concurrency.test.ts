import { AgentWorld, soundLedger } from './agent-world';
import { DRILL_WAIT_MS, bundleDrills } from './bundle-drills';

/**
 * Drills of one instance running several jobs at once (maxConcurrentJobs), on the shipped
 * bundle: receives ask for no more messages than free slots, each job keeps its own lease and
 * heartbeats, protection is held while any job runs, and a drain finishes or returns every job
 * in flight. Also the long poll that shortens itself to fit a short visibility timeout. Each
 * ends with the ledger.
 */
describe('concurrent jobs', () => {
  const { drill, bundle, terminate } = bundleDrills();

  const receiveSizes = (world: AgentWorld): number[] => world.aws.queue.callsOf('ReceiveMessage').map((call) => Number(call.input.MaxNumberOfMessages));
  const protectionCalls = (world: AgentWorld): string[] => world.aws.autoScaling.callsOf('SetInstanceProtection').map((p) => p.ProtectedFromScaleIn);

  drill('4 slots, 8 jobs of 3 s: 4 run at once, no receive asks for more than the free slots, protection is held throughout', async (world) => {
    const jobs = Array.from({ length: 8 }, () => world.sendJob());
    world.inference.behaviour = { status: 200, delayMs: 3000 };
    const agent = world.runAgent(bundle(), { maxConcurrentJobs: 4, jobTimeoutSeconds: 15, apiTimeoutSeconds: 2 });
    await world.until(() => jobs.every((job) => job.deleted), 'every job to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.inference.maxInFlight).toBe(4);
    expect(receiveSizes(world)[0]).toBe(4);
    expect(Math.max(...receiveSizes(world))).toBe(4);
    expect(protectionCalls(world).filter((value) => value === 'true')).toHaveLength(1);
    expect(protectionCalls(world).at(-1)).toBe('false');
    expect(jobs.map((job) => job.receiveCount)).toEqual(Array(8).fill(1));
    expect(world.s3.puts.filter((put) => put.status === 403)).toEqual([]);
    expect(world.ledger()).toEqual(soundLedger({ completed: 8 }));
  });

  drill('a spot notice with 4 jobs in flight that cannot finish by it: all 4 go back to the queue at once', async (world) => {
    const jobs = Array.from({ length: 4 }, () => world.sendJob());
    world.inference.behaviour = 'hang';
    const agent = world.runAgent(bundle(), { maxConcurrentJobs: 4, jobTimeoutSeconds: 30, apiTimeoutSeconds: 2 });
    await world.until(() => world.inference.started.length === 4, 'all 4 jobs to start', DRILL_WAIT_MS);
    const noticeAt = Date.now();
    world.imds.metadata.set('spot/instance-action', JSON.stringify({ action: 'terminate', time: new Date(noticeAt + 20_000).toISOString() }));
    expect(await agent.exited).toBe(0);

    expect(Date.now() - noticeAt).toBeLessThan(20_000);
    expect(world.logsOf('drain_returning_job')).toHaveLength(4);
    expect(jobs.every((job) => world.aws.queue.isVisible(job))).toBe(true);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ queued: 4 }));
  });

  drill('a spot notice with 4 jobs in flight that fit before it: each finishes and is deleted', async (world) => {
    const jobs = Array.from({ length: 4 }, () => world.sendJob());
    world.inference.behaviour = { status: 200, delayMs: 1500 };
    const agent = world.runAgent(bundle(), { maxConcurrentJobs: 4, jobTimeoutSeconds: 15, apiTimeoutSeconds: 2 });
    await world.until(() => world.inference.started.length === 4, 'all 4 jobs to start', DRILL_WAIT_MS);
    world.imds.metadata.set('spot/instance-action', JSON.stringify({ action: 'terminate', time: new Date(Date.now() + 30_000).toISOString() }));
    expect(await agent.exited).toBe(0);

    expect(world.logsOf('drain_finishing_job')).toHaveLength(4);
    expect(jobs.every((job) => job.deleted)).toBe(true);
    expect(world.ledger()).toEqual(soundLedger({ completed: 4 }));
  });

  drill('4 jobs longer than the visibility timeout: each lease renews its own message, every job received once', async (world) => {
    const jobs = Array.from({ length: 4 }, () => world.sendJob());
    world.inference.behaviour = { status: 200, delayMs: 3000 };
    const agent = world.runAgent(bundle(), { maxConcurrentJobs: 4, jobTimeoutSeconds: 10, visibilityTimeoutSeconds: 3, heartbeatIntervalSeconds: 0.5, apiTimeoutSeconds: 1 });
    await world.until(() => jobs.every((job) => job.deleted), 'every job to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.inference.maxInFlight).toBe(4);
    const renewals = world.aws.queue.callsOf('ChangeMessageVisibility');
    for (const job of jobs) {
      expect(job.receiveCount).toBe(1);
      expect(renewals.filter((call) => call.input.VisibilityTimeout === 3 && job.receiptHandle === call.input.ReceiptHandle).length).toBeGreaterThanOrEqual(3);
    }
    expect(world.ledger()).toEqual(soundLedger({ completed: 4 }));
  });

  drill('a visibility timeout shorter than the 20 s long poll: the poll shortens itself, the job is deleted, never abandoned', async (world) => {
    const agent = world.runAgent(bundle(), { visibilityTimeoutSeconds: 3, heartbeatIntervalSeconds: 1, waitTimeSeconds: 20, jobTimeoutSeconds: 10 });
    await world.until(() => world.logsOf('agent_started').length > 0, 'the agent to start', DRILL_WAIT_MS);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const job = world.sendJob();
    await world.until(() => job.deleted, 'the job to be deleted', DRILL_WAIT_MS);
    expect(await terminate(world, agent.exited)).toBe(0);

    expect(world.logsOf('agent_started')[0].longPollSeconds).toBe(2);
    expect(receiveSizes(world).length).toBeGreaterThan(1);
    expect(world.logsOf('job_delete_abandoned')).toEqual([]);
    expect(job.receiveCount).toBe(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1 }));
  });
});
