import { FleetPrices } from './fleet-prices';
import { OracleBound } from './oracle-bound';
import { SimulationTrace } from './simulator';

/** The figures of one policy on one workload (the `--json` fields). */
export interface PolicyFigures {
  readonly p50WaitSeconds: number;
  readonly p95WaitSeconds: number;
  readonly p99WaitSeconds: number;
  readonly maxWaitSeconds: number;
  /** p95 wait of jobs that arrived while at least one instance was InService. */
  readonly p95WaitAwakeSeconds: number;
  readonly maxJobsWaiting: number;
  readonly jobsSubmitted: number;
  readonly jobsCompleted: number;
  /** Jobs that expired or went to the dead-letter queue: must be 0. */
  readonly jobsLost: number;
  /** Jobs still queued or in flight when the simulation ends. */
  readonly jobsPendingAtEnd: number;
  readonly spotInstanceHours: number;
  readonly onDemandInstanceHours: number;
  /** Instance-hours, spot and on-demand. */
  readonly instanceHours: number;
  /** GPU-hours paid for: instance-hours x GPUs per instance; a CPU fleet's instance-hours (1 per instance, FleetPrices.gpusPerInstance). */
  readonly gpuHours: number;
  /**
   * The physical limit: no scaler that knows every job in advance needs fewer GPU-hours for
   * these jobs within acceptableLatency (oracle-bound.ts).
   */
  readonly oracleGpuHoursLowerBound: number;
  /** gpuHours / oracleGpuHoursLowerBound: how many times the limit the policy pays. */
  readonly timesLimit: number;
  /**
   * The least GPU-hours any scaler that cannot see the future pays on average for such jobs
   * (online-floor.ts); undefined for a CSV workload, whose arrival rate is not known.
   */
  readonly onlineFloorGpuHours?: number;
  /** onlineFloorGpuHours / oracleGpuHoursLowerBound: the part of the gap to the limit no real scaler closes. */
  readonly onlineFloorTimesLimit?: number;
  /**
   * The online floor of a scaler that does not flap: it scales to 0 only after the service's
   * scaleToZeroAfterIdle without a job (online-floor.ts); undefined for a CSV workload.
   */
  readonly idleWindowFloorGpuHours?: number;
  /** idleWindowFloorGpuHours / oracleGpuHoursLowerBound. */
  readonly idleWindowFloorTimesLimit?: number;
  /** GPU-hours paid for while no job ran. */
  readonly idleGpuHours: number;
  readonly spotInterruptions: number;
  /** Launches the launch lifecycle hook abandoned (each replaced). */
  readonly launchesAbandoned: number;
  /** Times the desired capacity left 0: how often the fleet woke (and, before, went back to sleep). */
  readonly wakeUpsFromZero: number;
  readonly costUsd: number;
}

/** The nearest-rank percentile `p` (0-100) of sorted `values`; 0 when empty. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The waits of the jobs that arrived in the measured minutes (from `measureFromMinute`) and
 * completed (the figures' and the wait chart's), in seconds, sorted; `awake` keeps those that
 * arrived while an instance was InService.
 */
export function completedWaits(trace: Pick<SimulationTrace, 'jobStatus' | 'waitSeconds' | 'arrivedAwake' | 'workload' | 'measureFromMinute'>, awake = false): Float64Array {
  const waits: number[] = [];
  const from = trace.measureFromMinute * 60;
  trace.jobStatus.forEach((status, job) => {
    if (status === 2 && trace.workload.arrivalSeconds[job] >= from && (!awake || trace.arrivedAwake[job])) waits.push(trace.waitSeconds[job]);
  });
  return Float64Array.from(waits).sort();
}

/** The online floors of a built-in workload in instance-hours (online-floor.ts): of any scaler, and of one that waits the idle window. */
export interface OnlineFloors {
  readonly anyScaler: number;
  readonly idleWindow: number;
}

/**
 * Summarizes the measured minutes of a trace (from `measureFromMinute`): waits of the completed
 * jobs that arrived in them, job counts, instance-hours and their cost, against the clairvoyant
 * bound and the online floors.
 */
export function figuresOf(trace: SimulationTrace, prices: FleetPrices, oracle: OracleBound, floors?: OnlineFloors): PolicyFigures {
  const sorted = completedWaits(trace);
  const sortedAwake = completedWaits(trace, true);
  const from = trace.measureFromMinute;
  const completed = sorted.length;
  let submitted = 0;
  let lost = 0;
  trace.jobStatus.forEach((status, job) => {
    if (trace.workload.arrivalSeconds[job] < from * 60) return;
    submitted++;
    if (status === 3) lost++;
  });
  const spotHours = trace.spotInstanceSeconds / 3600;
  const onDemandHours = trace.onDemandInstanceSeconds / 3600;
  const instanceHours = spotHours + onDemandHours;
  const gpuHours = instanceHours * prices.gpusPerInstance;
  const oracleGpuHours = oracle.instanceHours * prices.gpusPerInstance;
  const inGpuHours = (instanceHours?: number) => (instanceHours === undefined ? undefined : round(instanceHours * prices.gpusPerInstance));
  const timesTheLimit = (instanceHours?: number) => (instanceHours === undefined || oracleGpuHours <= 0 ? undefined : round((instanceHours * prices.gpusPerInstance) / oracleGpuHours));
  return {
    p50WaitSeconds: round(percentile(sorted, 50), 1),
    p95WaitSeconds: round(percentile(sorted, 95), 1),
    p99WaitSeconds: round(percentile(sorted, 99), 1),
    maxWaitSeconds: round(sorted.length ? sorted[sorted.length - 1] : 0, 1),
    p95WaitAwakeSeconds: round(percentile(sortedAwake, 95), 1),
    maxJobsWaiting: trace.visible.subarray(from).reduce((a, b) => Math.max(a, b), 0),
    jobsSubmitted: submitted,
    jobsCompleted: completed,
    jobsLost: lost,
    jobsPendingAtEnd: submitted - completed - lost,
    spotInstanceHours: round(spotHours),
    onDemandInstanceHours: round(onDemandHours),
    instanceHours: round(instanceHours),
    gpuHours: round(gpuHours),
    oracleGpuHoursLowerBound: round(oracleGpuHours),
    timesLimit: oracleGpuHours > 0 ? round(gpuHours / oracleGpuHours) : 0,
    onlineFloorGpuHours: inGpuHours(floors?.anyScaler),
    onlineFloorTimesLimit: timesTheLimit(floors?.anyScaler),
    idleWindowFloorGpuHours: inGpuHours(floors?.idleWindow),
    idleWindowFloorTimesLimit: timesTheLimit(floors?.idleWindow),
    idleGpuHours: round(Math.max(0, instanceHours - trace.busySeconds / 3600) * prices.gpusPerInstance),
    spotInterruptions: trace.spotInterruptions,
    launchesAbandoned: trace.launchesAbandoned,
    wakeUpsFromZero: trace.events.filter((e) => e.minute >= from && e.from === 0 && e.to > 0).length,
    costUsd: round(spotHours * prices.spotUsdPerHour + onDemandHours * prices.onDemandUsdPerHour),
  };
}
