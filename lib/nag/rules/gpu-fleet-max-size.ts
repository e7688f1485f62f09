import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { maxInstancesOf } from '../gpu-instances';
import { NagRule } from '../nag-rule';
import { gpuFleetOf } from '../resource-lookup';

/**
 * A GPU Auto Scaling group's MaxSize, or a GPU EC2 Fleet's total target capacity, is at or
 * below `maxInstances`: the environment's cap on how many GPU instances one fleet may run.
 */
export function gpuFleetMaxSize(maxInstances: number): NagRule {
  return function GpuFleetMaxSize(node: CfnResource) {
    const fleet = gpuFleetOf(node);
    if (fleet === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    return maxInstancesOf(fleet) <= maxInstances ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  };
}
