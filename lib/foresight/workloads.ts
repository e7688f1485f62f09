import { LocalClock } from './local-time';
import { Random } from './random';

/** Jobs in arrival order: seconds from the simulation's start, and seconds of GPU work each. */
export interface Workload {
  readonly name: string;
  readonly arrivalSeconds: Float64Array;
  readonly jobSeconds: Float64Array;
  /**
   * The expected jobs of each minute: the rate a built-in workload draws its Poisson arrivals
   * from (online-floor.ts); undefined for a CSV.
   */
  readonly jobsPerMinute?: Float64Array;
}

/** What a built-in workload is scaled to. */
export interface WorkloadContext {
  /** Epoch seconds of the simulation's start. */
  readonly startEpochSeconds: number;
  readonly days: number;
  /** Local time of the environment (office hours, the nightly batch). */
  readonly clock: LocalClock;
  /** Jobs per minute the fleet completes at its MaxSize. */
  readonly capacityJobsPerMinute: number;
  /** Mean seconds per job. */
  readonly secondsPerJob: number;
  /** Coefficient of variation of seconds per job (log-normal); 0 makes every job take the mean. */
  readonly jobSecondsCv: number;
  readonly seed: number;
}

/** Jobs per minute at one minute of the simulation, as a share of the fleet's capacity. */
type RateShape = (localHour: number, dayOfWeek: number, minute: number) => number;

const OFFICE_START_HOUR = 8;
const OFFICE_END_HOUR = 18;

const SHAPES: Record<string, RateShape> = {
  /** 30 % of capacity, around the clock. */
  steady: () => 0.3,
  /** Weekdays 08-18 local: a sine peak at 60 % of capacity at 13:00; 1 % otherwise and at weekends. */
  'office-hours': (hour, day) => {
    const weekday = day >= 1 && day <= 5;
    if (!weekday || hour < OFFICE_START_HOUR || hour >= OFFICE_END_HOUR) return 0.01;
    return 0.01 + 0.59 * Math.sin((Math.PI * (hour - OFFICE_START_HOUR)) / (OFFICE_END_HOUR - OFFICE_START_HOUR));
  },
};

/** Names of the built-in workloads. */
export const WORKLOAD_NAMES = ['steady', 'office-hours', 'bursty', 'overnight-batch', 'idle'] as const;

/** Arrivals drawn from a rate per minute. */
interface Drawn {
  readonly arrivals: number[];
  readonly jobsPerMinute: Float64Array;
}

function finish(name: string, drawn: Drawn, ctx: WorkloadContext, random: Random): Workload {
  const arrivals = drawn.arrivals.sort((a, b) => a - b);
  const jobSeconds = new Float64Array(arrivals.length);
  for (let i = 0; i < arrivals.length; i++) jobSeconds[i] = Math.max(0.1, random.logNormal(ctx.secondsPerJob, ctx.jobSecondsCv));
  return { name, arrivalSeconds: Float64Array.from(arrivals), jobSeconds, jobsPerMinute: drawn.jobsPerMinute };
}

function shaped(shape: RateShape, ctx: WorkloadContext, random: Random): Drawn {
  const arrivals: number[] = [];
  const jobsPerMinute = new Float64Array(ctx.days * 1440);
  for (let minute = 0; minute < jobsPerMinute.length; minute++) {
    const local = ctx.clock.at(ctx.startEpochSeconds + minute * 60);
    jobsPerMinute[minute] = shape(local.hour + local.minute / 60, local.dayOfWeek, minute) * ctx.capacityJobsPerMinute;
    const n = random.poisson(jobsPerMinute[minute]);
    for (let k = 0; k < n; k++) arrivals.push((minute + random.next()) * 60);
  }
  return { arrivals, jobsPerMinute };
}

/**
 * Bursts as a Poisson process, one every 2 h on average: each 15 min at 70 % of the fleet's
 * capacity, over a background of 3 %.
 */
function bursty(ctx: WorkloadContext, random: Random): Drawn {
  const burstMinutes = new Uint8Array(ctx.days * 1440);
  for (let t = random.exponential(120); t < burstMinutes.length; t += random.exponential(120)) {
    burstMinutes.fill(1, Math.floor(t), Math.min(burstMinutes.length, Math.floor(t) + 15));
  }
  return shaped((_hour, _day, minute) => (burstMinutes[minute] ? 0.7 : 0.03), ctx, random);
}

/** Every night 01:00-03:00 local a batch producer sends at 80 % of the fleet's capacity; nothing else. */
const overnightBatch: RateShape = (hour) => (hour >= 1 && hour < 3 ? 0.8 : 0);

/** The built-in workload `name`, deterministic for a seed. */
export function builtInWorkload(name: string, ctx: WorkloadContext): Workload {
  const random = new Random(ctx.seed);
  switch (name) {
    case 'steady':
    case 'office-hours':
      return finish(name, shaped(SHAPES[name], ctx, random), ctx, random);
    case 'bursty':
      return finish(name, bursty(ctx, random), ctx, random);
    case 'overnight-batch':
      return finish(name, shaped(overnightBatch, ctx, random), ctx, random);
    case 'idle':
      // No jobs: what the fleet costs from its minimum and schedules alone.
      return finish(name, { arrivals: [], jobsPerMinute: new Float64Array(ctx.days * 1440) }, ctx, random);
    default:
      throw new Error(`unknown workload "${name}": use one of ${WORKLOAD_NAMES.join(', ')}, or --csv <file>`);
  }
}

/**
 * A workload from CSV: one job a line, `arrival[,jobSeconds]`. The arrival is seconds from the
 * start, or an ISO-8601 time (then relative to the earliest). A header line is skipped; a
 * missing jobSeconds is drawn like the built-in workloads'.
 */
export function csvWorkload(name: string, text: string, ctx: WorkloadContext): Workload {
  const random = new Random(ctx.seed);
  const rows: { arrival: number; seconds?: number }[] = [];
  let iso = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || (index === 0 && /[a-df-z]/i.test(line.split(',')[0]) && !/^\d{4}-/.test(line))) return;
    const [first, second, ...rest] = line.split(',').map((c) => c.trim());
    const where = `${name} line ${index + 1} ("${line}")`;
    if (rest.length > 0) throw new Error(`${where}: expected arrival[,jobSeconds], got ${rest.length + 2} columns`);
    let arrival = Number(first);
    if (first === '' || !Number.isFinite(arrival)) {
      const ms = Date.parse(first);
      if (!/^\d{4}-\d{2}-\d{2}/.test(first) || Number.isNaN(ms)) throw new Error(`${where}: arrival "${first}" is neither seconds nor an ISO-8601 time`);
      arrival = ms / 1000;
      iso++;
    }
    const seconds = second === undefined || second === '' ? undefined : Number(second);
    if (arrival < 0 || (seconds !== undefined && !(seconds > 0))) {
      throw new Error(`${where}: arrival must be >= 0 and jobSeconds > 0`);
    }
    rows.push({ arrival, seconds });
  });
  if (rows.length === 0) throw new Error(`${name} has no jobs: one line per job, arrival[,jobSeconds]`);
  if (iso > 0 && iso < rows.length) throw new Error(`${name} mixes seconds and ISO-8601 arrivals: use one or the other`);
  rows.sort((a, b) => a.arrival - b.arrival);
  const origin = iso > 0 ? rows[0].arrival : 0;
  return {
    name,
    arrivalSeconds: Float64Array.from(rows, (r) => r.arrival - origin),
    jobSeconds: Float64Array.from(rows, (r) => r.seconds ?? Math.max(0.1, random.logNormal(ctx.secondsPerJob, ctx.jobSecondsCv))),
  };
}
