import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isGpuNodePool, nodePoolName, nodePoolsOf } from '../node-pools';

/**
 * Every GPU NodePool a Kubernetes manifest resource applies can reach 0 nodes on its own
 * (applied outside prod): it is not a static pool (no `replicas`), and it consolidates empty
 * nodes (`disruption.consolidateAfter` is a duration, not `Never`; both consolidation policies
 * remove empty nodes). One finding per pool that cannot, e.g. `GpuCost-NodePoolScalesToZero[gpu]`.
 */
export function NodePoolScalesToZero(node: CfnResource): NagRuleResult {
  const pools = nodePoolsOf(node)?.filter(isGpuNodePool);
  if (pools === undefined || pools.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const stuck = pools.filter((pool) => {
    const consolidateAfter = pool.spec.disruption?.consolidateAfter;
    return pool.spec.replicas !== undefined || consolidateAfter === undefined || consolidateAfter === 'Never';
  });
  return stuck.length > 0 ? stuck.map(nodePoolName) : NagRuleCompliance.COMPLIANT;
}
