import { Workload } from './workloads';

/** What the clairvoyant scaler must respect. */
export interface OracleProblem {
  readonly workload: Workload;
  /** Simulated minutes; jobs whose deadline falls after them are left out. */
  readonly minutes: number;
  /** Seconds from a launch until the instance can take jobs; billed all along. */
  readonly bootSeconds: number;
  /** Longest a job may wait before it starts. */
  readonly acceptableLatencySeconds: number;
  /** MinSize and MaxSize of each minute (the scheduled actions applied). */
  readonly minSize: Int32Array;
  readonly maxSize: Int32Array;
  /** Instances usable at the start. */
  readonly initialInstances: number;
  /**
   * Jobs one instance runs at once (maxConcurrentJobs): an instance-minute holds this many
   * minutes of jobs.
   * @default 1
   */
  readonly slotsPerInstance?: number;
}

/** The bound, and how it was found. */
export interface OracleBound {
  readonly instanceHours: number;
  /** Jobs whose wait had to be allowed beyond acceptableLatency: even MaxSize could not start them sooner. */
  readonly jobsBeyondLatency: number;
}

const SLOT = 60;
/** Backlog levels the dynamic program tracks at most (the backlog is kept in units of a fraction of an instance-minute). */
const MAX_BACKLOG_LEVELS = 200;

/**
 * Start of each job when MaxSize instances serve the queue first come first served from the
 * start: a schedule every job can keep, so no job needs to start later than this.
 */
function startsOnWholeFleet(workload: Workload, instances: number): Float64Array {
  const free = new Float64Array(Math.max(1, instances));
  const starts = new Float64Array(workload.arrivalSeconds.length);
  for (let j = 0; j < starts.length; j++) {
    let k = 0;
    for (let i = 1; i < free.length; i++) if (free[i] < free[k]) k = i;
    starts[j] = Math.max(workload.arrivalSeconds[j], free[k]);
    free[k] = starts[j] + workload.jobSeconds[j];
  }
  return starts;
}

/**
 * A lower bound on the instance-hours of any scaler that knows every arrival and job length in
 * advance, with one-minute decisions (as Auto Scaling's one-minute alarms and the simulator
 * have them): it may start booting before the simulation starts, pays `bootSeconds` of billing
 * for every launch, keeps MinSize (and so the on-demand base, which MinSize covers) and MaxSize,
 * and starts every job within acceptableLatency of its arrival (or, where even MaxSize instances
 * from the start could not, no later than they would). The number of usable instances n_t of
 * each minute is chosen by dynamic programming over a relaxation of that problem, so its optimum
 * cannot exceed any such scaler's hours:
 * - work is fluid: the instances of a minute form one server of n_t x 60 x slotsPerInstance
 *   seconds of work that may be split between jobs and a job between instances; a job's work
 *   is available from the start of the minute it arrives in and must be done by the end of the
 *   minute its latest start plus its length falls in. Such a server meets every deadline if and
 *   only if earliest-deadline-first does, which it does exactly when the backlog left after each
 *   minute is no more than the work released so far that is due later (every window of minutes
 *   then has the capacity for the work released and due within it);
 * - each minute costs max(n_t, MinSize_t) instance-minutes, and each instance added above both
 *   the previous minute's count and the MinSize of the last boot's minutes costs the boot (an
 *   exchange argument shows a scaler never gains by terminating one instance while another
 *   boots, so those boots are billed on top of every instance counted);
 * - n_t <= MaxSize_t.
 * The dynamic program's state is the previous minute's count and the backlog, rounded down to
 * units of one instance-minute / k (rounding down only loosens the bound; arrivals are rounded
 * on their running total, so the rounding never accumulates).
 */
export function oracleInstanceHoursLowerBound(problem: OracleProblem): OracleBound {
  const { workload, minutes, minSize, maxSize } = problem;
  const maxInstances = Math.max(1, ...maxSize);
  const bootSlots = Math.floor(problem.bootSeconds / SLOT);
  const perInstance = Math.max(1, problem.slotsPerInstance ?? 1);
  const fleetStarts = startsOnWholeFleet(workload, Math.min(...maxSize) * perInstance);
  // Work (seconds) released in each minute, and due (to be done) by the end of each minute.
  const released = new Float64Array(minutes);
  const dueBy = new Float64Array(minutes + 1);
  let jobsBeyondLatency = 0;
  for (let j = 0; j < workload.arrivalSeconds.length; j++) {
    const arrival = workload.arrivalSeconds[j];
    const release = Math.floor(arrival / SLOT);
    if (release >= minutes) continue;
    const latestStart = Math.max(arrival + problem.acceptableLatencySeconds, fleetStarts[j]);
    if (latestStart > arrival + problem.acceptableLatencySeconds) jobsBeyondLatency++;
    // Done by the end of minute due - 1.
    const due = Math.max(release + 1, Math.ceil((latestStart + workload.jobSeconds[j]) / SLOT - 1e-9));
    released[release] += workload.jobSeconds[j];
    if (due <= minutes) dueBy[due - 1] += workload.jobSeconds[j];
  }
  // pending[t]: work released by the end of minute t and not yet due then (the backlog's ceiling).
  const pending = new Float64Array(minutes);
  let cumulativeReleased = 0;
  let cumulativeDue = 0;
  for (let t = 0; t < minutes; t++) {
    cumulativeReleased += released[t];
    cumulativeDue += dueBy[t];
    pending[t] = Math.max(0, cumulativeReleased - cumulativeDue);
  }
  const capacityPerInstance = SLOT * perInstance;
  const maxPending = pending.reduce((a, b) => Math.max(a, b), 0);
  const unitsPerInstance = Math.max(1, Math.floor((MAX_BACKLOG_LEVELS * capacityPerInstance) / Math.max(maxPending, capacityPerInstance)));
  const unit = capacityPerInstance / unitsPerInstance;
  const levels = Math.ceil(maxPending / unit - 1e-9) + 1;
  // Arrivals in units, rounded on the running total.
  const arriving = new Int32Array(minutes);
  let total = 0;
  for (let t = 0; t < minutes; t++) {
    const before = Math.floor(total / unit + 1e-9);
    total += released[t];
    arriving[t] = Math.floor(total / unit + 1e-9) - before;
  }

  // cost[n * levels + b]: the cheapest instance-minutes so far with n instances in the last minute and backlog b units.
  let cost = new Float64Array((maxInstances + 1) * levels).fill(Number.POSITIVE_INFINITY);
  cost[Math.min(problem.initialInstances, maxInstances) * levels] = 0;
  for (let t = 0; t < minutes; t++) {
    const next = new Float64Array(cost.length).fill(Number.POSITIVE_INFINITY);
    let floor = 0;
    for (let k = Math.max(0, t - bootSlots); k <= t; k++) floor = Math.max(floor, minSize[k]);
    // The backlog allowed after minute t, rounded up (only loosens).
    const ceiling = Math.min(levels - 1, Math.ceil(pending[t] / unit - 1e-9));
    for (let previous = 0; previous <= maxInstances; previous++) {
      for (let b = 0; b < levels; b++) {
        const sofar = cost[previous * levels + b];
        if (sofar === Number.POSITIVE_INFINITY) continue;
        const queued = b + arriving[t];
        for (let n = Math.min(minSize[t], maxSize[t]); n <= maxSize[t]; n++) {
          const left = Math.max(0, queued - n * unitsPerInstance);
          if (left > ceiling) continue;
          const total = sofar + Math.max(n, minSize[t]) + bootSlots * Math.max(0, n - Math.max(previous, floor));
          const to = n * levels + left;
          if (total < next[to]) next[to] = total;
        }
      }
    }
    cost = next;
  }
  const best = cost.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  if (!Number.isFinite(best)) throw new Error('the oracle bound found no schedule within MaxSize: this is a bug, every job may start as late as the whole fleet would start it');
  return { instanceHours: (best * SLOT) / 3600, jobsBeyondLatency };
}
