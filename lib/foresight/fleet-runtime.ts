import { FleetModel } from './fleet-model';
import { LaunchOutcome } from './lifecycle-hook';
import { Random } from './random';
import { SPOT_INTERRUPTION_NOTICE_SECONDS, interruptionProbabilityPerMinute, nextLaunchIsOnDemand, wantedOnDemand } from './spot';
import { Workload } from './workloads';

const enum State { Pending, InService, Terminating, Gone }
/** Job status codes. */
const QUEUED = 0;
const RUNNING = 1;
const DONE = 2;
const LOST = 3;

interface Instance {
  readonly onDemand: boolean;
  /** How many times faster than the reference a job runs on it (its type's throughput factor). */
  readonly speed: number;
  readonly launchedAt: number;
  /** When it goes InService: never for a launch that is abandoned. */
  readonly inServiceAt: number;
  /** When its launch is abandoned: never for one that goes InService. */
  readonly abandonAt: number;
  readonly warmUntil: number;
  /** When its CloudWatch agent starts publishing GPU utilization. */
  readonly agentFrom: number;
  state: State;
  /** Per slot (maxConcurrentJobs of them): when its current job ends (or ended), and which job (-1: none yet). */
  readonly freeAt: Float64Array;
  readonly job: Int32Array;
  goneAt: number;
  /** The stretches of the current minute during which a job ran, [start, end) pairs: its GPU was busy. */
  busyThisMinute: number[];
}

/** Timing assumptions of the fleet's instances and jobs. */
export interface RuntimeOptions {
  /** How every launch ends (lifecycle-hook.ts): InService, or abandoned, so many seconds after the launch. */
  readonly launch: LaunchOutcome;
  /**
   * Seconds from launch until the instance's CloudWatch agent publishes GPU utilization: the boot
   * starts the agent early (boot.sh step 2), long before the instance is InService.
   */
  readonly agentStartSeconds: number;
  readonly spotInterruptionsPerInstanceHour: number;
  readonly seed: number;
  /**
   * Throughput of an instance relative to the workload's job seconds, by market: a job of s
   * seconds takes s / speed on it (the on-demand and the spot type's throughput factors).
   * @default 1 for both
   */
  readonly speed?: { readonly onDemand: number; readonly spot: number };
  /**
   * Seconds from the simulation's start at which billing and busy time start counting (the
   * measured window after the history): instance-seconds before it are not counted.
   * @default 0
   */
  readonly measureFromSeconds?: number;
}

/**
 * The instances and the jobs, at per-job resolution: instances boot, go InService, warm up, take
 * jobs from the queue up to the fleet's maxConcurrentJobs at a time (each slot at the instance's
 * speed: an assumption that the serving container runs concurrent jobs without slowing each one,
 * exact for one slot), protect themselves from scale-in while any job runs
 * (AWS_DOCS.scaleInProtection), and on a spot interruption notice return the jobs that cannot
 * finish within the notice to the queue (AWS_DOCS.spotInterruptionNotice).
 */
export class FleetRuntime {
  /** Instances not yet gone; gone ones are billed and dropped. */
  private instances: Instance[] = [];
  private visibleCount = 0;
  private readonly random: Random;
  private readonly interruptPerMinute: number;
  private readonly slots: number;
  private readonly measureFrom: number;
  /** Per job: status, receives, seconds spent visible, time it became visible again. */
  readonly status: Uint8Array;
  readonly waitSeconds: Float64Array;
  private readonly receives: Uint8Array;
  private readonly visibleSince: Float64Array;
  private queue: number[] = [];
  private head = 0;
  private nextArrival = 0;
  /** Seconds of the last SQS API call (send or receive): the queue publishes metrics while active. */
  lastQueueActivity = Number.NEGATIVE_INFINITY;
  lastActivityCompleted = Number.NEGATIVE_INFINITY;
  spotSeconds = 0;
  onDemandSeconds = 0;
  busySeconds = 0;
  interruptions = 0;
  /** Launches abandoned by the launch lifecycle hook (each replaced by a new launch). */
  launchesAbandoned = 0;

  constructor(private readonly fleet: FleetModel, private readonly workload: Workload, private readonly options: RuntimeOptions) {
    this.random = new Random(options.seed ^ 0x5eed);
    this.interruptPerMinute = interruptionProbabilityPerMinute(options.spotInterruptionsPerInstanceHour);
    this.slots = Math.max(1, fleet.maxConcurrentJobs);
    this.measureFrom = options.measureFromSeconds ?? 0;
    const n = workload.arrivalSeconds.length;
    this.status = new Uint8Array(n);
    this.waitSeconds = new Float64Array(n);
    this.receives = new Uint8Array(n);
    this.visibleSince = Float64Array.from(workload.arrivalSeconds);
  }

  private live(): Instance[] {
    return this.instances.filter((i) => i.state === State.Pending || i.state === State.InService);
  }

  /** Starts `count` instances at `now`, already InService and warm when `warm`. */
  launch(count: number, now: number, warm = false): void {
    for (let k = 0; k < count; k++) {
      const live = this.live();
      const onDemand = nextLaunchIsOnDemand(live.filter((i) => i.onDemand).length, live.length,
        this.fleet.onDemandBaseCapacity, this.fleet.onDemandPercentageAboveBaseCapacity);
      const outcome = this.options.launch;
      const ends = warm ? now : now + outcome.atSeconds;
      const inServiceAt = warm || outcome.result === 'InService' ? ends : Number.POSITIVE_INFINITY;
      const speed = this.options.speed ?? { onDemand: 1, spot: 1 };
      this.instances.push({
        onDemand, speed: onDemand ? speed.onDemand : speed.spot,
        launchedAt: now, inServiceAt, abandonAt: inServiceAt === ends ? Number.POSITIVE_INFINITY : ends,
        warmUntil: warm ? now : inServiceAt + this.fleet.defaultInstanceWarmupSeconds,
        agentFrom: warm ? Number.NEGATIVE_INFINITY : now + this.options.agentStartSeconds,
        state: State.Pending, freeAt: new Float64Array(this.slots).fill(inServiceAt), job: new Int32Array(this.slots).fill(-1),
        goneAt: Number.POSITIVE_INFINITY, busyThisMinute: [],
      });
      this.lastActivityCompleted = Math.max(this.lastActivityCompleted, ends);
    }
  }

  /**
   * Terminates up to `count` instances that are not protected (idle or pending), from the market
   * above its share, newest first: busy instances are protected from scale-in and stay until
   * a later reconciliation finds them idle. Returns how many were terminated.
   */
  terminate(count: number, now: number): number {
    let done = 0;
    for (; done < count; done++) {
      const live = this.live();
      const candidates = live.filter((i) => i.state === State.Pending || i.freeAt.every((at) => at <= now));
      if (candidates.length === 0) break;
      // Terminate from the market above its share of the smaller group (AWS_DOCS.mixedInstances).
      const liveOnDemand = live.filter((i) => i.onDemand).length;
      const preferOnDemand = liveOnDemand > wantedOnDemand(live.length - 1, this.fleet);
      candidates.sort((a, b) => Number(b.onDemand === preferOnDemand) - Number(a.onDemand === preferOnDemand) || b.launchedAt - a.launchedAt);
      this.finishJob(candidates[0], now);
      this.retire(candidates[0], now);
    }
    if (done > 0) this.lastActivityCompleted = Math.max(this.lastActivityCompleted, now);
    return done;
  }

  private retire(instance: Instance, at: number): void {
    instance.state = State.Terminating;
    instance.goneAt = at;
  }

  /** Live (pending or InService, not terminating) instances. */
  liveCount(): number {
    return this.live().length;
  }

  /**
   * Launches whose lifecycle hook ends in ABANDON by `at`: they terminate (billed until then)
   * and the group's next reconciliation launches replacements (AWS_DOCS.lifecycleHooks).
   */
  abandonLaunches(at: number): void {
    for (const i of this.instances) {
      if (i.state !== State.Pending || i.abandonAt > at) continue;
      this.launchesAbandoned++;
      this.retire(i, i.abandonAt);
      this.lastActivityCompleted = Math.max(this.lastActivityCompleted, i.abandonAt);
    }
  }

  /** Counts at time `at`: InService, InService past warmup, pending or warming, terminating. */
  counts(at: number): { inService: number; settled: number; warming: number; terminating: number } {
    let inService = 0;
    let settled = 0;
    let warming = 0;
    let terminating = 0;
    for (const i of this.instances) {
      if (i.state === State.Terminating && i.goneAt > at) terminating++;
      if (i.state !== State.Pending && i.state !== State.InService) continue;
      if (i.inServiceAt <= at) inService++;
      if (i.warmUntil <= at) settled++; else warming++;
    }
    return { inService, settled, warming, terminating };
  }

  /** Spot interruption notices for the minute starting at `t0`. */
  interruptSpot(t0: number): void {
    if (this.interruptPerMinute <= 0) return;
    for (const i of this.live()) {
      if (i.onDemand || this.random.next() >= this.interruptPerMinute) continue;
      this.interruptions++;
      const end = t0 + SPOT_INTERRUPTION_NOTICE_SECONDS;
      for (let k = 0; k < i.job.length; k++) {
        if (i.job[k] >= 0 && this.status[i.job[k]] === RUNNING && i.freeAt[k] > end) this.requeue(k, t0, i);
      }
      // With capacity rebalancing the group replaces the instance at once (AWS_DOCS.capacityRebalancing).
      this.retire(i, end);
    }
  }

  /** Returns the job of `instance`'s `slot` to the queue at `at`. */
  private requeue(slot: number, at: number, instance: Instance): void {
    const job = instance.job[slot];
    this.status[job] = QUEUED;
    this.visibleSince[job] = at;
    this.queue.push(job);
    this.visibleCount++;
    this.busySeconds -= this.measured(at, instance.freeAt[slot]);
    instance.freeAt[slot] = at;
    instance.job[slot] = -1;
  }

  /** Seconds of [from, to) inside the measured window. */
  private measured(from: number, to: number): number {
    return Math.max(0, to - Math.max(from, this.measureFrom));
  }

  /** Marks the jobs of `instance` that ended by `now` done. */
  private finishJob(instance: Instance, now: number): void {
    for (let k = 0; k < instance.job.length; k++) {
      const job = instance.job[k];
      if (job >= 0 && this.status[job] === RUNNING && instance.freeAt[k] <= now) this.status[job] = DONE;
    }
  }

  /** Runs the minute [t0, t0 + 60): arrivals, then jobs handed to free InService slots in order. Returns the jobs that arrived (SQS NumberOfMessagesSent). */
  runMinute(t0: number): number {
    const t1 = t0 + 60;
    const arrivals = this.workload.arrivalSeconds;
    const firstArrival = this.nextArrival;
    while (this.nextArrival < arrivals.length && arrivals[this.nextArrival] < t1) {
      this.queue.push(this.nextArrival++);
      this.visibleCount++;
      this.lastQueueActivity = arrivals[this.nextArrival - 1];
    }
    const ready = this.instances.filter((i) => (i.state === State.InService || i.state === State.Pending) && i.inServiceAt < t1);
    for (const i of ready) {
      i.state = State.InService;
      i.busyThisMinute = [];
      for (let k = 0; k < i.job.length; k++) if (i.job[k] >= 0 && i.freeAt[k] > t0) i.busyThisMinute.push(t0, Math.min(i.freeAt[k], t1));
    }
    if (ready.length > 0) this.lastQueueActivity = t1;
    this.expireAndDispatch(ready, t0, t1);
    for (const i of this.instances) {
      if (i.state === State.Terminating && i.goneAt <= t1) this.close(i, i.goneAt);
    }
    if (this.instances.some((i) => i.state === State.Gone)) this.instances = this.instances.filter((i) => i.state !== State.Gone);
    return this.nextArrival - firstArrival;
  }

  /** Bills `instance` up to `at` and marks it gone. */
  private close(instance: Instance, at: number): void {
    this.finishJob(instance, at);
    const seconds = this.measured(instance.launchedAt, at);
    if (instance.onDemand) this.onDemandSeconds += seconds; else this.spotSeconds += seconds;
    instance.state = State.Gone;
  }

  private expireAndDispatch(ready: Instance[], t0: number, t1: number): void {
    const retention = this.fleet.messageRetentionSeconds;
    const maxReceives = this.fleet.maxReceiveCount ?? Number.POSITIVE_INFINITY;
    while (this.head < this.queue.length) {
      const job = this.queue[this.head];
      if (this.status[job] !== QUEUED) { this.head++; continue; }
      if (this.workload.arrivalSeconds[job] + retention < t0) { this.status[job] = LOST; this.head++; this.visibleCount--; continue; }
      let best: Instance | undefined;
      let slot = -1;
      for (const i of ready) {
        if (i.state !== State.InService) continue;
        for (let k = 0; k < i.freeAt.length; k++) if (!best || i.freeAt[k] < best.freeAt[slot]) { best = i; slot = k; }
      }
      if (!best) break;
      const start = Math.max(this.visibleSince[job], best.freeAt[slot], best.inServiceAt);
      if (start >= t1) break;
      this.head++;
      this.visibleCount--;
      this.finishJob(best, start);
      if (this.receives[job] >= maxReceives) { this.status[job] = LOST; continue; }
      this.receives[job]++;
      this.status[job] = RUNNING;
      this.waitSeconds[job] += start - this.visibleSince[job];
      const duration = this.workload.jobSeconds[job] / best.speed;
      best.job[slot] = job;
      best.freeAt[slot] = start + duration;
      this.busySeconds += this.measured(start, start + duration);
      best.busyThisMinute.push(start, Math.min(start + duration, t1));
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) { this.queue = this.queue.slice(this.head); this.head = 0; }
  }

  /** Queue samples at the end of a minute: visible jobs, jobs in flight, age of the (nearly) oldest visible job. */
  queueSample(t1: number): { visible: number; inFlight: number; oldestAgeSeconds: number | undefined } {
    const visible = this.visibleCount;
    // The head is the oldest job but for the few an interruption returned (they wait behind it).
    let oldest = Number.POSITIVE_INFINITY;
    for (let k = this.head; k < this.queue.length && oldest === Number.POSITIVE_INFINITY; k++) {
      if (this.status[this.queue[k]] === QUEUED) oldest = this.visibleSince[this.queue[k]];
    }
    let inFlight = 0;
    for (const i of this.instances) {
      if (i.state === State.Gone) continue;
      for (let k = 0; k < i.job.length; k++) if (i.job[k] >= 0 && this.status[i.job[k]] === RUNNING && i.freeAt[k] > t1) inFlight++;
    }
    return { visible, inFlight, oldestAgeSeconds: visible > 0 ? t1 - oldest : undefined };
  }

  /**
   * Average GPU busy percentage over the minute that ends at `t1`, of every instance whose
   * CloudWatch agent ran through it: booting (0 %), warming and InService ones alike. An
   * instance's GPU is busy while at least one of its jobs runs (NVML's utilization.gpu: "percent
   * of time over the past sample period during which one or more kernels was executing on the
   * GPU", AWS_DOCS.nvmlUtilization). The agent publishes with the group's name as a dimension and
   * CloudWatch averages across instances; the default instance warmup filters only AWS's own
   * aggregated instance metrics (AWS_DOCS.defaultInstanceWarmup), not a metric the instance
   * publishes. Undefined with none.
   */
  gpuUtilization(t1: number): number | undefined {
    let n = 0;
    let busy = 0;
    for (const i of this.instances) {
      if ((i.state !== State.InService && i.state !== State.Pending) || i.agentFrom > t1 - 60) continue;
      n++;
      if (i.state === State.InService) busy += Math.min(60, unionSeconds(i.busyThisMinute));
    }
    return n === 0 ? undefined : (busy / (n * 60)) * 100;
  }

  /**
   * Average CPU busy percentage over the minute that ends at `t1`, of every instance that was
   * InService and past its default instance warmup through the whole minute: EC2's CPUUtilization
   * aggregated by AutoScalingGroupName (a CPU fleet's scale-in metric), to which an instance adds
   * its usage only once InService and warmed up (AWS_DOCS.defaultInstanceWarmup,
   * AWS_DOCS.ec2Metrics). Assumption (not AWS's): a CPU instance is as busy as the jobs it runs,
   * 100 % while it runs one and 0 % idle, the busy share the GPU utilization is modelled with; a
   * real one idles above 0 (agent, server) and may run a job on fewer than all its vCPUs.
   * Undefined with none.
   */
  cpuUtilization(t1: number): number | undefined {
    let n = 0;
    let busy = 0;
    for (const i of this.instances) {
      if (i.state !== State.InService || i.warmUntil > t1 - 60) continue;
      n++;
      busy += Math.min(60, unionSeconds(i.busyThisMinute));
    }
    return n === 0 ? undefined : (busy / (n * 60)) * 100;
  }

  /** Closes the books at `end`: instance-seconds by market, jobs that finished. */
  finish(end: number): void {
    for (const i of this.instances) this.close(i, Math.min(i.goneAt, end));
    this.instances = [];
  }

  /** Jobs by status: queued or in flight, done, lost. */
  jobCounts(): { completed: number; lost: number; pending: number } {
    let completed = 0;
    let lost = 0;
    for (const s of this.status) { if (s === DONE) completed++; else if (s === LOST) lost++; }
    return { completed, lost, pending: this.status.length - completed - lost };
  }
}

/** Length of the union of [start, end) pairs laid out flat: [s0, e0, s1, e1, ...]. */
function unionSeconds(pairs: readonly number[]): number {
  if (pairs.length === 2) return pairs[1] - pairs[0];
  const spans: [number, number][] = [];
  for (let k = 0; k < pairs.length; k += 2) spans.push([pairs[k], pairs[k + 1]]);
  spans.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = spans[0] ?? [0, 0];
  for (const [s, e] of spans.slice(1)) {
    if (s > end) { total += end - start; start = s; end = e; } else end = Math.max(end, e);
  }
  return total + end - start;
}
