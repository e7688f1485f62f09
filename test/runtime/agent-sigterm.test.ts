import { AgentBundle, AgentWorld, soundLedger } from './agent-world';

/**
 * The SIGTERM drills run the esbuild bundle that ships to the instances, as systemd runs it. A
 * child agent starts slowly on a loaded machine: each drill may take 30 s, and passes as soon as
 * the agent has done what it must.
 */
describe('queue agent bundle under SIGTERM', () => {
  let bundle: AgentBundle;
  let world: AgentWorld;

  beforeAll(() => { bundle = AgentBundle.build(); });
  afterAll(() => bundle.dispose());
  beforeEach(async () => { world = await AgentWorld.start(); });
  afterEach(() => world.close());

  test('drill: SIGTERM mid-job finishes the job, completes the lifecycle action and exits 0', async () => {
    const job = world.sendJob();
    const waiting = world.sendJob();
    world.inference.behaviour = { status: 200, delayMs: 800 };
    const agent = world.runAgent(bundle, { jobTimeoutSeconds: 4, drainTimeoutSeconds: 5 });
    await world.until(() => world.inference.started.includes(job.id), 'the job to start', 25_000);
    agent.child.kill('SIGTERM');

    expect(await agent.exited).toBe(0);
    expect(job.deleted).toBe(true);
    expect(world.inference.completed.get(job.id)).toBe(1);
    expect(waiting.receiveCount).toBe(0);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ completed: 1, queued: 1 }));
  }, 30_000);

  test('drill: SIGTERM mid-job without time to finish returns the job to the queue at once', async () => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 200, delayMs: 10_000 };
    const agent = world.runAgent(bundle, { jobTimeoutSeconds: 30, drainTimeoutSeconds: 5 });
    await world.until(() => world.inference.started.includes(job.id), 'the job to start', 25_000);
    agent.child.kill('SIGTERM');

    expect(await agent.exited).toBe(0);
    expect(world.aws.queue.isVisible(job)).toBe(true);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.ledger()).toEqual(soundLedger({ queued: 1 }));
  }, 30_000);

  test('logs JSON lines on stdout', async () => {
    const agent = world.runAgent(bundle);
    await world.until(() => world.output.includes('agent_started'), 'the agent to start', 25_000);
    agent.child.kill('SIGTERM');
    await agent.exited;

    const lines = world.output.trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(expect.arrayContaining(['agent_started', 'drain_started', 'drain_finished']));
  }, 30_000);
});
