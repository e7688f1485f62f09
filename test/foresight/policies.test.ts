import { simpleScalingDesired } from '../../lib/foresight/simple-scaling';
import { stepScalingDesired } from '../../lib/foresight/step-scaling';
import { targetTrackingDesired } from '../../lib/foresight/target-tracking';
import { alarm, metric } from './fixtures';

const view = (over: Partial<{ desired: number; inService: number; settled: number; warming: number }> = {}) =>
  ({ desired: 2, inService: 2, settled: 2, warming: 0, ...over });

describe('simple scaling', () => {
  const policy = { kind: 'simple' as const, name: 'up', adjustmentType: 'ChangeInCapacity' as const, adjustment: 2, cooldownSeconds: 300, alarm: alarm() };

  test('ignores its alarm during the cooldown after a scaling activity', () => {
    expect(simpleScalingDesired(policy, view(), 1000, 800)).toBeUndefined();
  });

  test('adds its adjustment once the cooldown is over', () => {
    expect(simpleScalingDesired(policy, view(), 1100, 800)).toBe(4);
  });
});

describe('step scaling', () => {
  const wakeUp = { kind: 'step' as const, name: 'wake', adjustmentType: 'ChangeInCapacity' as const, steps: [{ lowerBound: 0, adjustment: 1 }], alarm: alarm({ threshold: 1 }) };
  const scaleIn = { kind: 'step' as const, name: 'in', adjustmentType: 'ChangeInCapacity' as const, steps: [{ upperBound: 0, adjustment: -1 }], alarm: alarm({ threshold: 20 }) };

  test('a repeated breach does not add again while the capacity it added warms', () => {
    expect(stepScalingDesired(wakeUp, 1, view({ desired: 0, inService: 0, settled: 0 }))).toBe(1);
    expect(stepScalingDesired(wakeUp, 1, view({ desired: 1, inService: 0, settled: 0, warming: 1 }))).toBeUndefined();
  });

  test('scale-in waits while an instance is warming', () => {
    expect(stepScalingDesired(scaleIn, 5, view({ warming: 1 }))).toBeUndefined();
    expect(stepScalingDesired(scaleIn, 5, view())).toBe(1);
  });

  test('a value outside every step does nothing', () => {
    expect(stepScalingDesired(scaleIn, 50, view())).toBeUndefined();
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
