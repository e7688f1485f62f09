import { RegionPrices } from '../pricing/price-table';
import { serviceOutputKey } from '../stacks/service-names';
import { DEFAULT_EVALUATION_RANGE_EXTRA } from './alarm';
import { PolicyFigures, figuresOf } from './figures';
import { FleetModel } from './fleet-model';
import { fleetPrices } from './fleet-prices';
import { LocalClock } from './local-time';
import { DivisionByZero } from './metric-math';
import { OracleBound, oracleInstanceHoursLowerBound } from './oracle-bound';
import { groupLimits } from './scheduled-actions';
import { DEFAULT_SQS_REACTIVATION_DELAY_MINUTES, SimulationTrace, simulate } from './simulator';
import { DEFAULT_SPOT_INTERRUPTIONS_PER_INSTANCE_HOUR } from './spot';
import { StackTemplate } from './stack-templates';
import { OBSERVED_TARGET_TRACKING_CADENCE, TargetTrackingCadence } from './target-tracking';
import { fleetFromTemplates } from './template-fleet';
import { Workload, builtInWorkload, csvWorkload } from './workloads';

/** Assumptions of a run; every one is a CLI flag. */
export interface ForesightAssumptions {
  readonly days: number;
  readonly seed: number;
  /** Mean seconds per job; default: the service's timePerJob. */
  readonly secondsPerJob?: number;
  readonly jobSecondsCv: number;
  /** Launch until the boot completes the launch hook (boot, model download, health). */
  readonly bootSeconds: number;
  /** Launch until the instance's CloudWatch agent publishes GPU utilization. */
  readonly agentStartSeconds: number;
  readonly spotInterruptionsPerInstanceHour: number;
  /** Replaces the price table's per-family spot discount. */
  readonly spotDiscount?: number;
  /** Not documented by AWS: minutes before a datapoint reaches alarms. */
  readonly metricDelayMinutes: number;
  /** Not documented by AWS: datapoints CloudWatch retrieves beyond an alarm's N. */
  readonly evaluationRangeExtra: number;
  /** AWS documents "up to 15 minutes": how late the SQS metrics of a reactivated queue are. */
  readonly sqsReactivationDelayMinutes: number;
  /** Not documented by AWS: the datapoints target tracking's alarms need. */
  readonly targetTrackingCadence: TargetTrackingCadence;
  /** Not documented by AWS: what metric math returns for x / 0. */
  readonly divisionByZero: DivisionByZero;
}

/**
 * Default launch-to-InService time: 300 s, the model warm-up the environments assumed before the
 * fleet took a boot budget; pass --boot-seconds with a measured value.
 */
export const DEFAULT_BOOT_SECONDS = 300;
/** Default launch-to-agent time: the boot installs and starts the CloudWatch agent first (boot.sh steps 1-2). */
export const DEFAULT_AGENT_START_SECONDS = 60;

/** The defaults of every assumption. */
export const DEFAULT_ASSUMPTIONS: ForesightAssumptions = {
  days: 7,
  seed: 1,
  jobSecondsCv: 0.5,
  bootSeconds: DEFAULT_BOOT_SECONDS,
  agentStartSeconds: DEFAULT_AGENT_START_SECONDS,
  spotInterruptionsPerInstanceHour: DEFAULT_SPOT_INTERRUPTIONS_PER_INSTANCE_HOUR,
  metricDelayMinutes: 1,
  evaluationRangeExtra: DEFAULT_EVALUATION_RANGE_EXTRA,
  sqsReactivationDelayMinutes: DEFAULT_SQS_REACTIVATION_DELAY_MINUTES,
  targetTrackingCadence: OBSERVED_TARGET_TRACKING_CADENCE,
  divisionByZero: 'missing',
};

/** The assumptions AWS does not document (or documents only a bound of), as printed with every result. */
export function undocumentedAssumptions(a: ForesightAssumptions): string[] {
  return [
    `metric delay ${a.metricDelayMinutes} min (--metric-delay-minutes; AWS documents none)`,
    `alarm evaluation range N + ${a.evaluationRangeExtra} datapoints (--evaluation-range-extra; AWS shows 5 for N = 3)`,
    `target tracking alarms ${a.targetTrackingCadence.scaleOutDatapoints} of ${a.targetTrackingCadence.scaleOutDatapoints} out, ${a.targetTrackingCadence.scaleInDatapoints} of ${a.targetTrackingCadence.scaleInDatapoints} in (--target-tracking-scale-out/in-datapoints; observed, not documented)`,
    `SQS metrics ${a.sqsReactivationDelayMinutes} min late after inactivity (--sqs-reactivation-delay-minutes; AWS: up to 15)`,
    `x / 0 in metric math: ${a.divisionByZero} (--divide-by-zero; not documented)`,
    `boot ${a.bootSeconds} s, CloudWatch agent from ${a.agentStartSeconds} s after launch (--boot-seconds, --agent-start-seconds)`,
  ];
}

/** The workload: a built-in name, or CSV text with its file name. */
export type WorkloadSource = { readonly builtIn: string } | { readonly csvName: string; readonly csvText: string };

/** The service whose fleet is simulated, as its environment config states it. */
export interface ForesightService {
  /** The inference service's name in the environment's `inference` map, e.g. `default`. */
  readonly name: string;
  /** Longest a job should wait: the clairvoyant bound keeps every wait within it. */
  readonly acceptableLatencySeconds: number;
  /** Mean seconds of one job, unless `--seconds-per-job` says otherwise. */
  readonly secondsPerJob: number;
  /** Time zone of the workload's office hours when the fleet has no schedule. */
  readonly timeZone?: string;
}

/** One policy's fleet: the synthesized templates that hold it. */
export interface PolicyStacks {
  readonly name: string;
  readonly stacks: readonly StackTemplate[];
}

/** One policy's run. */
export interface PolicyRun {
  readonly fleet: FleetModel;
  readonly trace: SimulationTrace;
  readonly oracle: OracleBound;
  /** Seconds the clairvoyant bound took to compute (the benchmark reports the simulation without it). */
  readonly oracleSeconds: number;
  readonly figures: PolicyFigures;
}

/** Every policy's run on one service of one environment and one workload. */
export interface ForesightRun {
  readonly env: string;
  /** The inference service whose fleet ran. */
  readonly service: string;
  readonly workload: string;
  /** IANA time zone of the run's clock: the fleet's schedules', else the service's. */
  readonly timeZone: string;
  /** Epoch seconds of the first simulated minute. */
  readonly startEpochSeconds: number;
  readonly acceptableLatencySeconds: number;
  readonly policies: Readonly<Record<string, PolicyRun>>;
}

/** Monday 2026-01-05 00:00 UTC: a whole week, starting the night before the first office day. */
export const SIMULATION_START_EPOCH_SECONDS = Date.UTC(2026, 0, 5) / 1000;

function fleetOf(env: string, service: string, policy: PolicyStacks): FleetModel {
  try {
    return fleetFromTemplates(policy.stacks, serviceOutputKey(service, 'AutoScalingGroupName'));
  } catch (error) {
    throw new Error(`${env} service ${service} (${policy.name}): ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Simulates `source` on each policy's fleet of the inference service `service`, read from its synthesized templates (the first
 * policy's fleet sizes the built-in workloads), with the clairvoyant lower bound of each.
 */
export function runForesight(
  env: string,
  policies: readonly PolicyStacks[],
  service: ForesightService,
  source: WorkloadSource,
  assumptions: ForesightAssumptions,
  prices: RegionPrices,
): ForesightRun {
  const fleets = policies.map((p) => ({ name: p.name, fleet: fleetOf(env, service.name, p) }));
  const first = fleets[0].fleet;
  const secondsPerJob = assumptions.secondsPerJob ?? service.secondsPerJob;
  const minutes = assumptions.days * 1440;
  const ctx = {
    startEpochSeconds: SIMULATION_START_EPOCH_SECONDS,
    days: assumptions.days,
    clock: new LocalClock(first.schedules[0]?.timeZone ?? service.timeZone ?? 'Etc/UTC'),
    capacityJobsPerMinute: (first.maxSize * 60) / secondsPerJob,
    secondsPerJob,
    jobSecondsCv: assumptions.jobSecondsCv,
    seed: assumptions.seed,
  };
  const workload: Workload = 'builtIn' in source ? builtInWorkload(source.builtIn, ctx) : csvWorkload(source.csvName, source.csvText, ctx);
  const runs: Record<string, PolicyRun> = {};
  // The bound depends on the jobs and the group's limits only: policies with the same schedules share it.
  const bounds = new Map<string, OracleBound>();
  for (const { name, fleet } of fleets) {
    const trace = simulate(fleet, workload, { ...assumptions, startEpochSeconds: SIMULATION_START_EPOCH_SECONDS, minutes });
    const limits = groupLimits(fleet, SIMULATION_START_EPOCH_SECONDS, minutes);
    const started = performance.now();
    const key = `${limits.initial.desired}|${limits.minSize.join()}|${limits.maxSize.join()}`;
    const oracle = bounds.get(key) ?? oracleInstanceHoursLowerBound({
      workload,
      minutes,
      bootSeconds: assumptions.bootSeconds,
      acceptableLatencySeconds: service.acceptableLatencySeconds,
      minSize: limits.minSize,
      maxSize: limits.maxSize,
      initialInstances: limits.initial.desired,
    });
    bounds.set(key, oracle);
    const oracleSeconds = (performance.now() - started) / 1000;
    runs[name] = { fleet, trace, oracle, oracleSeconds, figures: figuresOf(trace, fleetPrices(fleet, prices, assumptions.spotDiscount), oracle) };
  }
  return {
    env,
    service: service.name,
    workload: workload.name,
    timeZone: ctx.clock.timeZone,
    startEpochSeconds: SIMULATION_START_EPOCH_SECONDS,
    acceptableLatencySeconds: service.acceptableLatencySeconds,
    policies: runs,
  };
}
