import { ForesightRun } from './foresight-run';

/** At most this many times the clairvoyant limit's GPU-hours: the cost target of every workload. */
export const TARGET_TIMES_LIMIT = 1.3;

/** One environment x service x workload against the targets (README "Foresight", the `--all` table). */
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
  readonly wakeUpsFromZero: number;
  readonly jobsLost: number;
  readonly latencyMet: boolean;
  readonly costMet: boolean;
  /** Every target met: the p95 wait, the GPU-hours and no job lost. */
  readonly met: boolean;
  /** Why each missed target is missed, with the run's own figures; empty when every one is met. */
  readonly reasons: readonly string[];
}

/**
 * The cell of `policy` in `run`: its p95 wait against acceptableLatency (boot + 120 s for
 * bursty), its GPU-hours against 1.3 x the clairvoyant limit, no job lost, and for each miss the
 * reason the run's figures give:
 * - a p95 wait missed while the p95 of the jobs that found an instance up is met: the others
 *   waited a boot (the fleet was at 0);
 * - GPU-hours above 1.3 x the limit where the online floor is above it too: no scaler that
 *   cannot see the jobs coming gets there (online-floor.ts);
 * - otherwise the GPU-hours that ran no job, which the limit does not pay.
 */
export function targetCell(run: ForesightRun, policy = 'default'): TargetCell {
  const p = run.policies[policy];
  const f = p.figures;
  const latencyMet = f.p95WaitSeconds <= p.targetP95WaitSeconds;
  const costMet = f.timesLimit <= TARGET_TIMES_LIMIT;
  const reasons: string[] = [];
  if (f.jobsLost > 0) reasons.push(`${f.jobsLost} jobs lost (expired or dead-lettered)`);
  if (!latencyMet) {
    reasons.push(f.p95WaitAwakeSeconds <= p.targetP95WaitSeconds
      ? `jobs that found no instance up waited a boot (${p.bootSeconds} s) and the alarms; the p95 of the others is ${f.p95WaitAwakeSeconds} s`
      : `p95 ${f.p95WaitSeconds} s with instances up: the backlog builds before capacity a boot away arrives`);
  }
  if (!costMet) {
    const floor = f.onlineFloorTimesLimit;
    reasons.push(floor !== undefined && floor > TARGET_TIMES_LIMIT
      ? `online floor ${floor} x: jobs arrive about once per boot, so any scaler that cannot see them coming keeps an instance up or boots one per job, where the limit boots just before each`
      : `${f.idleGpuHours} of ${f.gpuHours} GPU-hours ran no job (the limit's ${f.oracleGpuHoursLowerBound} include its boots only): instances kept up through the idle window, the GPU scale-in's minutes and MinSize`);
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
    `| env | service | workload | p95 wait (s) | target (s) | met | GPU-hours | clairvoyant limit | x limit (target ${TARGET_TIMES_LIMIT}) | met | online floor (x limit) | wake-ups from 0 | lost | why not |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...cells.map((c) => `| ${c.env} | ${c.service} | ${c.workload} | ${c.p95WaitSeconds} | ${c.targetP95WaitSeconds} | ${mark(c.latencyMet)} | ${c.gpuHours} | ${c.limitGpuHours} | `
      + `${c.timesLimit} | ${mark(c.costMet)} | ${c.onlineFloorTimesLimit ?? '-'} | ${c.wakeUpsFromZero} | ${c.jobsLost} | ${c.reasons.join('; ') || '-'} |`),
  ];
}
