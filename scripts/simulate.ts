/**
 * npm run simulate -- [--env <env>] [--service <service>] [--workload office-hours | --csv jobs.csv] [--compare step] [--json] [--chart file.svg]
 *
 * Replays a workload through each environment's synthesized fleet and scaling policies (see
 * README "Foresight: simulate and cost").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderChart } from '../lib/foresight/chart';
import { PolicyFigures } from '../lib/foresight/figures';
import { ForesightRun, runForesight } from '../lib/foresight/foresight-run';
import { regionPrices } from '../lib/pricing/price-table';
import { EXIT_FAILED, EXIT_OK, UsageError, ParsedCommandLine, runMain } from './cli';
import { COMMON_HELP, COMMON_OPTIONS, assumptionsOf, environmentsOf, selectionOf, workloadOf } from './foresight/options';

const HELP = `usage: npm run simulate -- [flags]
  --compare step       also run the seed's step policy on the same fleet
  --chart <file.svg>   where to write the chart, with one environment and service (default: cdk.out/foresight/<env>-<service>-<workload>.svg)
${COMMON_HELP}
Exit 0: simulated. 1: jobs were lost, or an error. 2: usage.`;

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
  ['idleGpuHours', 'idle GPU-hours'],
  ['spotInterruptions', 'spot interruptions'],
  ['costUsd', 'cost (USD)'],
];

function table(run: ForesightRun): string {
  const names = Object.keys(run.policies);
  const lines = [`${run.env} / ${run.service} / ${run.workload} (acceptableLatencySeconds ${run.acceptableLatencySeconds})`, `  ${''.padEnd(30)}${names.map((n) => n.padStart(12)).join('')}`];
  for (const [key, label] of ROWS) lines.push(`  ${label.padEnd(30)}${names.map((n) => String(run.policies[n].figures[key]).padStart(12)).join('')}`);
  return lines.join('\n');
}

/** The command line: its name, usage and flags. */
export const SIMULATE_COMMAND_LINE = { name: 'simulate', usage: HELP, options: { ...COMMON_OPTIONS, compare: { type: 'string' }, chart: { type: 'string' } } } as const;

/** The command, run with its parsed command line; returns the exit code. */
export const simulate = ({ values }: ParsedCommandLine<typeof SIMULATE_COMMAND_LINE.options>): number => {
  if (values.compare !== undefined && values.compare !== 'step') throw new UsageError(`--compare ${values.compare}: only "step" (the seed's policy) is known`);
  const assumptions = assumptionsOf(values);
  const prices = regionPrices(values.region);
  const source = workloadOf(values, 'office-hours');
  const selection = selectionOf(values);
  const runs = environmentsOf(values, selection).flatMap(({ config, services, assembly }) =>
    services.map((service) => runForesight(assembly, config, service, source, assumptions, prices, values.compare === 'step')));
  const documents = runs.map((run) => ({
    env: run.env,
    service: run.service,
    workload: run.workload,
    policies: Object.fromEntries(Object.entries(run.policies).map(([name, p]) => [name, p.figures])),
  }));
  for (const run of runs) {
    const file = values.chart && runs.length === 1 ? values.chart : join('cdk.out', 'foresight', `${run.env}-${run.service}-${run.workload}.svg`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, renderChart(run));
    if (!values.json) console.log(`${table(run)}\n  chart: ${file}\n`);
  }
  if (values.json) console.log(JSON.stringify(documents.length === 1 ? documents[0] : documents, null, 2));
  const lost = runs.flatMap((r) => Object.entries(r.policies).filter(([, p]) => p.figures.jobsLost > 0).map(([n]) => `${r.env}/${r.service}/${n}`));
  if (lost.length > 0) {
    console.error(`jobs were lost (${lost.join(', ')}): they expired or went to the dead-letter queue`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
};

if (require.main === module) runMain(SIMULATE_COMMAND_LINE, simulate);
