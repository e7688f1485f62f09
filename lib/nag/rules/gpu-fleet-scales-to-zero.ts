import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup, CfnScheduledAction } from 'aws-cdk-lib/aws-autoscaling';
import { CfnEC2Fleet } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { idleShutdownAlarmsOf } from '../idle-shutdown/idle-shutdown-alarms';
import { gpuFleetOf, references, resolved, resourcesInStackOf } from '../resource-lookup';

function hasScheduledScaleDown(group: CfnAutoScalingGroup): boolean {
  return resourcesInStackOf(group, CfnScheduledAction).some(
    (action) => references(action, action.autoScalingGroupName, group) && Number(resolved(action, action.minSize)) === 0,
  );
}

/**
 * A GPU fleet can reach 0 instances on its own (applied outside prod):
 * - an Auto Scaling group has a scheduled action referencing it with MinSize 0, or it has
 *   MinSize 0 and an idle-shutdown alarm (see `idleShutdownAlarmsOf`);
 * - an EC2 Fleet has a total target capacity of 0, or an idle-shutdown alarm.
 */
export function GpuFleetScalesToZero(node: CfnResource): NagRuleResult {
  const fleet = gpuFleetOf(node);
  if (fleet === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const idleShutdown = idleShutdownAlarmsOf(fleet).length > 0;
  if (fleet instanceof CfnAutoScalingGroup) {
    const minSize = Number(NagRules.resolveIfPrimitive(fleet, fleet.minSize));
    return hasScheduledScaleDown(fleet) || (minSize === 0 && idleShutdown)
      ? NagRuleCompliance.COMPLIANT
      : NagRuleCompliance.NON_COMPLIANT;
  }
  const target = resolved<CfnEC2Fleet.TargetCapacitySpecificationRequestProperty>(fleet, fleet.targetCapacitySpecification);
  return Number(NagRules.resolveIfPrimitive(fleet, target.totalTargetCapacity)) === 0 || idleShutdown
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
