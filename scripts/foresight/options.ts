import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { ENVIRONMENTS, EnvironmentConfig } from '../../lib/config';
import { InferenceServiceSettings } from '../../lib/constructs/inference/inference-service';
import { DEFAULT_ASSUMPTIONS, ForesightAssumptions, ForesightService, PolicyStacks, WorkloadSource } from '../../lib/foresight/foresight-run';
import { StackTemplate, environmentStacks } from '../../lib/foresight/stack-templates';
import { WORKLOAD_NAMES } from '../../lib/foresight/workloads';
import { parseThroughputFactors } from '../../lib/foresight/throughput';
import { PRICE_TABLE, RegionPrices, regionPrices } from '../../lib/pricing/price-table';
import { CliOptions, ParsedCommandLine, UsageError, showProgress } from '../cli';
import { environmentsNamed, servicesNamed } from '../environment-selection';
import { ScalingVariant, synthForForesight } from './synth-environments';

const d = DEFAULT_ASSUMPTIONS;

/** Flags both `npm run simulate` and `npm run cost` take. */
export const COMMON_OPTIONS = {
  env: { type: 'string' },
  service: { type: 'string' },
  workload: { type: 'string' },
  csv: { type: 'string' },
  json: { type: 'boolean', default: false },
  assembly: { type: 'string' },
  region: { type: 'string', default: 'us-east-1' },
  days: { type: 'string', default: String(d.days) },
  seed: { type: 'string', default: String(d.seed) },
  'seconds-per-job': { type: 'string' },
  'job-seconds-cv': { type: 'string', default: String(d.jobSecondsCv) },
  'boot-seconds': { type: 'string' },
  'history-weeks': { type: 'string', default: String(d.historyWeeks) },
  forecast: { type: 'string', default: d.forecast },
  'throughput-factors': { type: 'string' },
  'agent-start-seconds': { type: 'string', default: String(d.agentStartSeconds) },
  'spot-interruptions-per-instance-hour': { type: 'string', default: String(d.spotInterruptionsPerInstanceHour) },
  'spot-discount': { type: 'string' },
  'metric-delay-minutes': { type: 'string', default: String(d.metricDelayMinutes) },
  'evaluation-range-extra': { type: 'string', default: String(d.evaluationRangeExtra) },
  'sqs-reactivation-delay-minutes': { type: 'string', default: String(d.sqsReactivationDelayMinutes) },
  'target-tracking-scale-out-datapoints': { type: 'string', default: String(d.targetTrackingCadence.scaleOutDatapoints) },
  'target-tracking-scale-in-datapoints': { type: 'string', default: String(d.targetTrackingCadence.scaleInDatapoints) },
  'divide-by-zero': { type: 'string', default: d.divisionByZero },
} as const satisfies CliOptions;

/** Help text of the common flags. */
export const COMMON_HELP = `  --env <names>        ${ENVIRONMENTS.map((c) => c.name).join(', ')}, comma-separated, or all (default: all)
  --service <names>    inference services of each environment, comma-separated (default: every service)
  --workload <name>    ${WORKLOAD_NAMES.join(', ')} (default: office-hours)
  --csv <file>         a workload from CSV: arrival[,jobSeconds] per line (seconds or ISO-8601)
  --json               one JSON document (an array for several environments or services)
  --assembly <dir>     read this cloud assembly (e.g. cdk.out) as it is (default: synthesize the
                       environments in-process as \`npx cdk synth\` does, with the model published)
  --region <name>      price table region: ${Object.keys(PRICE_TABLE).join(', ')} (default: us-east-1)
  --days <n>           simulated days (default: ${d.days})
  --seed <n>           random seed of the workload, job times and interruptions (default: ${d.seed})
  --seconds-per-job <s>            mean job time (default: the environment's timePerJob)
  --job-seconds-cv <x>             coefficient of variation of job times, log-normal (default: ${d.jobSecondsCv})
  --boot-seconds <s>               launch until the boot completes the launch hook (default: the fleet's
                                   expected-boot-seconds tag, its boot image's figure)
  --history-weeks <n>              weeks simulated before the measured days, which predictive scaling
                                   forecasts from (default: ${d.historyWeeks}; a --csv is measured from its first line)
  --throughput-factors <f=x,...>   jobs per hour per instance family relative to each other; timePerJob
                                   is on the fleet's first type (default: ${Object.entries(d.throughputFactors).map(([k, v]) => `${k}=${v}`).join(',')}, AWS's "up to" figures)
  --agent-start-seconds <s>        launch until the CloudWatch agent publishes GPU utilization (default: ${d.agentStartSeconds})
  --spot-interruptions-per-instance-hour <x>  (default: 5 % a month, the Spot Advisor's lowest bucket)
  --spot-discount <0-1>            spot discount off on-demand (default: per family, lib/pricing/price-table.ts)
Assumptions AWS does not document (each printed with the results):
  --metric-delay-minutes <n>       minutes before a datapoint reaches alarms (default: ${d.metricDelayMinutes})
  --evaluation-range-extra <n>     datapoints CloudWatch retrieves beyond an alarm's N (default: ${d.evaluationRangeExtra})
  --sqs-reactivation-delay-minutes <n>  how late SQS metrics are after inactivity (default: ${d.sqsReactivationDelayMinutes}, AWS's "up to")
  --target-tracking-scale-out-datapoints <n>  (default: ${d.targetTrackingCadence.scaleOutDatapoints}, observed)
  --target-tracking-scale-in-datapoints <n>   (default: ${d.targetTrackingCadence.scaleInDatapoints}, observed)
  --divide-by-zero missing|infinity  what metric math returns for x / 0 (default: ${d.divisionByZero})
  --forecast weekly|daily          predictive scaling's load forecast: the mean of the same hour of the week
                                   in the last two weeks, or of the day in the last 14 days (default: ${d.forecast})`;

type Values = ParsedCommandLine<typeof COMMON_OPTIONS>['values'];

/** A flag's number, or a usage error naming it. */
export function numberFlag(values: Record<string, unknown>, name: string, min: number, max = Number.POSITIVE_INFINITY, whole = false): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n))) {
    throw new UsageError(`--${name} (${String(raw)}) must be a ${whole ? 'whole ' : ''}number from ${min}${Number.isFinite(max) ? ` to ${max}` : ''}`);
  }
  return n;
}

/** The assumption flags. */
export function assumptionsOf(values: Values): ForesightAssumptions {
  const divisionByZero = values['divide-by-zero'];
  if (divisionByZero !== 'missing' && divisionByZero !== 'infinity') throw new UsageError(`--divide-by-zero (${divisionByZero}) must be missing or infinity`);
  const forecast = values.forecast;
  if (forecast !== 'weekly' && forecast !== 'daily') throw new UsageError(`--forecast (${forecast}) must be weekly or daily`);
  let throughputFactors = d.throughputFactors;
  if (values['throughput-factors'] !== undefined) {
    try {
      throughputFactors = { ...d.throughputFactors, ...parseThroughputFactors(values['throughput-factors']) };
    } catch (error) {
      throw new UsageError(`--throughput-factors ${(error as Error).message}`);
    }
  }
  return {
    days: numberFlag(values, 'days', 1, 31, true)!,
    seed: numberFlag(values, 'seed', 0)!,
    secondsPerJob: numberFlag(values, 'seconds-per-job', 0.001),
    jobSecondsCv: numberFlag(values, 'job-seconds-cv', 0)!,
    bootSeconds: numberFlag(values, 'boot-seconds', 0),
    historyWeeks: numberFlag(values, 'history-weeks', 0, 8, true)!,
    forecast,
    throughputFactors,
    agentStartSeconds: numberFlag(values, 'agent-start-seconds', 0)!,
    spotInterruptionsPerInstanceHour: numberFlag(values, 'spot-interruptions-per-instance-hour', 0)!,
    spotDiscount: numberFlag(values, 'spot-discount', 0, 1),
    metricDelayMinutes: numberFlag(values, 'metric-delay-minutes', 0, 60, true)!,
    evaluationRangeExtra: numberFlag(values, 'evaluation-range-extra', 0, 60, true)!,
    sqsReactivationDelayMinutes: numberFlag(values, 'sqs-reactivation-delay-minutes', 0, 60, true)!,
    targetTrackingCadence: {
      scaleOutDatapoints: numberFlag(values, 'target-tracking-scale-out-datapoints', 1, 60, true)!,
      scaleInDatapoints: numberFlag(values, 'target-tracking-scale-in-datapoints', 1, 60, true)!,
    },
    divisionByZero,
  };
}

/** The prices of --region, or a usage error listing the priced Regions. */
export function pricesOf(values: Values): RegionPrices {
  try {
    return regionPrices(values.region);
  } catch (error) {
    throw new UsageError(`--region ${(error as Error).message}`);
  }
}

/** The workload flags: --csv wins over --workload. */
export function workloadOf(values: Values, fallback: string): WorkloadSource {
  if (values.csv) {
    if (!existsSync(values.csv)) throw new UsageError(`--csv ${values.csv}: no such file`);
    return { csvName: basename(values.csv), csvText: readFileSync(values.csv, 'utf8') };
  }
  const name = values.workload ?? fallback;
  if (!(WORKLOAD_NAMES as readonly string[]).includes(name)) throw new UsageError(`--workload ${name}: use one of ${WORKLOAD_NAMES.join(', ')}, or --csv <file>`);
  return { builtIn: name };
}

/** The environments and services --env and --service name: checked before anything is synthesized. */
export function selectionOf(values: Values): { config: EnvironmentConfig; services: string[] }[] {
  return environmentsNamed(values.env).map((config) => ({ config, services: servicesNamed(config, values.service) }));
}

/** The inference service `name` of an environment, as the simulator and the estimate run it. */
export function serviceOf(config: EnvironmentConfig, name: string): ForesightService {
  const service: InferenceServiceSettings | undefined = config.inference[name];
  if (!service) throw new UsageError(`--service (${name}) is not a service of ${config.name}`);
  return {
    name,
    acceptableLatencySeconds: service.scaling.acceptableLatency.toSeconds({ integral: false }),
    secondsPerJob: service.scaling.timePerJob.toSeconds({ integral: false }),
    scaleToZeroAfterIdleSeconds: service.scaling.scaleToZeroAfterIdle.toSeconds(),
    timeZone: service.schedule?.timeZone,
  };
}

/** One environment: its config, its selected services and, by scaling variant, the policy stacks to simulate. */
export interface ForesightEnvironment {
  readonly config: EnvironmentConfig;
  readonly services: readonly string[];
  readonly policies: PolicyStacks[];
  /** The stacks of its standby Region, as the first variant has them (none with one Region). */
  readonly standbyStacks: readonly StackTemplate[];
}

/**
 * The environments named by --env, each with the templates of the variants asked for: read as
 * they are from --assembly (the default variant only), else synthesized through the app factory,
 * which `command` says on stderr before it starts.
 */
export function environmentsOf(command: string, values: Values, variants: readonly ScalingVariant[]): ForesightEnvironment[] {
  const selection = selectionOf(values);
  const configs = selection.map((s) => s.config);
  if (values.assembly !== undefined && variants.includes('step')) throw new UsageError('--compare step synthesizes the classic queue-depth policy: leave out --assembly');
  if (values.assembly !== undefined && !existsSync(resolve(values.assembly, 'manifest.json'))) {
    throw new UsageError(`--assembly ${values.assembly}: no cloud assembly there (no manifest.json): run \`npx cdk synth\` first`);
  }
  const names = configs.map((c) => c.name);
  const assemblies = variants.map((variant) => {
    if (values.assembly !== undefined) return { variant, assembly: new CloudAssembly(resolve(values.assembly)) };
    showProgress(command, `synthesizing ${names.join(', ')}${variant === 'step' ? ' with the seed\'s step policy' : ''}`);
    return { variant, assembly: synthForForesight(names, variant) };
  });
  return selection.map(({ config, services }) => ({
    config,
    services,
    policies: assemblies.map(({ variant, assembly }) => ({ name: variant, stacks: environmentStacks(assembly, config.name).stacks })),
    standbyStacks: environmentStacks(assemblies[0].assembly, config.name).standbyStacks ?? [],
  }));
}
