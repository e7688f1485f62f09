import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ParseArgsConfig, parseArgs } from 'node:util';
import { ENVIRONMENTS, EnvironmentConfig } from '../../lib/config';
import { EnvironmentAssembly, environmentNamed, readCloudAssembly } from '../../lib/foresight/cloud-assembly';
import { ForesightAssumptions, WorkloadSource } from '../../lib/foresight/foresight-run';
import { DEFAULT_SPOT_INTERRUPTIONS_PER_INSTANCE_HOUR } from '../../lib/foresight/spot';
import { synthEnvironments } from './synth-environments';

/** Flags both `npm run simulate` and `npm run cost` take. */
export const COMMON_OPTIONS = {
  env: { type: 'string' },
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
  help: { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

/** Help text of the common flags. */
export const COMMON_HELP = `  --env <names>        dev, staging, prod, comma-separated, or all (default: all)
  --workload <name>    steady, office-hours, bursty, overnight-batch (default: office-hours)
  --csv <file>         a workload from CSV: arrival[,jobSeconds] per line (seconds or ISO-8601)
  --json               one JSON document (an array for several environments)
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

type Values = ReturnType<typeof parseArgs<{ options: typeof COMMON_OPTIONS; allowPositionals: false }>>['values'];

/** A flag's number, or an error naming it. */
export function numberFlag(values: Record<string, unknown>, name: string, min: number, max = Number.POSITIVE_INFINITY): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} (${String(raw)}) must be a number from ${min}${Number.isFinite(max) ? ` to ${max}` : ''}`);
  return n;
}

/** The assumption flags. */
export function assumptionsOf(values: Values): ForesightAssumptions {
  const divisionByZero = values['divide-by-zero'];
  if (divisionByZero !== 'missing' && divisionByZero !== 'infinity') throw new Error(`--divide-by-zero (${divisionByZero}) must be missing or infinity`);
  const days = numberFlag(values, 'days', 1, 31)!;
  if (!Number.isInteger(days)) throw new Error(`--days (${days}) must be a whole number of days`);
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
    if (!existsSync(values.csv)) throw new Error(`--csv ${values.csv}: no such file`);
    return { csvName: basename(values.csv), csvText: readFileSync(values.csv, 'utf8') };
  }
  return { builtIn: values.workload ?? fallback };
}

/** The environments named by --env, each with its config and synthesized assembly. */
export function environmentsOf(values: Values): { config: EnvironmentConfig; assembly: EnvironmentAssembly }[] {
  const names = !values.env || values.env === 'all' ? ENVIRONMENTS.map((c) => c.name) : values.env.split(',').map((n) => n.trim());
  const configs = names.map((name) => {
    const config = ENVIRONMENTS.find((c) => c.name === name);
    if (!config) throw new Error(`--env ${name} is not an environment: use ${ENVIRONMENTS.map((c) => c.name).join(', ')} or all`);
    return config;
  });
  const dir = values.assembly ? resolve(values.assembly) : synthEnvironments(configs);
  if (values.assembly && !existsSync(values.assembly)) throw new Error(`--assembly ${values.assembly}: no such directory`);
  const assemblies = readCloudAssembly(dir);
  return configs.map((config) => ({ config, assembly: environmentNamed(assemblies, config.name) }));
}

/** Parses argv with the common flags plus `extra`. */
export function parse<E extends NonNullable<ParseArgsConfig['options']>>(argv: string[], extra: E) {
  return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: false, strict: true });
}

/** Runs `main`, printing an error's message (not its stack) and exiting 1. */
export function runCli(main: () => void): void {
  try {
    main();
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
