import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleAgent } from '../../lib/constructs/inference/agent-bundling';
import { AgentWorld } from './agent-world';

/** The SIGTERM drill runs the esbuild bundle that ships to the instances, as systemd runs it. */
describe('queue agent bundle under SIGTERM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-bundle-'));
  const bundle = join(dir, 'agent.js');
  let world: AgentWorld;
  /** The agent's stdout. */
  let output = '';

  beforeAll(() => bundleAgent(bundle));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    world = await AgentWorld.start();
    output = '';
  });
  afterEach(() => world.close());

  function runAgent(overrides: Record<string, unknown>): ChildProcess {
    const configPath = join(dir, 'agent.json');
    writeFileSync(configPath, JSON.stringify({ ...world.configFile(), ...overrides }));
    const child = spawn(process.execPath, [bundle, configPath], {
      env: { PATH: process.env.PATH, ...world.agentEnv() },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    return child;
  }

  // 'close' waits for stdout to drain too; 'exit' can come before the last log lines.
  const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => child.on('close', resolve));

  test('drill: SIGTERM mid-job finishes the job, completes the lifecycle action and exits 0', async () => {
    const job = world.sendJob();
    const waiting = world.sendJob();
    world.inference.behaviour = { status: 200, delayMs: 800 };
    const child = runAgent({ jobTimeoutSeconds: 2, drainTimeoutSeconds: 5 });
    await world.until(() => world.inference.started.includes(job.id), 'the job to start');
    child.kill('SIGTERM');
    const code = await exited(child);

    expect(code).toBe(0);
    expect(job.deleted).toBe(true);
    expect(world.inference.completed.get(job.id)).toBe(1);
    expect(waiting.receiveCount).toBe(0);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.noJobLost()).toBe(true);
  });

  test('drill: SIGTERM mid-job without time to finish returns the job to the queue at once', async () => {
    const job = world.sendJob();
    world.inference.behaviour = { status: 200, delayMs: 10_000 };
    const child = runAgent({ jobTimeoutSeconds: 30, drainTimeoutSeconds: 5 });
    await world.until(() => world.inference.started.includes(job.id), 'the job to start');
    child.kill('SIGTERM');
    const code = await exited(child);

    expect(code).toBe(0);
    expect(world.aws.queue.isVisible(job)).toBe(true);
    expect(world.terminationCompletions()).toHaveLength(1);
    expect(world.noJobLost()).toBe(true);
  });

  test('logs JSON lines on stdout', async () => {
    const child = runAgent({});
    await world.until(() => output.includes('agent_started'), 'the agent to start');
    child.kill('SIGTERM');
    await exited(child);

    const lines = output.trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(expect.arrayContaining(['agent_started', 'drain_started', 'drain_finished']));
  });
});
