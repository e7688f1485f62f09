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
  readonly launchedAt: number;
  /** When it goes InService: never for a launch that is abandoned. */
  readonly inServiceAt: number;
  /** When its launch is abandoned: never for one that goes InService. */
  readonly abandonAt: number;
  readonly warmUntil: number;
  /** When its CloudWatch agent starts publishing GPU utilization. */
  readonly agentFrom: number;
  state: State;
  /** When the current job ends (or ended). */
  freeAt: number;
  job: number;
  goneAt: number;
  busySeconds: number;
  busyThisMinute: number;
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
}

/**
 * The instances and the jobs, at per-job resolution: instances boot, go InService, warm up, take
 * jobs from the queue one at a time, protect themselves from scale-in while busy
 * (AWS_DOCS.scaleInProtection), and on a spot interruption notice return a job that cannot finish
 * within the notice to the queue (AWS_DOCS.spotInterruptionNotice).
 */
export class FleetRuntime {
  /** Instances not yet gone; gone ones are billed and dropped. */
  private instances: Instance[] = [];
  private visibleCount = 0;
  private readonly random: Random;
  private readonly interruptPerMinute: number;
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
      this.instances.push({
        onDemand, launchedAt: now, inServiceAt, abandonAt: inServiceAt === ends ? Number.POSITIVE_INFINITY : ends,
        warmUntil: warm ? now : inServiceAt + this.fleet.defaultInstanceWarmupSeconds,
        agentFrom: warm ? Number.NEGATIVE_INFINITY : now + this.options.agentStartSeconds,
        state: State.Pending, freeAt: inServiceAt, job: -1, goneAt: Number.POSITIVE_INFINITY, busySeconds: 0, busyThisMinute: 0,
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
      const candidates = live.filter((i) => i.state === State.Pending || i.freeAt <= now);
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
      if (i.job >= 0 && this.status[i.job] === RUNNING && i.freeAt > end) this.requeue(i.job, t0, i);
      // With capacity rebalancing the group replaces the instance at once (AWS_DOCS.capacityRebalancing).
      this.retire(i, end);
    }
  }

  private requeue(job: number, at: number, instance: Instance): void {
    this.status[job] = QUEUED;
    this.visibleSince[job] = at;
    this.queue.push(job);
    this.visibleCount++;
    instance.busySeconds -= instance.freeAt - at;
    this.busySeconds -= instance.freeAt - at;
    instance.freeAt = at;
    instance.job = -1;
  }

  private finishJob(instance: Instance, now: number): void {
    if (instance.job >= 0 && this.status[instance.job] === RUNNING && instance.freeAt <= now) this.status[instance.job] = DONE;
  }

  /** Runs the minute [t0, t0 + 60): arrivals, then jobs handed to free InService instances in order. */
  runMinute(t0: number): void {
    const t1 = t0 + 60;
    const arrivals = this.workload.arrivalSeconds;
    while (this.nextArrival < arrivals.length && arrivals[this.nextArrival] < t1) {
      this.queue.push(this.nextArrival++);
      this.visibleCount++;
      this.lastQueueActivity = arrivals[this.nextArrival - 1];
    }
    const ready = this.instances.filter((i) => (i.state === State.InService || i.state === State.Pending) && i.inServiceAt < t1);
    for (const i of ready) {
      i.state = State.InService;
      i.busyThisMinute = i.job >= 0 && i.freeAt > t0 ? Math.min(i.freeAt, t1) - t0 : 0;
    }
    if (ready.length > 0) this.lastQueueActivity = t1;
    this.expireAndDispatch(ready, t0, t1);
    for (const i of this.instances) {
      if (i.state === State.Terminating && i.goneAt <= t1) this.close(i, i.goneAt);
    }
    if (this.instances.some((i) => i.state === State.Gone)) this.instances = this.instances.filter((i) => i.state !== State.Gone);
  }

  /** Bills `instance` up to `at` and marks it gone. */
  private close(instance: Instance, at: number): void {
    this.finishJob(instance, at);
    const seconds = Math.max(0, at - instance.launchedAt);
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
      for (const i of ready) if (i.state === State.InService && (!best || i.freeAt < best.freeAt)) best = i;
      if (!best) break;
      const start = Math.max(this.visibleSince[job], best.freeAt, best.inServiceAt);
      if (start >= t1) break;
      this.head++;
      this.visibleCount--;
      this.finishJob(best, start);
      if (this.receives[job] >= maxReceives) { this.status[job] = LOST; continue; }
      this.receives[job]++;
      this.status[job] = RUNNING;
      this.waitSeconds[job] += start - this.visibleSince[job];
      const duration = this.workload.jobSeconds[job];
      best.job = job;
      best.freeAt = start + duration;
      best.busySeconds += duration;
      this.busySeconds += duration;
      best.busyThisMinute += Math.min(best.freeAt, t1) - start;
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
    for (const i of this.instances) if (i.state !== State.Gone && i.job >= 0 && this.status[i.job] === RUNNING && i.freeAt > t1) inFlight++;
    return { visible, inFlight, oldestAgeSeconds: visible > 0 ? t1 - oldest : undefined };
  }

  /**
   * Average GPU busy percentage over the minute that ends at `t1`, of every instance whose
   * CloudWatch agent ran through it: booting (0 %), warming and InService ones alike. The agent
   * publishes with the group's name as a dimension and CloudWatch averages across instances; the
   * default instance warmup filters only AWS's own aggregated instance metrics
   * (AWS_DOCS.defaultInstanceWarmup), not a metric the instance publishes. Undefined with none.
   */
  gpuUtilization(t1: number): number | undefined {
    let n = 0;
    let busy = 0;
    for (const i of this.instances) {
      if ((i.state !== State.InService && i.state !== State.Pending) || i.agentFrom > t1 - 60) continue;
      n++;
      if (i.state === State.InService) busy += Math.min(60, i.busyThisMinute);
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
      busy += Math.min(60, i.busyThisMinute);
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
