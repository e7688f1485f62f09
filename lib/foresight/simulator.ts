import { AlarmEvaluator, AlarmTiming } from './alarm';
import { CapacityView } from './capacity-view';
import { FleetModel, PolicyModel } from './fleet-model';
import { FleetRuntime } from './fleet-runtime';
import { launchOutcome } from './lifecycle-hook';
import { MetricStore } from './metric-store';
import { ForecastModel, PredictiveScaler } from './predictive-forecast';
import { GroupSize, applySchedule, scheduleTimeline } from './scheduled-actions';
import { simpleScalingDesired } from './simple-scaling';
import { stepScalingDesired } from './step-scaling';
import { TargetTrackingCadence, targetTrackingAlarms, targetTrackingDesired } from './target-tracking';
import { Workload } from './workloads';

/**
 * A queue is active, and publishes metrics, while it holds messages and up to six hours after
 * an API call accessed it (AWS_DOCS.sqsMonitoring).
 */
const SQS_ACTIVE_SECONDS = 6 * 3600;

/**
 * "A delay of up to 15 minutes occurs in CloudWatch metrics when a queue is activated from an
 * inactive state" (AWS_DOCS.sqsMonitoring): the upper bound is the default,
 * `--sqs-reactivation-delay-minutes`.
 */
export const DEFAULT_SQS_REACTIVATION_DELAY_MINUTES = 15;

/** How one simulation runs. */
export interface SimulationOptions extends AlarmTiming {
  /** Epoch seconds of the first simulated minute. */
  readonly startEpochSeconds: number;
  /** Simulated minutes. */
  readonly minutes: number;
  /** Seconds from launch until the boot completes the launch hook (boot, model download, health). */
  readonly bootSeconds: number;
  /** Seconds from launch until the instance's CloudWatch agent publishes GPU utilization. */
  readonly agentStartSeconds: number;
  /** Spot interruptions per spot instance-hour. */
  readonly spotInterruptionsPerInstanceHour: number;
  /** Minutes the SQS metrics of a queue coming back from inactivity are late. */
  readonly sqsReactivationDelayMinutes: number;
  /** Datapoints target tracking's alarms need (not documented by AWS). */
  readonly targetTrackingCadence: TargetTrackingCadence;
  /** How predictive scaling forecasts the load (not documented by AWS). */
  readonly forecast: ForecastModel;
  readonly seed: number;
  /**
   * Throughput of the on-demand and the spot instances relative to the workload's job seconds.
   * @default 1 for both
   */
  readonly speed?: { readonly onDemand: number; readonly spot: number };
  /**
   * The first minute measured: instance-seconds and busy time before it are history (what
   * predictive scaling forecasts from), not billed in the trace.
   * @default 0
   */
  readonly measureFromMinute?: number;
}

/** What happened, minute by minute and per job. */
export interface SimulationTrace {
  readonly fleet: FleetModel;
  readonly workload: Workload;
  /** Per job: 0 queued or in flight at the end, 2 completed, 3 lost. */
  readonly jobStatus: Uint8Array;
  /** Per job: seconds visible in the queue before its (last) start. */
  readonly waitSeconds: Float64Array;
  /** Per job: whether an instance was InService when it arrived. */
  readonly arrivedAwake: Uint8Array;
  /** Per minute, at its end: visible jobs, desired capacity, InService instances. */
  readonly visible: Int32Array;
  readonly desired: Int32Array;
  readonly inService: Int32Array;
  /** Instance-seconds and busy seconds from `measureFromMinute` on. */
  readonly spotInstanceSeconds: number;
  readonly onDemandInstanceSeconds: number;
  readonly busySeconds: number;
  /** The first minute measured (SimulationOptions.measureFromMinute). */
  readonly measureFromMinute: number;
  readonly spotInterruptions: number;
  /** Launches the launch lifecycle hook abandoned. */
  readonly launchesAbandoned: number;
  /** Every change of desired capacity: minute, cause (policy or scheduled action), from, to. */
  readonly events: readonly ScalingEvent[];
}

/** One change of desired capacity. */
export interface ScalingEvent {
  readonly minute: number;
  readonly cause: string;
  readonly from: number;
  readonly to: number;
}

/** What a policy asks for at a minute: a desired capacity, and for predictive scaling with IncreaseMaxCapacity a higher MaxSize. */
type Decide = (store: MetricStore, minute: number, view: CapacityView, now: number, lastActivity: number, maxSize: number) => number | { desired: number; maxSize?: number } | undefined;

function decider(policy: PolicyModel, options: SimulationOptions): Decide {
  if (policy.kind === 'predictive') {
    const scaler = new PredictiveScaler(policy, options);
    return (store, minute, view, _now, _last, maxSize) => scaler.decide(store, minute, view, maxSize);
  }
  if (policy.kind === 'targetTracking') {
    const alarms = targetTrackingAlarms(policy, options.targetTrackingCadence);
    const high = new AlarmEvaluator(alarms.high, options);
    const low = new AlarmEvaluator(alarms.low, options);
    return (store, minute, view) => {
      const out = high.evaluate(store, minute) === 'ALARM' && high.latest !== undefined
        ? targetTrackingDesired(policy, 'out', high.latest, view) : undefined;
      const inn = low.evaluate(store, minute) === 'ALARM' && low.latest !== undefined
        ? targetTrackingDesired(policy, 'in', low.latest, view) : undefined;
      return out ?? inn;
    };
  }
  const alarm = new AlarmEvaluator(policy.alarm, options);
  // Auto Scaling actions run every minute the alarm stays in ALARM (AWS_DOCS.alarmActions).
  if (policy.kind === 'step') {
    return (store, minute, view) => (alarm.evaluate(store, minute) === 'ALARM' ? stepScalingDesired(policy, alarm.latest, view) : undefined);
  }
  return (store, minute, view, now, lastActivity) =>
    (alarm.evaluate(store, minute) === 'ALARM' ? simpleScalingDesired(policy, view, now, lastActivity) : undefined);
}

/**
 * Replays `workload` through `fleet` at one-minute resolution with per-job events: each minute
 * scheduled actions fire, spot notices arrive, jobs arrive and start, the metrics of the minute
 * are published, and every alarm and policy evaluates (predictive scaling at its forecast hours);
 * when several policies act, the largest capacity wins (AWS_DOCS.multiplePolicies). The group
 * then launches or terminates to its desired capacity within [MinSize, MaxSize].
 */
export function simulate(fleet: FleetModel, workload: Workload, options: SimulationOptions): SimulationTrace {
  const minutes = options.minutes;
  const store = new MetricStore(minutes);
  const measureFromMinute = options.measureFromMinute ?? 0;
  const runtime = new FleetRuntime(fleet, workload, {
    ...options, launch: launchOutcome(fleet.launchHook, fleet.bootHeartbeats, options.bootSeconds), measureFromSeconds: measureFromMinute * 60,
  });
  const decisions = fleet.policies.map((p) => decider(p, options));
  const timeline = scheduleTimeline(fleet.schedules, options.startEpochSeconds, minutes);
  let size: GroupSize = timeline.before.reduce(applySchedule, { minSize: fleet.minSize, maxSize: fleet.maxSize, desired: fleet.minSize });
  runtime.launch(size.desired, 0, true);
  const visible = new Int32Array(minutes);
  const desired = new Int32Array(minutes);
  const inService = new Int32Array(minutes);
  const awakeAt = new Uint8Array(minutes);
  const events: ScalingEvent[] = [];
  // The queue's history before the start is unknown: it starts active.
  let sqsActive = true;
  let reactivatedAt = Number.NEGATIVE_INFINITY;

  for (let m = 0; m < minutes; m++) {
    const t0 = m * 60;
    const t1 = t0 + 60;
    for (const action of timeline.at.get(m) ?? []) {
      const next = applySchedule(size, action);
      if (next.desired !== size.desired) events.push({ minute: m, cause: action.name, from: size.desired, to: next.desired });
      size = next;
    }
    runtime.abandonLaunches(t0);
    reconcile(runtime, size.desired, t0);
    awakeAt[m] = runtime.counts(t0).inService > 0 ? 1 : 0;
    runtime.interruptSpot(t0);
    reconcile(runtime, size.desired, t0);
    const sent = runtime.runMinute(t0);

    const q = runtime.queueSample(t1);
    const counts = runtime.counts(t1);
    const active = q.visible + q.inFlight > 0 || t1 - runtime.lastQueueActivity <= SQS_ACTIVE_SECONDS;
    if (active && !sqsActive) reactivatedAt = m;
    sqsActive = active;
    if (m < reactivatedAt + options.sqsReactivationDelayMinutes) store.holdSqsBack(m, reactivatedAt + options.sqsReactivationDelayMinutes);
    // SQS metrics exist only while the queue is active; NotVisible only with jobs in flight and
    // the oldest age only with a job waiting (AWS_DOCS.sqsMetrics).
    store.record('visible', m, active ? q.visible : undefined);
    store.record('inFlight', m, active && q.inFlight > 0 ? q.inFlight : undefined);
    store.record('sent', m, active ? sent : undefined);
    store.record('oldestAgeSeconds', m, active ? q.oldestAgeSeconds : undefined);
    store.record('inService', m, counts.inService);
    store.record('desired', m, size.desired);
    store.record('gpuUtilization', m, runtime.gpuUtilization(t1));
    store.record('cpuUtilization', m, runtime.cpuUtilization(t1));
    visible[m] = q.visible;
    desired[m] = size.desired;
    inService[m] = counts.inService;

    const view: CapacityView = { desired: size.desired, ...counts };
    let wanted: number | undefined;
    let cause = '';
    decisions.forEach((decide, k) => {
      const action = decide(store, m + 1, view, t1, runtime.lastActivityCompleted, size.maxSize);
      const d = typeof action === 'object' ? action.desired : action;
      if (typeof action === 'object' && action.maxSize !== undefined && action.maxSize > size.maxSize) size = { ...size, maxSize: action.maxSize };
      if (d !== undefined && d !== size.desired && (wanted === undefined || d > wanted)) { wanted = d; cause = fleet.policies[k].name; }
    });
    const next = wanted === undefined ? size.desired : Math.min(size.maxSize, Math.max(size.minSize, wanted));
    if (next !== size.desired) {
      events.push({ minute: m + 1, cause, from: size.desired, to: next });
      size = { ...size, desired: next };
    }
  }
  const end = minutes * 60;
  runtime.finish(end);
  const arrivedAwake = new Uint8Array(workload.arrivalSeconds.length);
  workload.arrivalSeconds.forEach((t, j) => { arrivedAwake[j] = awakeAt[Math.min(minutes - 1, Math.floor(t / 60))]; });
  return {
    fleet,
    workload,
    jobStatus: runtime.status,
    waitSeconds: runtime.waitSeconds,
    arrivedAwake,
    visible,
    desired,
    inService,
    spotInstanceSeconds: runtime.spotSeconds,
    onDemandInstanceSeconds: runtime.onDemandSeconds,
    busySeconds: runtime.busySeconds,
    measureFromMinute,
    spotInterruptions: runtime.interruptions,
    launchesAbandoned: runtime.launchesAbandoned,
    events,
  };
}

/** Launches or terminates (unprotected instances only) toward `desired`. */
function reconcile(runtime: FleetRuntime, desired: number, now: number): void {
  const live = runtime.liveCount();
  if (live < desired) runtime.launch(desired - live, now);
  else if (live > desired) runtime.terminate(live - desired, now);
}
