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
}

/** The bound, and how it was found. */
export interface OracleBound {
  readonly instanceHours: number;
  /** Longest window (minutes) whose work was checked: jobs needing a longer one are left out. */
  readonly windowMinutes: number;
  /** Jobs whose wait had to be allowed beyond acceptableLatency: even MaxSize could not start them sooner. */
  readonly jobsBeyondLatency: number;
}

const SLOT = 60;
/** The dynamic program keeps (MaxSize + 1)^(window - 1) states; windows stop growing at this many. */
const MAX_STATES = 20_000;

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
 * for every launch, keeps MinSize and MaxSize, and starts every job within acceptableLatency of
 * its arrival (or, where even MaxSize instances from the start could not, no later than they
 * would). The number of usable instances n_t of each minute is chosen by dynamic programming
 * over a relaxation of that problem, so its optimum cannot exceed any such scaler's hours:
 * - work is fluid within a window: for every window of w consecutive minutes (w up to the
 *   longest a job may take from arrival to deadline, `windowMinutes`), the instance-seconds
 *   sum(n_t) x 60 cover the work of the jobs that arrive and must finish inside it (a job is
 *   not tied to one instance);
 * - each minute costs max(n_t, MinSize_t) instance-minutes, and each instance added above both
 *   the previous minute's count and the MinSize of the last boot's minutes costs the boot (an
 *   exchange argument shows a scaler never gains by terminating one instance while another
 *   boots, so those boots are billed on top of every instance counted);
 * - n_t <= MaxSize_t.
 * The dynamic program's state is the counts of the last (window - 1) minutes; it is exact for this
 * relaxation.
 */
export function oracleInstanceHoursLowerBound(problem: OracleProblem): OracleBound {
  const { workload, minutes, minSize, maxSize } = problem;
  const maxInstances = Math.max(1, ...maxSize);
  const bootSlots = Math.floor(problem.bootSeconds / SLOT);
  const fleetStarts = startsOnWholeFleet(workload, Math.min(...maxSize));
  const jobs: { release: number; due: number; seconds: number }[] = [];
  let jobsBeyondLatency = 0;
  for (let j = 0; j < workload.arrivalSeconds.length; j++) {
    const arrival = workload.arrivalSeconds[j];
    const latestStart = Math.max(arrival + problem.acceptableLatencySeconds, fleetStarts[j]);
    if (latestStart > arrival + problem.acceptableLatencySeconds) jobsBeyondLatency++;
    const due = Math.max(Math.floor(arrival / SLOT) + 1, Math.ceil((latestStart + workload.jobSeconds[j]) / SLOT - 1e-9));
    if (due <= minutes) jobs.push({ release: Math.floor(arrival / SLOT), due, seconds: workload.jobSeconds[j] });
  }
  let window = 1;
  for (const job of jobs) window = Math.max(window, job.due - job.release);
  while (window > 1 && (maxInstances + 1) ** (window - 1) > MAX_STATES) window--;

  // need[w][t]: seconds of work of the jobs that arrive and must finish within minutes t - w + 1 .. t.
  const need = Array.from({ length: window + 1 }, () => new Float64Array(minutes + 1));
  for (let w = 1; w <= window; w++) {
    const diff = new Float64Array(minutes + 2);
    for (const job of jobs) {
      const first = job.due - 1;
      const last = job.release + w - 1;
      if (first <= last && first < minutes) {
        diff[first] += job.seconds;
        diff[Math.min(minutes, last + 1)] -= job.seconds;
      }
    }
    let running = 0;
    for (let t = 0; t < minutes; t++) need[w][t] = (running += diff[t]);
  }

  // The state: the counts of the last `depth` minutes, the most recent in the lowest digit.
  const base = maxInstances + 1;
  const depth = Math.max(1, window - 1);
  const states = base ** depth;
  const initialState = Array.from({ length: depth }, () => Math.min(problem.initialInstances, maxInstances))
    .reduce((code, n) => code * base + n, 0);
  let cost = new Float64Array(states).fill(Number.POSITIVE_INFINITY);
  cost[initialState] = 0;
  const history = new Int32Array(depth);
  for (let t = 0; t < minutes; t++) {
    const next = new Float64Array(states).fill(Number.POSITIVE_INFINITY);
    let floor = 0;
    for (let k = Math.max(0, t - bootSlots); k <= t; k++) floor = Math.max(floor, minSize[k]);
    for (let state = 0; state < states; state++) {
      const sofar = cost[state];
      if (sofar === Number.POSITIVE_INFINITY) continue;
      // history[0] is n_{t-1}, history[1] n_{t-2}, ...
      for (let i = 0, code = state; i < depth; i++, code = Math.floor(code / base)) history[i] = code % base;
      const previous = history[0];
      for (let n = Math.min(minSize[t], maxSize[t]); n <= maxSize[t]; n++) {
        let covered = true;
        let capacity = n;
        for (let w = 1; w <= window && covered; w++) {
          if (w > 1) capacity += history[w - 2];
          covered = capacity * SLOT >= need[w][t] - 1e-6;
        }
        if (!covered) continue;
        const added = Math.max(0, n - Math.max(previous, floor));
        const total = sofar + Math.max(n, minSize[t]) + bootSlots * added;
        const to = (state * base + n) % states;
        if (total < next[to]) next[to] = total;
      }
    }
    cost = next;
  }
  const best = cost.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  if (!Number.isFinite(best)) throw new Error('the oracle bound found no schedule within MaxSize: this is a bug, every job may start as late as the whole fleet would start it');
  return { instanceHours: (best * SLOT) / 3600, windowMinutes: window, jobsBeyondLatency };
}
