import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { CfnEC2Fleet } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRules } from 'cdk-nag';
import { NagRule } from '../nag-rule';
import { gpuFleetOf, resolved } from '../resource-lookup';

/**
 * A GPU Auto Scaling group's MaxSize, or a GPU EC2 Fleet's total target capacity, is at or
 * below `maxInstances`: the environment's cap on how many GPU instances one fleet may run.
 */
export function gpuFleetMaxSize(maxInstances: number): NagRule {
  return function GpuFleetMaxSize(node: CfnResource) {
    const fleet = gpuFleetOf(node);
    if (fleet === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const size = fleet instanceof CfnAutoScalingGroup
      ? NagRules.resolveIfPrimitive(fleet, fleet.maxSize)
      : NagRules.resolveIfPrimitive(fleet, resolved<CfnEC2Fleet.TargetCapacitySpecificationRequestProperty>(fleet, fleet.targetCapacitySpecification).totalTargetCapacity);
    return Number(size) <= maxInstances ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  };
}
