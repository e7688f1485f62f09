import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { gpuInstancesOf } from '../gpu-instances';
import { NagRule } from '../nag-rule';

/**
 * All GPU fleets of one environment together stay at or below `maxInstances`: the sum, over
 * every resource below the environment `environmentOf(node)` returns, of each GPU Auto Scaling
 * group's MaxSize, GPU EC2 Fleet's total target capacity and GPU NodePool's node limit (see
 * `gpuInstancesOf`). Fleets that each respect the per-fleet cap can still add up past what the
 * environment may spend, e.g. one more inference service. While the sum is above the cap, every
 * GPU fleet that counts towards it is non-compliant, so the findings name them all.
 */
export function environmentGpuInstances(maxInstances: number, environmentOf: (node: CfnResource) => IConstruct): NagRule {
  return function EnvironmentGpuInstances(node: CfnResource) {
    if (gpuInstancesOf(node) === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const total = environmentOf(node).node.findAll()
      .filter(CfnResource.isCfnResource)
      .reduce((sum, resource) => sum + (gpuInstancesOf(resource) ?? 0), 0);
    return total <= maxInstances ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  };
}
