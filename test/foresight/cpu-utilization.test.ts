import { AWS_DOCS } from '../../lib/foresight/aws-docs';
import { StepPolicyModel } from '../../lib/foresight/fleet-model';
import { FleetRuntime, RuntimeOptions } from '../../lib/foresight/fleet-runtime';
import { simulate } from '../../lib/foresight/simulator';
import { alarm, fleet, jobs, options } from './fixtures';

const runtimeOptions = (over: Partial<RuntimeOptions> = {}): RuntimeOptions =>
  ({ launch: { result: 'InService', atSeconds: 120 }, agentStartSeconds: 60, spotInterruptionsPerInstanceHour: 0, seed: 1, ...over });

/**
 * A CPU fleet scales in on EC2's CPUUtilization aggregated by AutoScalingGroupName, to which an
 * instance contributes only once InService and past the default instance warmup
 * (AWS_DOCS.defaultInstanceWarmup: "how long after an instance reaches the InService state it
 * waits before contributing usage data to the aggregated metrics"). Busy share as CPU percent is
 * the simulator's assumption.
 */
describe(`EC2's CPU utilization of the group (${AWS_DOCS.defaultInstanceWarmup})`, () => {
  test('a booting instance is not in the aggregate, though its GPU twin would publish 0 %', () => {
    const runtime = new FleetRuntime(fleet(), jobs([]), runtimeOptions({ launch: { result: 'InService', atSeconds: 600 } }));
    runtime.launch(1, 0);
    expect(runtime.cpuUtilization(180)).toBeUndefined();
    expect(runtime.gpuUtilization(180)).toBe(0);
  });

  test('an InService instance joins the aggregate only after its warmup', () => {
    const runtime = new FleetRuntime(fleet({ defaultInstanceWarmupSeconds: 300 }), jobs([120, 121, 122]), runtimeOptions());
    runtime.launch(1, 0);
    for (let t0 = 120; t0 < 540; t0 += 60) {
      runtime.runMinute(t0);
      // InService at 120 s, warm at 420 s: the minute [420, 480) is its first in the aggregate.
      expect([t0 + 60, runtime.cpuUtilization(t0 + 60)]).toEqual([t0 + 60, t0 + 60 >= 480 ? 0 : undefined]);
    }
  });

  test('a warm instance reports the share of the minute it ran a job', () => {
    const runtime = new FleetRuntime(fleet(), jobs([0]), runtimeOptions());
    runtime.launch(1, 0, true);
    runtime.runMinute(0);
    expect(runtime.cpuUtilization(60)).toBeCloseTo((10 / 60) * 100);
  });
});

describe('a CPU fleet\'s idle scale-in, simulated', () => {
  // As UtilizationScaleIn renders it: below 40 % for 10 one-minute periods, never the last instance.
  const scaleIn: StepPolicyModel = {
    kind: 'step',
    name: 'cpu-scale-in',
    adjustmentType: 'ChangeInCapacity',
    steps: [{ upperBound: 0, adjustment: -1 }],
    alarm: alarm({
      queries: [
        { id: 'utilization', signal: 'cpuUtilization', statistic: 'Average', returnData: false },
        { id: 'inService', signal: 'inService', statistic: 'Minimum', returnData: false },
        { id: 'e', expression: 'IF(FILL(inService, 0) > 1, utilization, 100)', returnData: true },
      ],
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      threshold: 40,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'notBreaching',
    }),
  };

  // Two instances launched at 00:05 (yesterday's 12:00 action left none), no jobs.
  const twoIdle = (defaultInstanceWarmupSeconds: number) => simulate(fleet({
    maxSize: 3,
    defaultInstanceWarmupSeconds,
    schedules: [
      { name: 'none', cron: '0 12 * * *', timeZone: 'Etc/UTC', desiredCapacity: 0 },
      { name: 'two', cron: '5 0 * * *', timeZone: 'Etc/UTC', desiredCapacity: 2 },
    ],
    policies: [scaleIn],
  }), jobs([]), options(90, { bootSeconds: 120 }));
  const firstScaleIn = (warmup: number) => twoIdle(warmup).events.find((e) => e.cause === 'cpu-scale-in');

  test('removes an idle instance once ten warm minutes read below 40 %', () => {
    // InService at minute 7, warm through minute 8 with no warmup: ten datapoints, one minute late.
    expect(firstScaleIn(0)).toEqual({ minute: 7 + 10 + 1, cause: 'cpu-scale-in', from: 2, to: 1 });
  });

  test('waits for the warmup: until it ends, no datapoint, and a missing one does not breach', () => {
    // InService at minute 7, warm from minute 37: ten datapoints after that.
    expect(firstScaleIn(1800)?.minute).toBe(37 + 10 + 1);
  });
});
