import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { NagRule } from '../nag-rule';
import { isGpuNodePool, maxGpuNodesOf, nodePoolName, nodePoolsOf } from '../node-pools';

/**
 * Every GPU NodePool a Kubernetes manifest resource applies has an `nvidia.com/gpu` limit that
 * keeps it within `maxInstances` nodes: the limit divided by the fewest GPUs of any of its
 * instance types (every GPU node has at least one). The fleet cap of Auto Scaling groups and
 * EC2 Fleets, applied to EKS Auto Mode / Karpenter. One finding per pool without a GPU limit
 * or above the cap, named after the pool, e.g. `GpuCost-NodePoolGpuLimit[gpu]`.
 */
export function nodePoolGpuLimit(maxInstances: number): NagRule {
  return function NodePoolGpuLimit(node: CfnResource) {
    const pools = nodePoolsOf(node)?.filter(isGpuNodePool);
    if (pools === undefined || pools.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const over = pools.filter((pool) => {
      const maxNodes = maxGpuNodesOf(pool);
      return maxNodes === undefined || !(maxNodes <= maxInstances);
    });
    return over.length > 0 ? over.map(nodePoolName) : NagRuleCompliance.COMPLIANT;
  };
}
