import { AdjustmentType, ComparisonOperator, StepPolicyModel } from './fleet-model';
import { CapacityView } from './capacity-view';
import { Datapoint } from './metric-math';

/** Whether the alarm breaches above its threshold (GreaterThan...) rather than below it. */
function breachesAbove(operator: ComparisonOperator): boolean {
  return operator === 'GreaterThanThreshold' || operator === 'GreaterThanOrEqualToThreshold';
}

/**
 * The step whose interval holds `value - threshold` (AWS_DOCS.stepScaling, "Step adjustments"):
 * "If the metric value is above the breach threshold, the lower bound is inclusive and the upper
 * bound is exclusive. If the metric value is below the breach threshold, the lower bound is
 * exclusive and the upper bound is inclusive." A value exactly at the threshold breaches on the
 * alarm's side of it (>= alarms: above; <= alarms: below). With no value (missing data treated
 * as breaching), the step that holds the threshold itself.
 */
export function stepFor(policy: StepPolicyModel, value: Datapoint): StepPolicyModel['steps'][number] | undefined {
  const delta = value === undefined ? 0 : value - policy.alarm.threshold;
  const above = delta > 0 || (delta === 0 && breachesAbove(policy.alarm.comparisonOperator));
  return policy.steps.find((s) => (above
    ? (s.lowerBound === undefined || delta >= s.lowerBound) && (s.upperBound === undefined || delta < s.upperBound)
    : (s.lowerBound === undefined || delta > s.lowerBound) && (s.upperBound === undefined || delta <= s.upperBound)));
}

/**
 * A PercentChangeInCapacity change rounded as AWS_DOCS.stepScaling ("Scaling adjustment types")
 * documents: values greater than 1 are rounded down, between 0 and 1 to 1, between 0 and -1 to
 * -1, less than -1 up; then at least `minAdjustmentMagnitude` instances either way.
 */
export function percentChange(base: number, percent: number, minAdjustmentMagnitude = 0): number {
  const raw = (base * percent) / 100;
  let change: number;
  if (raw >= 1) change = Math.floor(raw);
  else if (raw > 0) change = 1;
  else if (raw > -1) change = raw === 0 ? 0 : -1;
  else change = Math.ceil(raw);
  if (change !== 0 && Math.abs(change) < minAdjustmentMagnitude) change = Math.sign(change) * minAdjustmentMagnitude;
  return change;
}

/** Desired capacity after applying `adjustment` of `type` to `base`. */
export function adjusted(type: AdjustmentType, adjustment: number, base: number, minAdjustmentMagnitude?: number): number {
  if (type === 'ExactCapacity') return adjustment;
  if (type === 'PercentChangeInCapacity') return base + percentChange(base, adjustment, minAdjustmentMagnitude);
  return base + adjustment;
}

/**
 * The desired capacity a step policy asks for while its alarm is in ALARM (AWS_DOCS.stepScaling,
 * "Instance warm-up"): "While scaling out, we do not consider instances that are warming up as
 * part of the current capacity" (the new desired is the larger of the current one and the
 * non-warming capacity plus the step), and "while scaling in, we consider instances that are
 * terminating as part of the current capacity" (so an instance on its way out, or kept by
 * scale-in protection, is not removed twice). Scale-in waits while any instance is warming
 * (AWS_DOCS.defaultInstanceWarmup).
 */
export function stepScalingDesired(policy: StepPolicyModel, value: Datapoint, view: CapacityView): number | undefined {
  const step = stepFor(policy, value);
  if (!step) return undefined;
  const { adjustmentType: type, minAdjustmentMagnitude: min } = policy;
  if (type === 'ExactCapacity') {
    if (step.adjustment > view.desired) return step.adjustment;
    return step.adjustment < view.desired && view.warming === 0 ? step.adjustment : undefined;
  }
  if (step.adjustment > 0) {
    const target = adjusted(type, step.adjustment, view.settled, min);
    return target > view.desired ? target : undefined;
  }
  if (step.adjustment === 0 || view.warming > 0) return undefined;
  const target = adjusted(type, step.adjustment, view.inService + view.terminating, min);
  return target < view.desired ? target : undefined;
}
