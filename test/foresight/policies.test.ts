import { CapacityView } from '../../lib/foresight/capacity-view';
import { StepPolicyModel } from '../../lib/foresight/fleet-model';
import { simpleScalingDesired } from '../../lib/foresight/simple-scaling';
import { percentChange, stepFor, stepScalingDesired } from '../../lib/foresight/step-scaling';
import { targetTrackingDesired } from '../../lib/foresight/target-tracking';
import { alarm, metric } from './fixtures';

const view = (over: Partial<CapacityView> = {}): CapacityView => ({ desired: 2, inService: 2, settled: 2, warming: 0, terminating: 0, ...over });

/**
 * AWS's example in "Step adjustments for step scaling"
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html): "an Auto
 * Scaling group that has both a current capacity and a desired capacity of 10 [...] a CloudWatch
 * alarm with a breach threshold of 50 percent and scale-out and scale-in policies [...] an
 * adjustment type of PercentChangeInCapacity".
 */
describe("step scaling: AWS's example of step adjustments", () => {
  const scaleOut: StepPolicyModel = {
    kind: 'step', name: 'out', adjustmentType: 'PercentChangeInCapacity',
    steps: [{ lowerBound: 0, upperBound: 10, adjustment: 0 }, { lowerBound: 10, upperBound: 20, adjustment: 10 }, { lowerBound: 20, adjustment: 30 }],
    alarm: alarm({ threshold: 50, comparisonOperator: 'GreaterThanOrEqualToThreshold' }),
  };
  const scaleIn: StepPolicyModel = {
    kind: 'step', name: 'in', adjustmentType: 'PercentChangeInCapacity',
    steps: [{ lowerBound: -10, upperBound: 0, adjustment: 0 }, { lowerBound: -20, upperBound: -10, adjustment: -10 }, { upperBound: -20, adjustment: -30 }],
    alarm: alarm({ threshold: 50, comparisonOperator: 'LessThanOrEqualToThreshold' }),
  };
  const steady = (n: number) => view({ desired: n, inService: n, settled: n });

  test('"The desired and current capacity is maintained while the aggregated metric value is greater than 40 and less than 60"', () => {
    for (const value of [40.5, 50, 59.9]) {
      expect(stepScalingDesired(scaleOut, value, steady(10))).toBeUndefined();
      expect(stepScalingDesired(scaleIn, value, steady(10))).toBeUndefined();
    }
  });

  test('"If the metric value gets to 60, the desired capacity of the group increases by 1 instance, to 11 instances"', () => {
    expect(stepScalingDesired(scaleOut, 60, steady(10))).toBe(11);
  });

  test('"If the metric value rises to 70 [...] increases by another 3 instances, to 14 instances [...] (add 30 percent of 11 instances, 3.3 instances, rounded down to 3 instances)"', () => {
    expect(stepScalingDesired(scaleOut, 70, steady(11))).toBe(14);
  });

  test('"If the metric value gets to 40, the desired capacity of the group decreases by 1 instance, to 13 instances [...] (remove 10 percent of 14 instances, 1.4 instances, rounded down to 1 instance)"', () => {
    expect(stepScalingDesired(scaleIn, 40, steady(14))).toBe(13);
  });

  test('"If the metric value falls to 30 [...] decreases by another 3 instances, to 10 instances [...] (remove 30 percent of 13 instances, 3.9 instances, rounded down to 3 instances)"', () => {
    expect(stepScalingDesired(scaleIn, 30, steady(13))).toBe(10);
  });

  test('bounds: above the threshold the lower bound is inclusive and the upper exclusive; below it the lower exclusive and the upper inclusive', () => {
    expect(stepFor(scaleOut, 60)).toBe(scaleOut.steps[1]);
    expect(stepFor(scaleOut, 70)).toBe(scaleOut.steps[2]);
    expect(stepFor(scaleIn, 40)).toBe(scaleIn.steps[1]);
    expect(stepFor(scaleIn, 30)).toBe(scaleIn.steps[2]);
  });

  test('the API reference\'s example: threshold 50, bounds 0 and 10 take 50 <= metric < 60; bounds -10 and 0 take 40 < metric <= 50', () => {
    const upper = { ...scaleOut, steps: [{ lowerBound: 0, upperBound: 10, adjustment: 1 }] };
    const lower = { ...scaleIn, steps: [{ lowerBound: -10, upperBound: 0, adjustment: -1 }] };
    expect([50, 59.99, 60].map((v) => stepFor(upper, v) !== undefined)).toEqual([true, true, false]);
    expect([40, 40.01, 50].map((v) => stepFor(lower, v) !== undefined)).toEqual([false, true, true]);
  });

  test('"suppose that the metric gets to 60, and then it gets to 62 while the new instance is still warming up [...] the scaling policy does not increase the desired capacity further"', () => {
    expect(stepScalingDesired(scaleOut, 62, view({ desired: 11, inService: 10, settled: 10, warming: 1 }))).toBeUndefined();
  });

  test('"If the metric gets to 70 while the new instance is still warming up [...] we add only 2 instances, for a new desired capacity of 13 instances"', () => {
    expect(stepScalingDesired(scaleOut, 70, view({ desired: 11, inService: 10, settled: 10, warming: 1 }))).toBe(13);
  });
});

describe('PercentChangeInCapacity rounding and MinAdjustmentMagnitude (AWS: "Scaling adjustment types")', () => {
  test('"Values greater than 1 are rounded down. For example, 12.7 is rounded to 12."', () => {
    expect(percentChange(100, 12.7)).toBe(12);
  });

  test('"Values between 0 and 1 are rounded to 1. For example, .67 is rounded to 1."', () => {
    expect(percentChange(100, 0.67)).toBe(1);
    expect(percentChange(2, 25)).toBe(1);
  });

  test('"Values between 0 and -1 are rounded to -1. For example, -.58 is rounded to -1."', () => {
    expect(percentChange(100, -0.58)).toBe(-1);
  });

  test('"Values less than -1 are rounded up. For example, -6.67 is rounded to -6."', () => {
    expect(percentChange(100, -6.67)).toBe(-6);
  });

  test('"a policy that adds 25 percent and you specify a minimum increment of 2 instances [...] a group with 4 instances [...] there are 2 instances added"', () => {
    expect(percentChange(4, 25, 2)).toBe(2);
    expect(percentChange(4, 25)).toBe(1);
  });
});

describe('step scaling on this project\'s policies', () => {
  const wakeUp: StepPolicyModel = { kind: 'step', name: 'wake', adjustmentType: 'ChangeInCapacity', steps: [{ lowerBound: 0, adjustment: 1 }], alarm: alarm({ threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold' }) };
  const gpuScaleIn: StepPolicyModel = { kind: 'step', name: 'in', adjustmentType: 'ChangeInCapacity', steps: [{ upperBound: 0, adjustment: -1 }], alarm: alarm({ threshold: 40, comparisonOperator: 'LessThanThreshold' }) };
  const toZero: StepPolicyModel = { kind: 'step', name: 'zero', adjustmentType: 'ExactCapacity', steps: [{ upperBound: 0, adjustment: 0 }], alarm: alarm({ threshold: 0, comparisonOperator: 'LessThanOrEqualToThreshold' }) };

  test('the queue-idle step (upper bound 0 on a <= 0 alarm) takes the value 0, the threshold itself', () => {
    expect(stepScalingDesired(toZero, 0, view({ desired: 1, inService: 1, settled: 1 }))).toBe(0);
  });

  test('with no datapoint (missing data breaching), the step that holds the threshold applies', () => {
    expect(stepScalingDesired(toZero, undefined, view({ desired: 1, inService: 1, settled: 1 }))).toBe(0);
  });

  test('a repeated breach does not add again while the capacity it added warms', () => {
    expect(stepScalingDesired(wakeUp, 1, view({ desired: 0, inService: 0, settled: 0 }))).toBe(1);
    expect(stepScalingDesired(wakeUp, 1, view({ desired: 1, inService: 0, settled: 0, warming: 1 }))).toBeUndefined();
  });

  test('scale-in waits while an instance is warming', () => {
    expect(stepScalingDesired(gpuScaleIn, 5, view({ warming: 1 }))).toBeUndefined();
    expect(stepScalingDesired(gpuScaleIn, 5, view())).toBe(1);
  });

  test('scale-in counts a terminating instance as current capacity: it does not remove another', () => {
    expect(stepScalingDesired(gpuScaleIn, 5, view({ desired: 2, inService: 2, terminating: 1 }))).toBeUndefined();
  });

  test('scale-in counts an instance kept by scale-in protection: desired does not fall again', () => {
    expect(stepScalingDesired(gpuScaleIn, 5, view({ desired: 1, inService: 2, settled: 2 }))).toBeUndefined();
  });

  test('a value outside every step does nothing', () => {
    expect(stepScalingDesired(gpuScaleIn, 50, view())).toBeUndefined();
  });
});

describe('simple scaling', () => {
  const policy = { kind: 'simple' as const, name: 'up', adjustmentType: 'ChangeInCapacity' as const, adjustment: 2, cooldownSeconds: 300, alarm: alarm() };

  test('ignores its alarm during the cooldown after a scaling activity', () => {
    expect(simpleScalingDesired(policy, view(), 1000, 800)).toBeUndefined();
  });

  test('adds its adjustment once the cooldown is over', () => {
    expect(simpleScalingDesired(policy, view(), 1100, 800)).toBe(4);
  });

  test('rounds a percent change as step scaling does', () => {
    expect(simpleScalingDesired({ ...policy, adjustmentType: 'PercentChangeInCapacity', adjustment: 25 }, view(), 1100, 800)).toBe(3);
  });
});

describe('target tracking capacity', () => {
  const policy = { kind: 'targetTracking' as const, name: 'tt', targetValue: 12, queries: metric('visible'), periodSeconds: 60, disableScaleIn: false };

  test('scale-out is proportional to the metric', () => {
    expect(targetTrackingDesired(policy, 'out', 30, view({ desired: 1, inService: 1 }))).toBe(3);
  });

  test('scale-out never lowers a desired capacity that already counts warming instances', () => {
    expect(targetTrackingDesired(policy, 'out', 13, view({ desired: 3, inService: 1, warming: 2 }))).toBe(3);
  });

  test('scale-in waits for warming instances and never happens with DisableScaleIn', () => {
    expect(targetTrackingDesired(policy, 'in', 0, view({ warming: 1 }))).toBeUndefined();
    expect(targetTrackingDesired({ ...policy, disableScaleIn: true }, 'in', 0, view())).toBeUndefined();
    expect(targetTrackingDesired(policy, 'in', 0, view())).toBe(0);
  });
});
