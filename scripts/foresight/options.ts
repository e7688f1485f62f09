import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ENVIRONMENTS, EnvironmentConfig } from '../../lib/config';
import { EnvironmentAssembly, environmentNamed, readCloudAssembly } from '../../lib/foresight/cloud-assembly';
import { ForesightAssumptions, WorkloadSource } from '../../lib/foresight/foresight-run';
import { DEFAULT_SPOT_INTERRUPTIONS_PER_INSTANCE_HOUR } from '../../lib/foresight/spot';
import { WORKLOAD_NAMES } from '../../lib/foresight/workloads';
import { CliOptions, ParsedCommandLine, UsageError } from '../cli';
import { environmentsNamed, servicesNamed } from '../environment-selection';
import { synthEnvironments } from './synth-environments';

/** Flags both `npm run simulate` and `npm run cost` take. */
export const COMMON_OPTIONS = {
  env: { type: 'string' },
  service: { type: 'string' },
  workload: { type: 'string' },
  csv: { type: 'string' },
  json: { type: 'boolean', default: false },
  assembly: { type: 'string' },
  region: { type: 'string', default: 'us-east-1' },
  days: { type: 'string', default: '7' },
  seed: { type: 'string', default: '1' },
  'seconds-per-job': { type: 'string' },
  'job-seconds-cv': { type: 'string', default: '0.5' },
  'boot-seconds': { type: 'string' },
  'spot-interruptions-per-instance-hour': { type: 'string', default: String(DEFAULT_SPOT_INTERRUPTIONS_PER_INSTANCE_HOUR) },
  'spot-discount': { type: 'string' },
  'metric-delay-minutes': { type: 'string', default: '1' },
  'divide-by-zero': { type: 'string', default: 'missing' },
} as const satisfies CliOptions;

/** Help text of the common flags. */
export const COMMON_HELP = `  --env <names>        ${ENVIRONMENTS.map((c) => c.name).join(', ')}, comma-separated, or all (default: all)
  --service <names>    inference services of each environment, comma-separated (default: every service)
  --workload <name>    steady, office-hours, bursty, overnight-batch (default: office-hours)
  --csv <file>         a workload from CSV: arrival[,jobSeconds] per line (seconds or ISO-8601)
  --json               one JSON document (an array for several environments or services)
  --assembly <dir>     read this cloud assembly (e.g. cdk.out) as it is (default: synthesize the
                       environments in-process, each with its model published)
  --region <name>      price table region (default: us-east-1)
  --days <n>           simulated days (default: 7)
  --seed <n>           random seed of the workload, job times and interruptions (default: 1)
  --seconds-per-job <s>            mean job time (default: the environment's secondsPerJob)
  --job-seconds-cv <x>             coefficient of variation of job times, log-normal (default: 0.5)
  --boot-seconds <s>               launch to InService (default: 300)
  --spot-interruptions-per-instance-hour <x>  (default: 5 % a month, the Spot Advisor's lowest bucket)
  --spot-discount <0-1>            spot discount off on-demand (default: per family, lib/pricing/price-table.ts)
  --metric-delay-minutes <n>       minutes before a datapoint reaches alarms (default: 1; undocumented by AWS)
  --divide-by-zero missing|infinity  what metric math returns for x / 0 (default: missing; undocumented by AWS)`;

type Values = ParsedCommandLine<typeof COMMON_OPTIONS>['values'];

/** A flag's number, or an error naming it. */
export function numberFlag(values: Record<string, unknown>, name: string, min: number, max = Number.POSITIVE_INFINITY): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} (${String(raw)}) must be a number from ${min}${Number.isFinite(max) ? ` to ${max}` : ''}`);
  return n;
}

/** The assumption flags. */
export function assumptionsOf(values: Values): ForesightAssumptions {
  const divisionByZero = values['divide-by-zero'];
  if (divisionByZero !== 'missing' && divisionByZero !== 'infinity') throw new UsageError(`--divide-by-zero (${divisionByZero}) must be missing or infinity`);
  const days = numberFlag(values, 'days', 1, 31)!;
  if (!Number.isInteger(days)) throw new UsageError(`--days (${days}) must be a whole number of days`);
  return {
    days,
    seed: numberFlag(values, 'seed', 0)!,
    secondsPerJob: numberFlag(values, 'seconds-per-job', 0.001),
    jobSecondsCv: numberFlag(values, 'job-seconds-cv', 0)!,
    bootSeconds: numberFlag(values, 'boot-seconds', 0),
    spotInterruptionsPerInstanceHour: numberFlag(values, 'spot-interruptions-per-instance-hour', 0)!,
    spotDiscount: numberFlag(values, 'spot-discount', 0, 1),
    metricDelayMinutes: numberFlag(values, 'metric-delay-minutes', 0, 60)!,
    divisionByZero,
  };
}

/** The workload flags: --csv wins over --workload. */
export function workloadOf(values: Values, fallback: string): WorkloadSource {
  if (values.csv) {
    if (!existsSync(values.csv)) throw new UsageError(`--csv ${values.csv}: no such file`);
    return { csvName: basename(values.csv), csvText: readFileSync(values.csv, 'utf8') };
  }
  const name = values.workload ?? fallback;
  if (!(WORKLOAD_NAMES as readonly string[]).includes(name)) throw new UsageError(`--workload (${name}) must be one of ${WORKLOAD_NAMES.join(', ')}, or use --csv <file>`);
  return { builtIn: name };
}

/** The environments and services --env and --service name: checked before anything is synthesized. */
export function selectionOf(values: Values): { config: EnvironmentConfig; services: string[] }[] {
  if (values.assembly && !existsSync(values.assembly)) throw new UsageError(`--assembly ${values.assembly}: no such directory`);
  return environmentsNamed(values.env).map((config) => ({ config, services: servicesNamed(config, values.service) }));
}

/** Each selected environment with its config, its selected services and its synthesized assembly. */
export function environmentsOf(values: Values, selection: ReturnType<typeof selectionOf>): { config: EnvironmentConfig; services: string[]; assembly: EnvironmentAssembly }[] {
  const dir = values.assembly ? resolve(values.assembly) : synthEnvironments(selection.map((s) => s.config));
  const assemblies = readCloudAssembly(dir);
  return selection.map((s) => ({ ...s, assembly: environmentNamed(assemblies, s.config.name) }));
}
