import { FleetModel, StepPolicyModel } from '../../lib/foresight/fleet-model';
import { FleetRuntime, RuntimeOptions } from '../../lib/foresight/fleet-runtime';
import { simulate } from '../../lib/foresight/simulator';
import { alarm, fleet, jobs, metric, options } from './fixtures';

const runtimeOptions = (over: Partial<RuntimeOptions> = {}): RuntimeOptions =>
  ({ launch: { result: 'InService', atSeconds: 120 }, agentStartSeconds: 60, spotInterruptionsPerInstanceHour: 0, seed: 1, ...over });

const wakeUp: StepPolicyModel = { kind: 'step', name: 'wake', adjustmentType: 'ChangeInCapacity', steps: [{ lowerBound: 0, adjustment: 1 }], alarm: alarm({ threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold' }) };

describe('the GPU utilization the instances publish', () => {
  test('a booting instance is in the average at 0 % once its CloudWatch agent runs', () => {
    const runtime = new FleetRuntime(fleet(), jobs([]), runtimeOptions({ launch: { result: 'InService', atSeconds: 600 } }));
    runtime.launch(1, 0);
    expect(runtime.gpuUtilization(60)).toBeUndefined();
    expect(runtime.gpuUtilization(180)).toBe(0);
  });

  test('a warming instance is in it: the default instance warmup filters only AWS\'s own aggregated metrics', () => {
    const runtime = new FleetRuntime(fleet({ defaultInstanceWarmupSeconds: 300 }), jobs([0, 1, 2]), runtimeOptions());
    runtime.launch(1, 0);
    runtime.runMinute(120);
    expect(runtime.gpuUtilization(180)).toBeCloseTo(50);
  });

  test('a busy instance reports the share of the minute its GPU worked', () => {
    const runtime = new FleetRuntime(fleet(), jobs([0]), runtimeOptions());
    runtime.launch(1, 0, true);
    runtime.runMinute(0);
    expect(runtime.gpuUtilization(60)).toBeCloseTo((10 / 60) * 100);
  });
});

describe('simulate', () => {
  test('a busy instance is protected from scale-in; an idle one is terminated', () => {
    const runtime = new FleetRuntime(fleet(), jobs([0], 600), runtimeOptions());
    runtime.launch(2, 0, true);
    runtime.runMinute(0);
    expect(runtime.terminate(2, 60)).toBe(1);
    expect(runtime.liveCount()).toBe(1);
  });

  test('a spot interruption returns a job that cannot finish within the notice to the queue', () => {
    const runtime = new FleetRuntime(fleet(), jobs([0], 600), runtimeOptions({ spotInterruptionsPerInstanceHour: 1e9 }));
    runtime.launch(1, 0, true);
    runtime.runMinute(0);
    runtime.interruptSpot(60);
    expect(runtime.queueSample(120).visible).toBe(1);
  });

  test('a wake-up alarm starts the fleet from zero and the job completes after the boot', () => {
    const wake = fleet({ policies: [wakeUp] });
    const trace = simulate(wake, jobs([5]), options(15));
    expect(trace.jobStatus[0]).toBe(2);
    // Visible in the datapoint of minute 0, which alarms see at 120 s (1 minute delay); InService 120 s later.
    expect(trace.waitSeconds[0]).toBeCloseTo(120 + 120 - 5, 0);
  });

  test('a scheduled action sets the group size in its time zone', () => {
    const scheduled = fleet({
      schedules: [
        { name: 'down', cron: '0 22 * * *', timeZone: 'Europe/Berlin', minSize: 0, desiredCapacity: 0 },
        { name: 'up', cron: '0 9 * * *', timeZone: 'Europe/Berlin', minSize: 2 },
      ],
    });
    // The simulation starts Monday 00:00 UTC, 01:00 in Berlin: yesterday's 22:00 action holds.
    const trace = simulate(scheduled, jobs([]), options(600));
    expect(trace.desired[7 * 60]).toBe(0);
    expect(trace.desired[8 * 60]).toBe(2);
  });

  test('a boot past its budget is abandoned by the launch hook and replaced, again and again', () => {
    const booting = fleet({ launchHook: { heartbeatTimeoutSeconds: 300, defaultResult: 'ABANDON' }, bootHeartbeats: { intervalSeconds: 60, budgetSeconds: 600 }, policies: [wakeUp] });
    const trace = simulate(booting, jobs([5]), options(45, { bootSeconds: 900 }));
    expect(trace.launchesAbandoned).toBeGreaterThanOrEqual(3);
    expect(trace.inService.every((n) => n === 0)).toBe(true);
    expect(trace.jobStatus[0]).toBe(0);
  });

  test('a boot longer than the hook timeout but within its budget goes InService: heartbeats keep the hook alive', () => {
    const booting = fleet({ launchHook: { heartbeatTimeoutSeconds: 300, defaultResult: 'ABANDON' }, bootHeartbeats: { intervalSeconds: 60, budgetSeconds: 1800 }, policies: [wakeUp] });
    const trace = simulate(booting, jobs([5]), options(30, { bootSeconds: 900 }));
    expect(trace.launchesAbandoned).toBe(0);
    expect(trace.jobStatus[0]).toBe(2);
  });

  test('SQS metrics of a queue coming back from inactivity are late: the wake-up waits for them', () => {
    const asleep = fleet({ policies: [wakeUp] });
    // The queue is idle for more than six hours, then a job arrives.
    const arrival = 7 * 3600;
    const wait = (sqsReactivationDelayMinutes: number) =>
      simulate(asleep, jobs([arrival]), options(8 * 60, { sqsReactivationDelayMinutes })).waitSeconds[0];
    // Its first datapoints reach the alarm 15 minutes after the queue woke, not 2 (period + 1 minute delay).
    expect(wait(15) - wait(0)).toBe(13 * 60);
  });

  test('a queue that has been active recently publishes at once', () => {
    const awake = fleet({ policies: [wakeUp] });
    const trace = simulate(awake, jobs([3600, 7200]), options(3 * 60, { sqsReactivationDelayMinutes: 15 }));
    expect(trace.waitSeconds[1]).toBeLessThan(6 * 60);
  });

  test('no repeated scale-in while instances kept by scale-in protection are still InService', () => {
    const busy: FleetModel = fleet({
      maxSize: 3,
      schedules: [{ name: 'three', cron: '0 0 * * *', timeZone: 'Etc/UTC', desiredCapacity: 3 }],
      policies: [{
        kind: 'step', name: 'gpu-low', adjustmentType: 'ChangeInCapacity', steps: [{ upperBound: 0, adjustment: -1 }],
        alarm: alarm({ queries: metric('gpuUtilization', 'Average'), threshold: 101, comparisonOperator: 'LessThanThreshold', treatMissingData: 'notBreaching' }),
      }],
    });
    const trace = simulate(busy, jobs([0, 0, 0], 3000), options(30));
    expect(trace.events.filter((e) => e.cause === 'gpu-low')).toHaveLength(1);
    expect(trace.desired[20]).toBe(2);
    expect(trace.inService[20]).toBe(3);
  });

  test('every job is completed once or still queued at the end, never lost or duplicated (property over seeds)', () => {
    const scaling = fleet({
      onDemandPercentageAboveBaseCapacity: 50,
      policies: [
        { kind: 'step', name: 'wake', adjustmentType: 'ChangeInCapacity', steps: [{ lowerBound: 0, adjustment: 2 }], alarm: alarm({ threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold' }) },
        { kind: 'step', name: 'idle', adjustmentType: 'ExactCapacity', steps: [{ upperBound: 0, adjustment: 0 }], alarm: alarm({ queries: metric('visible'), evaluationPeriods: 5, datapointsToAlarm: 5, comparisonOperator: 'LessThanOrEqualToThreshold', treatMissingData: 'breaching' }) },
      ],
    });
    for (let seed = 1; seed <= 8; seed++) {
      const arrivals = Array.from({ length: 400 }, (_, k) => (k * 7919 * seed) % (6 * 3600));
      const trace = simulate(scaling, jobs(arrivals.sort((a, b) => a - b), 30 + seed), options(8 * 60, { seed, spotInterruptionsPerInstanceHour: 0.5 }));
      const completed = trace.jobStatus.filter((s) => s === 2).length;
      const pending = trace.jobStatus.filter((s) => s === 0 || s === 1).length;
      expect(trace.jobStatus.filter((s) => s === 3)).toHaveLength(0);
      expect(completed + pending).toBe(arrivals.length);
      expect(trace.busySeconds).toBeLessThanOrEqual(arrivals.length * (30 + seed) + 1e-6);
    }
  });
});
