/**
 * Benchmarks `cdk synth` of every environment against a one-queue baseline app, run in the
 * same process tree, alternating A/B so machine noise hits both alike. Prints the median of
 * each, their ratio (goal: <= 1.5), the synth's peak memory, the time `npm run simulate` takes to
 * simulate one week of every environment with both policies (goal: < 2 s), the queue agent's
 * throughput with 1 and 4 concurrent jobs (goal: >= 3x) and its own time per job, and the wall
 * time of `npm test`.
 *
 *   npm run bench                 # 5 runs each, plus one `npm test`
 *   BENCH_RUNS=9 npm run bench
 *   BENCH_SKIP_TESTS=1 npm run bench
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GUARD_CACHE_DIRECTORY } from '../lib/compliance/guard-findings-cache';
import { ENVIRONMENTS } from '../lib/config';
import { DEFAULT_ASSUMPTIONS, PolicyStacks, runForesight } from '../lib/foresight/foresight-run';
import { environmentStacks } from '../lib/foresight/stack-templates';
import { regionPrices } from '../lib/pricing/price-table';
import { EXIT_OK, runMain } from './cli';
import { agentThroughputReport } from './bench/agent-throughput';
import { serviceOf } from './foresight/options';
import { synthForForesight } from './foresight/synth-environments';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const GOAL_RATIO = 1.5;
const root = join(__dirname, '..');
const cdk = join(root, 'node_modules', '.bin', 'cdk');

interface Measurement {
  readonly seconds: number;
  readonly peakRssMiB: number;
}

/** Runs a command under GNU time, returning wall seconds and the peak RSS of its largest process. */
function measure(command: string, args: string[]): Measurement {
  const statsDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const statsFile = join(statsDir, 'time.txt');
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', '-o', statsFile, command, ...args], { cwd: root, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  }
  const peakRssKiB = Number(readFileSync(statsFile, 'utf8').trim().split('\n').pop());
  rmSync(statsDir, { recursive: true, force: true });
  return { seconds, peakRssMiB: peakRssKiB / 1024 };
}

function synth(appCommand: string): Measurement {
  const out = mkdtempSync(join(tmpdir(), 'bench-out-'));
  try {
    return measure(cdk, ['synth', '--quiet', '--no-notices', '--app', appCommand, '--output', out]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const USAGE = `usage: npm run bench
  Times cdk synth of every environment against a one-queue baseline app (median of BENCH_RUNS runs,
  at least 5, alternating), the first uncached synth, the synth's peak memory, the simulation of
  every environment's services, the queue agent's throughput and the wall time of npm test (skipped with BENCH_SKIP_TESTS=1).`;

/** The command line: its name, usage and flags. */
export const BENCH_COMMAND_LINE = { name: 'bench', usage: USAGE, options: {} } as const;

/** The command, run with its parsed command line; returns the exit code. */
export const bench = async (): Promise<number> => {
  // The first synth on a machine (CI's clean clone) runs cfn-guard on every template; later ones
  // take unchanged templates' Control Tower findings from the cache. Both are reported.
  rmSync(DEFAULT_GUARD_CACHE_DIRECTORY, { recursive: true, force: true });
  const cold = synth('npx tsx bin/ai-infra.ts');

  const app: Measurement[] = [];
  const baseline: Measurement[] = [];
  for (let run = 1; run <= RUNS; run++) {
    app.push(synth('npx tsx bin/ai-infra.ts'));
    baseline.push(synth('npx tsx scripts/bench/baseline-app.ts'));
    console.log(`run ${run}/${RUNS}: app ${app[run - 1].seconds.toFixed(2)} s, baseline ${baseline[run - 1].seconds.toFixed(2)} s`);
  }

  const appMedian = median(app.map((m) => m.seconds));
  const baselineMedian = median(baseline.map((m) => m.seconds));
  const ratio = appMedian / baselineMedian;
  console.log(`\ncdk synth, all environments: median ${appMedian.toFixed(2)} s over ${RUNS} runs`);
  console.log(`cdk synth, one-queue baseline: median ${baselineMedian.toFixed(2)} s over ${RUNS} runs`);
  console.log(`ratio: ${ratio.toFixed(2)}x (goal <= ${GOAL_RATIO}x) ${ratio <= GOAL_RATIO ? 'OK' : 'OVER GOAL'}`);
  console.log(`first synth, Control Tower findings not cached yet: ${cold.seconds.toFixed(2)} s, ${(cold.seconds / baselineMedian).toFixed(2)}x the baseline`);
  console.log(`peak memory of the synth: ${Math.max(cold.peakRssMiB, ...app.map((m) => m.peakRssMiB)).toFixed(0)} MiB`);

  /**
   * One simulated week at one-minute resolution with per-job events, every service of every
   * environment, both policies, and the clairvoyant bound of each (a dynamic program over the same
   * week). Wall time depends on the machine's load; CPU time is what the runs take on an idle machine.
   */
  function foresightSeconds(policies: ReadonlyMap<string, PolicyStacks[]>): { wall: number; cpu: number; boundWall: number } {
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const prices = regionPrices('us-east-1');
    let boundWall = 0;
    for (const config of ENVIRONMENTS) {
      for (const service of Object.keys(config.inference)) {
        const run = runForesight(config.name, policies.get(config.name)!, serviceOf(config, service), { builtIn: 'office-hours' }, DEFAULT_ASSUMPTIONS, prices);
        boundWall += Object.values(run.policies).reduce((n, p) => n + p.oracleSeconds, 0);
      }
    }
    const used = process.cpuUsage(cpu);
    return { wall: Number(process.hrtime.bigint() - started) / 1e9, cpu: (used.user + used.system) / 1e6, boundWall };
  }

  // The environments as `npm run simulate -- --compare step` synthesizes them: the app factory,
  // cdk.json's context, the model published; the seed's step policy for the second policy.
  const names = ENVIRONMENTS.map((c) => c.name);
  const assemblies = [synthForForesight(names, 'default'), synthForForesight(names, 'step')];
  const policies = new Map(names.map((name) => [name, assemblies.map((a, k) => ({ name: k === 0 ? 'default' : 'step', stacks: environmentStacks(a, name).stacks }))]));
  const runs = Array.from({ length: RUNS }, () => foresightSeconds(policies));
  const wall = median(runs.map((r) => r.wall));
  const cpuSeconds = median(runs.map((r) => r.cpu));
  const boundWall = median(runs.map((r) => r.boundWall));
  console.log(`simulate, one week x ${names.length} environments' services x 2 policies (office-hours), with the clairvoyant bound: median ${cpuSeconds.toFixed(2)} s CPU (goal < 2 s) ${cpuSeconds < 2 ? 'OK' : 'OVER GOAL'}; ${wall.toFixed(2)} s wall, of which the bound ${boundWall.toFixed(2)} s, over ${RUNS} runs`);

  // The queue agent as it ships, against the loopback fakes: jobs/s with 1 and 4 slots, and its own time per job.
  for (const line of await agentThroughputReport()) console.log(line);

  if (!process.env.BENCH_SKIP_TESTS) {
    const tests = measure('npm', ['test', '--silent']);
    console.log(`npm test wall time: ${tests.seconds.toFixed(1)} s`);
  }
  return EXIT_OK;
};

if (require.main === module) runMain(BENCH_COMMAND_LINE, bench);
