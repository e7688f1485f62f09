/**
 * npm run simulate -- [--env dev] [--service default] [--workload office-hours | --csv jobs.csv] [--compare step] [--json] [--chart file.svg]
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
import { ForesightRun, runForesight, undocumentedAssumptions } from '../lib/foresight/foresight-run';
import { EXIT_OK, ParsedCommandLine, UsageError, runMain } from './cli';
import { COMMON_HELP, COMMON_OPTIONS, assumptionsOf, environmentsOf, pricesOf, selectionOf, serviceOf, workloadOf } from './foresight/options';

/** Jobs were lost (expired or dead-lettered): the config cannot carry the workload. */
export const EXIT_JOBS_LOST = 3;

const HELP = `usage: npm run simulate -- [flags]
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

/** Where the wait chart of the chart `file` goes: `<file>-waits.svg`. */
export const waitChartFile = (file: string): string => `${file.replace(/\.svg$/i, '')}-waits.svg`;

/** The command line: its name, usage and flags. */
export const SIMULATE_COMMAND_LINE = { name: 'simulate', usage: HELP, options: { ...COMMON_OPTIONS, compare: { type: 'string' }, chart: { type: 'string' } } } as const;

/** The command, run with its parsed command line; returns the exit code. */
export const simulate = ({ values }: ParsedCommandLine<typeof SIMULATE_COMMAND_LINE.options>): number => {
  if (values.compare !== undefined && values.compare !== 'step') throw new UsageError(`--compare ${values.compare}: only "step" (the classic queue-depth policy) is known`);
  const assumptions = assumptionsOf(values);
  const prices = pricesOf(values);
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

if (require.main === module) runMain(SIMULATE_COMMAND_LINE, simulate);
