/**
 * Throughput of one queue agent, the bundle as it ships, against the loopback fakes the drills
 * use (SQS, S3, SNS, Auto Scaling, instance metadata and a serving container): self-contained,
 * no AWS. The agent starts on an empty queue; once it polls, N jobs are queued at once and the
 * clock runs until the last one is deleted. Every run ends with the drills' ledger: a job lost,
 * duplicated or left behind fails the benchmark.
 *
 *   npx tsx scripts/bench/agent-throughput.ts      (also a section of npm run bench)
 */
import { AgentBundle, AgentWorld, soundLedger } from '../../test/runtime/agent-world';

/** The goal: with 4 slots and a 200 ms inference, at least this many times the jobs/s of 1 slot. */
export const CONCURRENCY_GOAL = 3;

/** One measured run. */
export interface ThroughputRun {
  readonly slots: number;
  readonly inferenceMs: number;
  readonly jobs: number;
  readonly seconds: number;
  readonly jobsPerSecond: number;
}

/** Deadlines and backoff of a deployed agent (not the drills' short ones), so that a loaded machine makes no call time out. */
const CONFIG = { apiTimeoutSeconds: 5, apiConnectTimeoutSeconds: 5, visibilityTimeoutSeconds: 60, heartbeatIntervalSeconds: 20, jobTimeoutSeconds: 60, backoffMaxSeconds: 1 };

/** Runs `jobs` jobs of `inferenceMs` through one agent with `slots` slots. */
export async function measureThroughput(bundle: AgentBundle, slots: number, inferenceMs: number, jobs: number): Promise<ThroughputRun> {
  const world = await AgentWorld.start();
  try {
    world.inference.behaviour = { status: 200, delayMs: inferenceMs };
    const agent = world.runAgent(bundle, { ...CONFIG, maxConcurrentJobs: slots });
    await world.until(() => world.aws.queue.callsOf('ReceiveMessage').length > 0, 'the agent to poll', 120_000);
    const started = process.hrtime.bigint();
    const messages = Array.from({ length: jobs }, () => world.sendJob());
    await world.until(() => messages.every((message) => message.deleted), `${jobs} jobs to be deleted`, 600_000);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    world.imds.metadata.set('autoscaling/target-lifecycle-state', 'Terminated');
    await agent.exited;
    const ledger = world.ledger();
    if (JSON.stringify(ledger) !== JSON.stringify(soundLedger({ completed: jobs }))) {
      throw new Error(`the agent broke its guarantees with ${slots} slots: ${JSON.stringify(ledger)}`);
    }
    return { slots, inferenceMs, jobs, seconds, jobsPerSecond: jobs / seconds };
  } finally {
    await world.close();
  }
}

/** The concurrency figures: 1 and 4 slots at 200 ms, and the agent's own time per job at 0 ms. */
export async function agentThroughputReport(): Promise<string[]> {
  const bundle = AgentBundle.build();
  try {
    const one = await measureThroughput(bundle, 1, 200, 25);
    const four = await measureThroughput(bundle, 4, 200, 100);
    const overhead = await measureThroughput(bundle, 1, 0, 50);
    const ratio = four.jobsPerSecond / one.jobsPerSecond;
    const line = (run: ThroughputRun) => `${run.jobs} jobs in ${run.seconds.toFixed(2)} s, ${run.jobsPerSecond.toFixed(2)} jobs/s`;
    return [
      `agent, 1 slot, 200 ms inference: ${line(one)}`,
      `agent, 4 slots, 200 ms inference: ${line(four)}: ${ratio.toFixed(2)}x 1 slot (goal >= ${CONCURRENCY_GOAL}x) ${ratio >= CONCURRENCY_GOAL ? 'OK' : 'UNDER GOAL'}`,
      `agent, per-job overhead (1 slot, 0 ms inference): ${(1000 / overhead.jobsPerSecond).toFixed(1)} ms a job (${line(overhead)}); nothing lost or duplicated in any run`,
    ];
  } finally {
    bundle.dispose();
  }
}

if (require.main === module) {
  agentThroughputReport().then((lines) => lines.forEach((line) => console.log(line)), (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
