import { SimplePolicyModel } from './fleet-model';
import { CapacityView } from './capacity-view';
import { adjusted } from './step-scaling';

/**
 * The desired capacity a simple policy asks for while its alarm is in ALARM, or undefined while
 * the group is in its cooldown: after any launch or termination completes, simple policies wait
 * `cooldownSeconds` before acting again (AWS_DOCS.cooldown). Warming instances play no part.
 */
export function simpleScalingDesired(
  policy: SimplePolicyModel,
  view: CapacityView,
  nowSeconds: number,
  lastActivityCompletedSeconds: number,
): number | undefined {
  if (nowSeconds < lastActivityCompletedSeconds + policy.cooldownSeconds) return undefined;
  const target = adjusted(policy.adjustmentType, policy.adjustment, view.desired, policy.minAdjustmentMagnitude);
  return target === view.desired ? undefined : target;
}
