import { ForesightRun, PolicyRun } from './foresight-run';

/** At most this many times the clairvoyant limit's GPU-hours: the cost target of every workload. */
export const TARGET_TIMES_LIMIT = 1.3;

/** One environment x service x workload against the targets (docs/foresight.md "Against the targets", the `--all` table). */
export interface TargetCell {
  readonly env: string;
  readonly service: string;
  readonly workload: string;
  readonly p95WaitSeconds: number;
  /** acceptableLatency, or boot + 120 s for bursty. */
  readonly targetP95WaitSeconds: number;
  readonly gpuHours: number;
  readonly limitGpuHours: number;
  readonly timesLimit: number;
  /** The online floor over the limit (online-floor.ts); undefined for a CSV workload. */
  readonly onlineFloorTimesLimit?: number;
  /** The online floor of a scaler that does not flap over the limit; undefined for a CSV workload. */
  readonly idleWindowFloorTimesLimit?: number;
  readonly wakeUpsFromZero: number;
  readonly jobsLost: number;
  readonly latencyMet: boolean;
  readonly costMet: boolean;
  /** Every target met: the p95 wait, the GPU-hours and no job lost. */
  readonly met: boolean;
  /** Why each missed target is missed, with the run's own figures; empty when every one is met. */
  readonly reasons: readonly string[];
}

/** What a cell is computed from: a run's names and, per policy, its boot, target and figures. */
export type TargetRun = Pick<ForesightRun, 'env' | 'service' | 'workload'> & {
  readonly policies: Readonly<Record<string, Pick<PolicyRun, 'bootSeconds' | 'targetP95WaitSeconds' | 'figures'>>>;
};

const beyond = (timesLimit?: number): timesLimit is number => timesLimit !== undefined && timesLimit > TARGET_TIMES_LIMIT;

/**
 * The cell of `policy` in `run`: its p95 wait against acceptableLatency (boot + 120 s for
 * bursty), its GPU-hours against 1.3 x the clairvoyant limit, no job lost, and for each miss the
 * reason the run's figures give, the proof first:
 * - the online floor above 1.3 x the limit: no scaler that cannot see the jobs coming keeps the
 *   p95 wait for less, so wait and cost cannot both be met (online-floor.ts);
 * - a cost miss where only the floor of a scaler that does not flap (it scales to 0 only after
 *   the idle window) is above it: the limit boots just before each job of a trickle, and the
 *   only cheaper online scaler sleeps and wakes between them;
 * - a wait missed while the p95 of the jobs that found an instance up is met: the others waited
 *   a boot (the fleet was at 0);
 * - otherwise what the run spent: the GPU-hours that ran no job, or the backlog's wait.
 */
export function targetCell(run: TargetRun, policy = 'default'): TargetCell {
  const p = run.policies[policy];
  const f = p.figures;
  const latencyMet = f.p95WaitSeconds <= p.targetP95WaitSeconds;
  const costMet = f.timesLimit <= TARGET_TIMES_LIMIT;
  const reasons: string[] = [];
  if (f.jobsLost > 0) reasons.push(`${f.jobsLost} jobs lost (expired or dead-lettered)`);
  if (!(latencyMet && costMet) && beyond(f.onlineFloorTimesLimit)) {
    reasons.push(`cannot be met: the online floor is ${f.onlineFloorTimesLimit} x the limit (${f.onlineFloorGpuHours} GPU-hours): `
      + `no scaler that cannot see the jobs coming keeps the p95 wait within ${p.targetP95WaitSeconds} s under ${TARGET_TIMES_LIMIT} x`);
  } else {
    if (!latencyMet) {
      reasons.push(f.p95WaitAwakeSeconds <= p.targetP95WaitSeconds
        ? `jobs that found no instance up waited a boot (${p.bootSeconds} s) and the alarms; the p95 of the others is ${f.p95WaitAwakeSeconds} s`
        : `p95 ${f.p95WaitAwakeSeconds} s with an instance up: the backlog builds before capacity a boot (${p.bootSeconds} s) away arrives`);
    }
    if (!costMet) {
      reasons.push(beyond(f.idleWindowFloorTimesLimit)
        ? `cannot be met without flapping: a scaler that scales to 0 only after the idle window (scaleToZeroAfterIdle) pays at least ${f.idleWindowFloorTimesLimit} x the limit `
          + `(${f.idleWindowFloorGpuHours} GPU-hours); the limit boots just before each job of the trickle, and the online floor (${f.onlineFloorTimesLimit} x) sleeps and wakes between them`
        : `${f.idleGpuHours} of ${f.gpuHours} GPU-hours ran no job (the limit's ${f.oracleGpuHoursLowerBound} include its boots only; online floor ${f.onlineFloorTimesLimit ?? '-'} x)`);
    }
  }
  return {
    env: run.env,
    service: run.service,
    workload: run.workload,
    p95WaitSeconds: f.p95WaitSeconds,
    targetP95WaitSeconds: p.targetP95WaitSeconds,
    gpuHours: f.gpuHours,
    limitGpuHours: f.oracleGpuHoursLowerBound,
    timesLimit: f.timesLimit,
    onlineFloorTimesLimit: f.onlineFloorTimesLimit,
    idleWindowFloorTimesLimit: f.idleWindowFloorTimesLimit,
    wakeUpsFromZero: f.wakeUpsFromZero,
    jobsLost: f.jobsLost,
    latencyMet,
    costMet,
    met: latencyMet && costMet && f.jobsLost === 0,
    reasons,
  };
}

/** The cells as a Markdown table: one row each, the verdict and the reasons last. */
export function targetTableMarkdown(cells: readonly TargetCell[]): string[] {
  const mark = (ok: boolean) => (ok ? 'yes' : '**no**');
  return [
    `| env | service | workload | p95 wait (s) | target (s) | met | GPU-hours (CPU fleet: instance-hours) | clairvoyant limit | x limit (target ${TARGET_TIMES_LIMIT}) | met | online floor (x limit) | floor without flapping (x limit) | wake-ups from 0 | lost | why not |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...cells.map((c) => `| ${c.env} | ${c.service} | ${c.workload} | ${c.p95WaitSeconds} | ${c.targetP95WaitSeconds} | ${mark(c.latencyMet)} | ${c.gpuHours} | ${c.limitGpuHours} | `
      + `${c.timesLimit} | ${mark(c.costMet)} | ${c.onlineFloorTimesLimit ?? '-'} | ${c.idleWindowFloorTimesLimit ?? '-'} | ${c.wakeUpsFromZero} | ${c.jobsLost} | ${c.reasons.join('; ') || '-'} |`),
  ];
}
