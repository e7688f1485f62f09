import { AdjustmentType, StepPolicyModel } from './fleet-model';
import { CapacityView } from './capacity-view';
import { Datapoint } from './metric-math';

/** The step whose interval holds `value - threshold`; with no value (missing data breaching), the first step. */
export function stepFor(policy: StepPolicyModel, value: Datapoint): StepPolicyModel['steps'][number] | undefined {
  if (value === undefined) return policy.steps[0];
  const delta = value - policy.alarm.threshold;
  return policy.steps.find((s) => (s.lowerBound === undefined || delta >= s.lowerBound) && (s.upperBound === undefined || delta < s.upperBound));
}

/** Desired capacity after applying `adjustment` of `type` to `base`. */
export function adjusted(type: AdjustmentType, adjustment: number, base: number): number {
  if (type === 'ExactCapacity') return adjustment;
  if (type === 'PercentChangeInCapacity') return base + Math.trunc((base * adjustment) / 100);
  return base + adjustment;
}

/**
 * The desired capacity a step policy asks for while its alarm is in ALARM (AWS_DOCS.stepScaling):
 * a scale-out counts warming instances as capacity already added, so the same breach does not add
 * again while they warm (the new desired is the larger of the current one and the non-warming
 * capacity plus the step); scale-in waits while any instance is warming
 * (AWS_DOCS.defaultInstanceWarmup).
 */
export function stepScalingDesired(policy: StepPolicyModel, value: Datapoint, view: CapacityView): number | undefined {
  const step = stepFor(policy, value);
  if (!step) return undefined;
  const target = adjusted(policy.adjustmentType, step.adjustment, policy.adjustmentType === 'ExactCapacity' ? view.desired : view.settled);
  if (target > view.desired) return policy.adjustmentType === 'ExactCapacity' ? target : Math.max(view.desired, target);
  if (target < view.desired) {
    if (view.warming > 0) return undefined;
    return policy.adjustmentType === 'ExactCapacity' ? target : adjusted(policy.adjustmentType, step.adjustment, view.desired);
  }
  return undefined;
}
