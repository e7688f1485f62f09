import { FleetRuntime, RuntimeOptions } from '../../lib/foresight/fleet-runtime';
import { simulate } from '../../lib/foresight/simulator';
import { fleet, jobs, options } from './fixtures';

const runtimeOptions = (over: Partial<RuntimeOptions> = {}): RuntimeOptions =>
  ({ launch: { result: 'InService', atSeconds: 120 }, agentStartSeconds: 60, spotInterruptionsPerInstanceHour: 0, seed: 1, ...over });

describe('concurrent jobs on one instance (maxConcurrentJobs)', () => {
  test('an instance with two slots starts two waiting jobs at once', () => {
    const trace = simulate(fleet({ minSize: 1, maxSize: 1, maxConcurrentJobs: 2 }), jobs([0, 0, 0], 30), options(5));
    expect(Array.from(trace.waitSeconds)).toEqual([0, 0, 30]);
  });

  test('with one slot, jobs wait for each other', () => {
    const trace = simulate(fleet({ minSize: 1, maxSize: 1 }), jobs([0, 0, 0], 30), options(5));
    expect(Array.from(trace.waitSeconds)).toEqual([0, 30, 60]);
  });

  test('the GPU is busy while one or more jobs run: overlapping jobs count once (NVML utilization.gpu)', () => {
    const runtime = new FleetRuntime(fleet({ maxConcurrentJobs: 2 }), jobs([0, 0], 30), runtimeOptions());
    runtime.launch(1, 0, true);
    runtime.runMinute(0);
    expect(runtime.gpuUtilization(60)).toBeCloseTo(50);
  });

  test('a busy slot keeps the instance from scale-in while the other is free', () => {
    const runtime = new FleetRuntime(fleet({ maxConcurrentJobs: 2 }), jobs([0], 600), runtimeOptions());
    runtime.launch(1, 0, true);
    runtime.runMinute(0);
    expect(runtime.terminate(1, 60)).toBe(0);
  });

  test('a spot interruption returns every job that cannot finish within the notice', () => {
    const runtime = new FleetRuntime(fleet({ maxConcurrentJobs: 2 }), jobs([0, 0], 600), runtimeOptions({ spotInterruptionsPerInstanceHour: 1e9 }));
    runtime.launch(1, 0, true);
    runtime.runMinute(0);
    runtime.interruptSpot(60);
    expect(runtime.queueSample(120).visible).toBe(2);
  });
});

describe('throughput of the instance types (speed)', () => {
  test('a job of s seconds takes s / speed on an instance of that speed', () => {
    const trace = simulate(fleet({ minSize: 1, maxSize: 1 }), jobs([0, 0], 30), options(5, { speed: { onDemand: 3, spot: 3 } }));
    expect(trace.waitSeconds[1]).toBeCloseTo(10);
  });

  test('spot and on-demand instances run at their own types\' speeds', () => {
    // One on-demand instance (the base) at speed 1, one spot instance at speed 0.5: the spot one takes twice as long.
    const mixed = fleet({ minSize: 2, maxSize: 2, onDemandBaseCapacity: 1 });
    const trace = simulate(mixed, jobs([0, 0, 60, 60], 30), options(5, { speed: { onDemand: 1, spot: 0.5 } }));
    expect(trace.busySeconds).toBeCloseTo(30 + 60 + 30 + 60);
  });
});
