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
import { environmentNamed, readCloudAssembly } from '../lib/foresight/cloud-assembly';
import { runForesight } from '../lib/foresight/foresight-run';
import { DEFAULT_SPOT_INTERRUPTIONS_PER_INSTANCE_HOUR } from '../lib/foresight/spot';
import { regionPrices } from '../lib/pricing/price-table';
import { agentThroughputReport } from './bench/agent-throughput';
import { synthEnvironments } from './foresight/synth-environments';

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

/** One simulated week at one-minute resolution with per-job events, every environment, both policies. */
function foresightSeconds(assemblyDir: string): { wall: number; cpu: number } {
  const assemblies = readCloudAssembly(assemblyDir);
  const assumptions = {
    days: 7, seed: 1, jobSecondsCv: 0.5, spotInterruptionsPerInstanceHour: DEFAULT_SPOT_INTERRUPTIONS_PER_INSTANCE_HOUR,
    metricDelayMinutes: 1, divisionByZero: 'missing' as const,
  };
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for (const config of ENVIRONMENTS) {
    runForesight(environmentNamed(assemblies, config.name), config, { builtIn: 'office-hours' }, assumptions, regionPrices('us-east-1'), true);
  }
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - started) / 1e9, cpu: (used.user + used.system) / 1e6 };
}

// The environments as `npm run simulate` synthesizes them (in-process, model published).
const foresightOut = synthEnvironments(ENVIRONMENTS);
try {
  const runs = Array.from({ length: RUNS }, () => foresightSeconds(foresightOut));
  const seconds = median(runs.map((r) => r.wall));
  const cpuSeconds = median(runs.map((r) => r.cpu));
  console.log(`simulate, one week x 3 environments x 2 policies (office-hours): median ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU over ${RUNS} runs (goal < 2 s) ${seconds < 2 ? 'OK' : 'OVER GOAL'}`);
} finally {
  rmSync(foresightOut, { recursive: true, force: true });
}

// The queue agent as it ships, against the loopback fakes: jobs/s with 1 and 4 slots, and its own time per job.
void agentThroughputReport().then((lines) => {
  for (const line of lines) console.log(line);
  if (!process.env.BENCH_SKIP_TESTS) {
    const tests = measure('npm', ['test', '--silent']);
    console.log(`npm test wall time: ${tests.seconds.toFixed(1)} s`);
  }
});
