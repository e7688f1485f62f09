/** What the online floor is computed from: the measured minutes of a built-in (Poisson) workload. */
export interface OnlineFloorProblem {
  /** Expected jobs of each minute (the Poisson rate the workload draws from). */
  readonly jobsPerMinute: Float64Array;
  /** Mean seconds of one job on the fastest type the fleet buys, one job at a time. */
  readonly meanJobSeconds: number;
  /** Jobs one instance runs at once. */
  readonly slotsPerInstance: number;
  /** Seconds from a launch until the instance can take jobs; billed all along. */
  readonly bootSeconds: number;
  /** MinSize of each minute (the scheduled actions applied). */
  readonly minSize: Int32Array;
  /** The p95 wait the scaler must keep: a job that finds no instance up waits at least the boot. */
  readonly p95WaitSeconds: number;
  /**
   * Idle seconds the scaler waits before it scales to 0 (no flapping: QueueScaling's
   * scaleToZeroAfterIdle); 0 for any scaler, which may let an instance go as soon as it is idle.
   * @default 0
   */
  readonly idleWindowSeconds?: number;
}

/** Share of jobs the p95 of waits lets wait longer than it. */
const LATE_SHARE = 0.05;

/**
 * A lower bound on the expected instance-hours of any scaler that cannot see the future (every
 * real policy) that keeps the p95 wait, for jobs arriving as a Poisson process of rate λ_t a
 * minute. At each moment such a scaler either keeps an instance up until the next job, paying
 * the gap (1/λ minutes on average, whatever it has waited already: the process has no memory),
 * or lets it go and boots one when the job comes, paying the boot and the job; an idle window
 * mixes the two and costs a blend, never less than the cheaper. So a minute costs it at least
 * max(MinSize, load, 1) instance-minutes up and max(MinSize, load, λ x (boot + job) / 60) down,
 * load being the minute's work in instances. A job that arrives while it is down waits at least
 * the boot, and arrivals see the state as time does (Poisson arrivals): when the boot is longer
 * than the p95 wait, it may be down for at most 5 % of the jobs. The floor is down where that
 * saves the most per late job (a fractional knapsack, so a relaxation: still a lower bound).
 * The clairvoyant bound pays only min(gap, boot) per gap, since it boots just before each job:
 * where jobs trickle at about one per boot, no online scaler comes near it.
 *
 * A scaler that does not flap lets an instance go only after `idleWindowSeconds` (W) without a
 * job: down, it stays up min(gap, W) after each job and boots for the next only when the gap
 * was longer, so a minute costs it (1 - e^(-λW)) + λ e^(-λW) x (boot + job) instance-minutes and
 * e^(-λW) of its jobs find no instance up (W = 0 is the scaler above).
 */
export function onlineFloorInstanceHours(problem: OnlineFloorProblem): number {
  const jobMinutes = problem.meanJobSeconds / 60 / Math.max(1, problem.slotsPerInstance);
  const bootMinutes = problem.bootSeconds / 60;
  const windowMinutes = (problem.idleWindowSeconds ?? 0) / 60;
  const latencyBinds = problem.bootSeconds > problem.p95WaitSeconds;
  let minutes = 0;
  let jobs = 0;
  const savings: { saving: number; late: number }[] = [];
  problem.jobsPerMinute.forEach((rate, t) => {
    const floor = Math.max(problem.minSize[t] ?? 0, rate * jobMinutes);
    const up = Math.max(floor, 1);
    // Share of the minute's jobs that come after a gap longer than the idle window.
    const afterWindow = Math.exp(-rate * windowMinutes);
    const down = Math.max(floor, 1 - afterWindow + rate * afterWindow * (bootMinutes + jobMinutes));
    minutes += up;
    jobs += rate;
    if (down < up) savings.push({ saving: up - down, late: latencyBinds ? rate * afterWindow : 0 });
  });
  let budget = LATE_SHARE * jobs;
  savings.sort((a, b) => (b.late === 0 ? Infinity : b.saving / b.late) - (a.late === 0 ? Infinity : a.saving / a.late));
  for (const { saving, late } of savings) {
    const share = late === 0 ? 1 : Math.min(1, budget / late);
    if (share <= 0) break;
    minutes -= saving * share;
    budget -= late * share;
  }
  return minutes / 60;
}
