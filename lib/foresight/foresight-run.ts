import { RegionPrices } from '../pricing/price-table';
import { serviceOutputKey } from '../stacks/service-names';
import { DEFAULT_EVALUATION_RANGE_EXTRA } from './alarm';
import { PolicyFigures, figuresOf } from './figures';
import { FleetModel } from './fleet-model';
import { fleetPrices } from './fleet-prices';
import { DEFAULT_FORECAST_MODEL, ForecastModel } from './predictive-forecast';
import { LocalClock } from './local-time';
import { DivisionByZero } from './metric-math';
import { onlineFloorInstanceHours } from './online-floor';
import { OracleBound, oracleInstanceHoursLowerBound } from './oracle-bound';
import { groupLimits } from './scheduled-actions';
import { DEFAULT_SQS_REACTIVATION_DELAY_MINUTES, SimulationTrace, simulate } from './simulator';
import { DEFAULT_SPOT_INTERRUPTIONS_PER_INSTANCE_HOUR } from './spot';
import { StackTemplate } from './stack-templates';
import { OBSERVED_TARGET_TRACKING_CADENCE, TargetTrackingCadence } from './target-tracking';
import { fleetFromTemplates } from './template-fleet';
import { DEFAULT_THROUGHPUT_FACTORS, throughputFactor } from './throughput';
import { Workload, builtInWorkload, csvWorkload } from './workloads';

/** Assumptions of a run; every one is a CLI flag. */
export interface ForesightAssumptions {
  readonly days: number;
  readonly seed: number;
  /** Mean seconds per job; default: the service's timePerJob. */
  readonly secondsPerJob?: number;
  readonly jobSecondsCv: number;
  /**
   * Launch until the boot completes the launch hook (boot, model download, health); undefined:
   * the fleet's own figure (its `ai-infra:expected-boot-seconds` tag), else DEFAULT_BOOT_SECONDS.
   */
  readonly bootSeconds?: number;
  /** Weeks simulated before the measured days: predictive scaling forecasts from them, and the fleet starts the measured days as they left it. */
  readonly historyWeeks: number;
  /** Not documented by AWS: how predictive scaling forecasts the load. */
  readonly forecast: ForecastModel;
  /** Jobs per hour of each instance family (or type) relative to the others (throughput.ts). */
  readonly throughputFactors: Readonly<Record<string, number>>;
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
 * Launch-to-InService time of a fleet whose template states none: 300 s, the Deep Learning AMI's
 * assumption (EXPECTED_BOOT_TIME); fleets of this project carry their own figure as a tag, and
 * --boot-seconds overrides both with a measured value.
 */
export const DEFAULT_BOOT_SECONDS = 300;
/** What a burst may wait beyond the boot: the alarms' minutes to see it. */
export const BURST_GRACE_SECONDS = 120;
/** Two weeks of history: the 14 days predictive scaling looks back at most (AWS_DOCS.predictiveScaling). */
export const DEFAULT_HISTORY_WEEKS = 2;
/** Default launch-to-agent time: the boot installs and starts the CloudWatch agent first (boot.sh steps 1-2). */
export const DEFAULT_AGENT_START_SECONDS = 60;

/** The defaults of every assumption. */
export const DEFAULT_ASSUMPTIONS: ForesightAssumptions = {
  days: 7,
  seed: 1,
  jobSecondsCv: 0.5,
  historyWeeks: DEFAULT_HISTORY_WEEKS,
  forecast: DEFAULT_FORECAST_MODEL,
  throughputFactors: DEFAULT_THROUGHPUT_FACTORS,
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
    `predictive scaling forecasts each hour as the mean of the same hour ${a.forecast === 'weekly' ? 'of the week in the last two weeks' : 'of the day in the last 14 days'}, refreshed every 6 hours, capacity rounded up (--forecast; AWS documents none), after ${a.historyWeeks} weeks of history (--history-weeks)`,
    `throughput per type ${Object.entries(a.throughputFactors).map(([k, v]) => `${k} ${v}`).join(', ')} relative to each other, CPU types alike, timePerJob on the fleet's first type (--throughput-factors; AWS's "up to" inference figures)`,
    `concurrent jobs on one instance each run at its single-job speed (maxConcurrentJobs from the agent config; an upper bound on batching)`,
    `boot ${a.bootSeconds === undefined ? 'per fleet (its expected-boot-seconds tag)' : `${a.bootSeconds} s`}, CloudWatch agent from ${a.agentStartSeconds} s after launch (--boot-seconds, --agent-start-seconds)`,
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
  /** Idle seconds before the fleet scales to 0 (scaleToZeroAfterIdle): the online floor of a scaler that does not flap waits them too. */
  readonly scaleToZeroAfterIdleSeconds: number;
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
  /** Launch-to-InService seconds simulated: --boot-seconds, else the fleet's own figure. */
  readonly bootSeconds: number;
  /** The p95 wait the workload is held to (targetP95WaitSeconds). */
  readonly targetP95WaitSeconds: number;
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

/** Monday 2026-01-05 00:00 UTC: the measured week starts the night before its first office day; its history runs before it. */
export const SIMULATION_START_EPOCH_SECONDS = Date.UTC(2026, 0, 5) / 1000;

/** The throughput of the fleet's on-demand and spot types relative to its first type, on which timePerJob is measured; and the fastest of them. */
function speedsOf(fleet: FleetModel, prices: RegionPrices, assumptions: ForesightAssumptions): { onDemand: number; spot: number; fastest: number } {
  const mix = fleetPrices(fleet, prices, assumptions.spotDiscount);
  const factor = (type: string) => throughputFactor(assumptions.throughputFactors, type) / throughputFactor(assumptions.throughputFactors, fleet.instanceTypes[0]);
  const onDemand = factor(mix.onDemandInstanceType);
  const spot = factor(mix.spotInstanceType);
  // The on-demand type runs only when the fleet buys on demand.
  const buysOnDemand = fleet.onDemandBaseCapacity > 0 || fleet.onDemandPercentageAboveBaseCapacity > 0;
  const buysSpot = fleet.onDemandPercentageAboveBaseCapacity < 100;
  return { onDemand, spot, fastest: Math.max(buysOnDemand ? onDemand : 0, buysSpot ? spot : 0) };
}

/**
 * The p95 wait a workload is held to: acceptableLatency, but boot + 120 s for `bursty`, whose
 * bursts no scaler can foresee (a burst on a fleet too small for it waits a boot).
 */
export function targetP95WaitSeconds(source: WorkloadSource, acceptableLatencySeconds: number, bootSeconds: number): number {
  return 'builtIn' in source && source.builtIn === 'bursty' ? bootSeconds + BURST_GRACE_SECONDS : acceptableLatencySeconds;
}

/** `workload` with every arrival `seconds` later, the jobs that would arrive before 0 left out. */
function shifted(workload: Workload, seconds: number): Workload {
  const from = workload.arrivalSeconds.findIndex((t) => t + seconds >= 0);
  const kept = from < 0 ? 0 : workload.arrivalSeconds.length - from;
  return {
    name: workload.name,
    arrivalSeconds: workload.arrivalSeconds.slice(workload.arrivalSeconds.length - kept).map((t) => t + seconds),
    jobSeconds: workload.jobSeconds.slice(workload.jobSeconds.length - kept),
  };
}

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
  const historyMinutes = assumptions.historyWeeks * 7 * 1440;
  const measuredMinutes = assumptions.days * 1440;
  const minutes = historyMinutes + measuredMinutes;
  const startEpochSeconds = SIMULATION_START_EPOCH_SECONDS - historyMinutes * 60;
  const ctx = {
    startEpochSeconds,
    days: minutes / 1440,
    clock: new LocalClock(first.schedules[0]?.timeZone ?? service.timeZone ?? 'Etc/UTC'),
    capacityJobsPerMinute: (first.maxSize * first.maxConcurrentJobs * 60) / secondsPerJob,
    secondsPerJob,
    jobSecondsCv: assumptions.jobSecondsCv,
    seed: assumptions.seed,
  };
  // A CSV is the measured days: its first line is their first second, and its history holds no jobs.
  const workload: Workload = 'builtIn' in source
    ? builtInWorkload(source.builtIn, ctx)
    : shifted(csvWorkload(source.csvName, source.csvText, ctx), historyMinutes * 60);
  const measured = { ...shifted(workload, -historyMinutes * 60), jobsPerMinute: workload.jobsPerMinute?.slice(historyMinutes) };
  const runs: Record<string, PolicyRun> = {};
  // The bound depends on the jobs, the group's limits, the boot and the throughput only: policies that share them share it.
  const bounds = new Map<string, OracleBound>();
  for (const { name, fleet } of fleets) {
    const bootSeconds = assumptions.bootSeconds ?? fleet.expectedBootSeconds ?? DEFAULT_BOOT_SECONDS;
    const speed = speedsOf(fleet, prices, assumptions);
    const trace = simulate(fleet, workload, { ...assumptions, bootSeconds, speed, startEpochSeconds, minutes, measureFromMinute: historyMinutes });
    const limits = groupLimits(fleet, SIMULATION_START_EPOCH_SECONDS, measuredMinutes);
    const started = performance.now();
    const key = [limits.initial.desired, bootSeconds, speed.fastest, fleet.maxConcurrentJobs, limits.minSize.join(), limits.maxSize.join()].join('|');
    const oracle = bounds.get(key) ?? oracleInstanceHoursLowerBound({
      // No instance runs a job faster than the fastest type the fleet buys.
      workload: { ...measured, jobSeconds: measured.jobSeconds.map((s) => s / speed.fastest) },
      minutes: measuredMinutes,
      bootSeconds,
      acceptableLatencySeconds: service.acceptableLatencySeconds,
      minSize: limits.minSize,
      maxSize: limits.maxSize,
      initialInstances: limits.initial.desired,
      slotsPerInstance: fleet.maxConcurrentJobs,
    });
    bounds.set(key, oracle);
    const oracleSeconds = (performance.now() - started) / 1000;
    const target = targetP95WaitSeconds(source, service.acceptableLatencySeconds, bootSeconds);
    const floorProblem = measured.jobsPerMinute && {
      jobsPerMinute: measured.jobsPerMinute,
      meanJobSeconds: secondsPerJob / speed.fastest,
      slotsPerInstance: fleet.maxConcurrentJobs,
      bootSeconds,
      minSize: limits.minSize,
      p95WaitSeconds: target,
    };
    const floors = floorProblem && {
      anyScaler: onlineFloorInstanceHours(floorProblem),
      idleWindow: onlineFloorInstanceHours({ ...floorProblem, idleWindowSeconds: service.scaleToZeroAfterIdleSeconds }),
    };
    runs[name] = { fleet, bootSeconds, targetP95WaitSeconds: target, trace, oracle, oracleSeconds, figures: figuresOf(trace, fleetPrices(fleet, prices, assumptions.spotDiscount), oracle, floors) };
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
