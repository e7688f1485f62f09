import { FleetRuntime } from '../../lib/foresight/fleet-runtime';
import { seedStepPolicy } from '../../lib/foresight/seed-policy';
import { simulate } from '../../lib/foresight/simulator';
import { alarm, fleet, jobs, metric, options } from './fixtures';

describe('simulate', () => {
  test('a warming instance is not in the GPU utilization metric', () => {
    const runtime = new FleetRuntime(fleet({ defaultInstanceWarmupSeconds: 300 }), jobs([0, 1, 2]), options(10));
    runtime.launch(1, 0);
    runtime.runMinute(120);
    expect(runtime.gpuUtilization(180)).toBeUndefined();
  });

  test('a settled, busy instance is', () => {
    const runtime = new FleetRuntime(fleet(), jobs([0]), { ...options(10), bootSeconds: 0 });
    runtime.launch(1, 0, true);
    runtime.runMinute(0);
    expect(runtime.gpuUtilization(60)).toBeCloseTo((10 / 60) * 100);
  });

  test('a busy instance is protected from scale-in; an idle one is terminated', () => {
    const runtime = new FleetRuntime(fleet(), jobs([0], 600), options(20));
    runtime.launch(2, 0, true);
    runtime.runMinute(0);
    expect(runtime.terminate(2, 60)).toBe(1);
    expect(runtime.liveCount()).toBe(1);
  });

  test('a spot interruption returns a job that cannot finish within the notice to the queue', () => {
    const runtime = new FleetRuntime(fleet(), jobs([0], 600), { ...options(20), spotInterruptionsPerInstanceHour: 1e9 });
    runtime.launch(1, 0, true);
    runtime.runMinute(0);
    runtime.interruptSpot(60);
    expect(runtime.queueSample(120).visible).toBe(1);
  });

  test('a wake-up alarm starts the fleet from zero and the job completes after the boot', () => {
    const wake = fleet({
      policies: [{ kind: 'step', name: 'wake', adjustmentType: 'ChangeInCapacity', steps: [{ lowerBound: 0, adjustment: 1 }], alarm: alarm({ threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold' }) }],
    });
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

  test("the seed's policy does not wake a fleet at zero for 10 jobs or fewer", () => {
    const trace = simulate(seedStepPolicy(fleet()), jobs([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), options(60));
    expect(trace.jobStatus.every((s) => s === 0)).toBe(true);
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
