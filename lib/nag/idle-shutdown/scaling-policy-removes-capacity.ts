import { CfnAutoScalingGroup, CfnScalingPolicy } from 'aws-cdk-lib/aws-autoscaling';
import { references, resolved } from '../resource-lookup';

/** The adjustments a simple or step scaling policy applies; undefined for other policy types. */
function adjustmentsOf(policy: CfnScalingPolicy): number[] | undefined {
  // CloudFormation's default policy type is SimpleScaling.
  const type = resolved<string | undefined>(policy, policy.policyType) ?? 'SimpleScaling';
  if (type === 'SimpleScaling') return [Number(resolved(policy, policy.scalingAdjustment))];
  if (type === 'StepScaling') {
    const steps = resolved<CfnScalingPolicy.StepAdjustmentProperty[] | undefined>(policy, policy.stepAdjustments) ?? [];
    return steps.map((step) => Number(step.scalingAdjustment));
  }
  return undefined;
}

/**
 * Whether `policy` is a scaling policy of `group` that removes capacity whenever it runs: a
 * simple or step policy with at least one adjustment, every one of which is
 * - negative, for `ChangeInCapacity` and `PercentChangeInCapacity`;
 * - below the group's MaxSize, for `ExactCapacity`.
 * Target tracking and predictive policies, and adjustments that do not resolve to numbers,
 * do not count.
 */
export function scalingPolicyRemovesCapacity(policy: CfnScalingPolicy, group: CfnAutoScalingGroup): boolean {
  if (!references(policy, policy.autoScalingGroupName, group)) return false;
  const adjustments = adjustmentsOf(policy);
  if (adjustments === undefined || adjustments.length === 0 || adjustments.some(Number.isNaN)) return false;
  switch (resolved<string | undefined>(policy, policy.adjustmentType)) {
    case 'ChangeInCapacity':
    case 'PercentChangeInCapacity':
      return adjustments.every((adjustment) => adjustment < 0);
    case 'ExactCapacity': {
      const maxSize = Number(resolved(group, group.maxSize));
      return adjustments.every((capacity) => capacity < maxSize);
    }
    default:
      return false;
  }
}
