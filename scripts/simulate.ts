/**
 * npm run simulate -- [--env dev] [--service default] [--workload office-hours | --csv jobs.csv] [--compare step] [--json] [--chart file.svg]
 * npm run simulate -- --all [--json]
 *
 * Replays a workload through each environment's synthesized fleets and scaling policies, one
 * run per inference service, beside the clairvoyant lower bound of GPU-hours (see
 * docs/foresight.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderChart } from '../lib/foresight/chart';
import { renderWaitChart } from '../lib/foresight/wait-chart';
import { PolicyFigures } from '../lib/foresight/figures';
import { ForesightAssumptions, ForesightRun, runForesight, undocumentedAssumptions } from '../lib/foresight/foresight-run';
import { RegionPrices } from '../lib/pricing/price-table';
import { TARGET_TIMES_LIMIT, TargetCell, targetCell } from '../lib/foresight/targets';
import { WORKLOAD_NAMES } from '../lib/foresight/workloads';
import { EXIT_OK, ParsedCommandLine, UsageError, runMain } from './cli';
import { COMMON_HELP, COMMON_OPTIONS, assumptionsOf, environmentsOf, pricesOf, selectionOf, serviceOf, workloadOf } from './foresight/options';

/** Jobs were lost (expired or dead-lettered): the config cannot carry the workload. */
export const EXIT_JOBS_LOST = 3;

const HELP = `usage: npm run simulate -- [flags]
  --all                every environment x service x built-in workload with jobs in one table against the
                       targets: p95 wait <= acceptableLatency (bursty: boot + 120 s), GPU-hours <= ${TARGET_TIMES_LIMIT} x
                       the clairvoyant limit, no job lost; each miss with its reason (with --json: the cells)
  --compare step       also run the classic queue-depth step policy (QueueScaling mode 'step') on the same fleet
  --chart <file.svg>   where to write the chart of jobs waiting and instances over time, with one environment and service
                       (default: cdk.out/foresight/<env>-<service>-<workload>.svg); the chart of job waits goes beside it, <file>-waits.svg
${COMMON_HELP}
Exit 0: simulated. 1: an error. 2: usage. 3: jobs were lost (expired or dead-lettered).`;

const ROWS: [keyof PolicyFigures, string][] = [
  ['p50WaitSeconds', 'p50 wait (s)'],
  ['p95WaitSeconds', 'p95 wait (s)'],
  ['p99WaitSeconds', 'p99 wait (s)'],
  ['maxWaitSeconds', 'longest wait (s)'],
  ['p95WaitAwakeSeconds', 'p95 wait, fleet awake (s)'],
  ['maxJobsWaiting', 'most jobs waiting'],
  ['jobsSubmitted', 'jobs submitted'],
  ['jobsCompleted', 'jobs completed'],
  ['jobsLost', 'jobs lost'],
  ['jobsPendingAtEnd', 'jobs queued/in flight at end'],
  ['spotInstanceHours', 'spot instance-hours'],
  ['onDemandInstanceHours', 'on-demand instance-hours'],
  ['gpuHours', 'GPU-hours'],
  ['oracleGpuHoursLowerBound', 'clairvoyant GPU-hours (limit)'],
  ['timesLimit', 'x limit'],
  ['idleGpuHours', 'idle GPU-hours'],
  ['spotInterruptions', 'spot interruptions'],
  ['launchesAbandoned', 'launches abandoned'],
  ['wakeUpsFromZero', 'wake-ups from 0'],
  ['costUsd', 'cost (USD)'],
];

function table(run: ForesightRun): string {
  const names = Object.keys(run.policies);
  const lines = [`${run.env} / ${run.service} / ${run.workload} (acceptableLatencySeconds ${run.acceptableLatencySeconds})`, `  ${''.padEnd(30)}${names.map((n) => n.padStart(12)).join('')}`];
  for (const [key, label] of ROWS) lines.push(`  ${label.padEnd(30)}${names.map((n) => String(run.policies[n].figures[key]).padStart(12)).join('')}`);
  return lines.join('\n');
}

/** The built-in workloads with jobs, in the order the target table lists them. */
export const TARGET_WORKLOADS = WORKLOAD_NAMES.filter((w) => w !== 'idle');

/** The target table as text: one line per cell, each miss's reasons indented below it. */
export function targetTableText(cells: readonly TargetCell[]): string {
  const header = ['env', 'service', 'workload', 'p95 wait s', 'target s', 'GPU-h', 'limit', 'x limit', 'floor x', 'no-flap floor x', 'wake-ups', 'lost', 'met'];
  const rows = cells.map((c) => [
    c.env, c.service, c.workload, String(c.p95WaitSeconds), String(c.targetP95WaitSeconds), String(c.gpuHours), String(c.limitGpuHours),
    String(c.timesLimit), String(c.onlineFloorTimesLimit ?? '-'), String(c.idleWindowFloorTimesLimit ?? '-'), String(c.wakeUpsFromZero), String(c.jobsLost),
    c.met ? 'yes' : `no (${[!c.latencyMet && 'wait', !c.costMet && 'cost', c.jobsLost > 0 && 'lost'].filter(Boolean).join(', ')})`,
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cols: string[]) => cols.map((v, k) => (k < 3 ? v.padEnd(widths[k]) : v.padStart(widths[k]))).join('  ');
  return [
    line(header),
    ...cells.flatMap((c, n) => [line(rows[n]), ...c.reasons.map((r) => `    - ${r}`)]),
    `${cells.filter((c) => c.met).length} of ${cells.length} met (targets: p95 wait <= acceptableLatency, bursty <= boot + 120 s; GPU-hours <= ${TARGET_TIMES_LIMIT} x the clairvoyant limit; no job lost)`,
  ].join('\n');
}

/** Where the wait chart of the chart `file` goes: `<file>-waits.svg`. */
export const waitChartFile = (file: string): string => `${file.replace(/\.svg$/i, '')}-waits.svg`;

/** The command line: its name, usage and flags. */
export const SIMULATE_COMMAND_LINE = {
  name: 'simulate', usage: HELP, options: { ...COMMON_OPTIONS, all: { type: 'boolean', default: false }, compare: { type: 'string' }, chart: { type: 'string' } },
} as const;

/** The command, run with its parsed command line; returns the exit code. */
export const simulate = ({ values }: ParsedCommandLine<typeof SIMULATE_COMMAND_LINE.options>): number => {
  if (values.compare !== undefined && values.compare !== 'step') throw new UsageError(`--compare ${values.compare}: only "step" (the classic queue-depth policy) is known`);
  const assumptions = assumptionsOf(values);
  const prices = pricesOf(values);
  if (values.all) {
    if (values.workload !== undefined || values.csv !== undefined || values.compare !== undefined || values.chart !== undefined) {
      throw new UsageError('--all runs every built-in workload on the default policy: leave out --workload, --csv, --compare and --chart');
    }
    return simulateAll(values, assumptions, prices);
  }
  const source = workloadOf(values, 'office-hours');
  if (values.chart !== undefined && selectionOf(values).reduce((n, s) => n + s.services.length, 0) !== 1) {
    throw new UsageError(`--chart ${values.chart} is the chart of one run: select one environment and service with --env and --service`);
  }
  const environments = environmentsOf(SIMULATE_COMMAND_LINE.name, values, values.compare === 'step' ? ['default', 'step'] : ['default']);
  const runs = environments.flatMap(({ config, services, policies }) =>
    services.map((service) => runForesight(config.name, policies, serviceOf(config, service), source, assumptions, prices)));
  const assumed = undocumentedAssumptions(assumptions);
  const documents = runs.map((run) => ({
    env: run.env,
    service: run.service,
    workload: run.workload,
    assumptions: assumed,
    policies: Object.fromEntries(Object.entries(run.policies).map(([name, p]) => [name, p.figures])),
  }));
  for (const run of runs) {
    const file = values.chart ?? join('cdk.out', 'foresight', `${run.env}-${run.service}-${run.workload}.svg`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, renderChart(run));
    writeFileSync(waitChartFile(file), renderWaitChart(run));
    if (!values.json) console.log(`${table(run)}\n  charts: ${file}, ${waitChartFile(file)}\n`);
  }
  if (values.json) console.log(JSON.stringify(documents.length === 1 ? documents[0] : documents, null, 2));
  else console.log(`assumed (AWS documents none of these, or only a bound):\n${assumed.map((a) => `  - ${a}`).join('\n')}`);
  const lost = runs.flatMap((r) => Object.entries(r.policies).filter(([, p]) => p.figures.jobsLost > 0).map(([n]) => `${r.env}/${r.service}/${n}`));
  if (lost.length > 0) {
    console.error(`jobs were lost (${lost.join(', ')}): they expired or went to the dead-letter queue`);
    return EXIT_JOBS_LOST;
  }
  return EXIT_OK;
};

/** `--all`: every environment x service x built-in workload with jobs, the default policy, as one target table. */
function simulateAll(values: ParsedCommandLine<typeof SIMULATE_COMMAND_LINE.options>['values'], assumptions: ForesightAssumptions, prices: RegionPrices): number {
  const environments = environmentsOf(SIMULATE_COMMAND_LINE.name, values, ['default']);
  const cells = TARGET_WORKLOADS.flatMap((workload) => environments.flatMap(({ config, services, policies }) => services.map((service) =>
    targetCell(runForesight(config.name, policies, serviceOf(config, service), { builtIn: workload }, assumptions, prices)))));
  if (values.json) console.log(JSON.stringify({ assumptions: undocumentedAssumptions(assumptions), cells }, null, 2));
  else console.log(`${targetTableText(cells)}\nassumed (AWS documents none of these, or only a bound):\n${undocumentedAssumptions(assumptions).map((a) => `  - ${a}`).join('\n')}`);
  const lost = cells.filter((c) => c.jobsLost > 0);
  if (lost.length > 0) {
    console.error(`jobs were lost (${lost.map((c) => `${c.env}/${c.service}/${c.workload}`).join(', ')}): they expired or went to the dead-letter queue`);
    return EXIT_JOBS_LOST;
  }
  return EXIT_OK;
}

if (require.main === module) runMain(SIMULATE_COMMAND_LINE, simulate);
