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

/** The waits of the jobs that completed (the figures' and the wait chart's), in seconds, sorted; `awake` keeps those that arrived while an instance was InService. */
export function completedWaits(trace: Pick<SimulationTrace, 'jobStatus' | 'waitSeconds' | 'arrivedAwake'>, awake = false): Float64Array {
  const waits: number[] = [];
  trace.jobStatus.forEach((status, job) => {
    if (status === 2 && (!awake || trace.arrivedAwake[job])) waits.push(trace.waitSeconds[job]);
  });
  return Float64Array.from(waits).sort();
}

/** Summarizes a trace: waits of completed jobs, job counts, instance-hours and their cost, against the clairvoyant bound. */
export function figuresOf(trace: SimulationTrace, prices: FleetPrices, oracle: OracleBound): PolicyFigures {
  const sorted = completedWaits(trace);
  const sortedAwake = completedWaits(trace, true);
  const completed = sorted.length;
  const lost = trace.jobStatus.reduce((n, status) => n + (status === 3 ? 1 : 0), 0);
  const spotHours = trace.spotInstanceSeconds / 3600;
  const onDemandHours = trace.onDemandInstanceSeconds / 3600;
  const instanceHours = spotHours + onDemandHours;
  const gpuHours = instanceHours * prices.gpusPerInstance;
  const oracleGpuHours = oracle.instanceHours * prices.gpusPerInstance;
  return {
    p50WaitSeconds: round(percentile(sorted, 50), 1),
    p95WaitSeconds: round(percentile(sorted, 95), 1),
    p99WaitSeconds: round(percentile(sorted, 99), 1),
    maxWaitSeconds: round(sorted.length ? sorted[sorted.length - 1] : 0, 1),
    p95WaitAwakeSeconds: round(percentile(sortedAwake, 95), 1),
    maxJobsWaiting: trace.visible.reduce((a, b) => Math.max(a, b), 0),
    jobsSubmitted: trace.jobStatus.length,
    jobsCompleted: completed,
    jobsLost: lost,
    jobsPendingAtEnd: trace.jobStatus.length - completed - lost,
    spotInstanceHours: round(spotHours),
    onDemandInstanceHours: round(onDemandHours),
    instanceHours: round(instanceHours),
    gpuHours: round(gpuHours),
    oracleGpuHoursLowerBound: round(oracleGpuHours),
    timesLimit: oracleGpuHours > 0 ? round(gpuHours / oracleGpuHours) : 0,
    idleGpuHours: round(Math.max(0, instanceHours - trace.busySeconds / 3600) * prices.gpusPerInstance),
    spotInterruptions: trace.spotInterruptions,
    launchesAbandoned: trace.launchesAbandoned,
    wakeUpsFromZero: trace.events.filter((e) => e.from === 0 && e.to > 0).length,
    costUsd: round(spotHours * prices.spotUsdPerHour + onDemandHours * prices.onDemandUsdPerHour),
  };
}
