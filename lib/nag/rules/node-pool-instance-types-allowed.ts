import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { NagRule } from '../nag-rule';
import { isGpuNodePool, nodePoolInstanceTypes, nodePoolsOf } from '../node-pools';

/**
 * Every GPU NodePool a Kubernetes manifest resource applies names its instance types
 * (`node.kubernetes.io/instance-type In [...]`), and each one is in `allowedInstanceTypes`.
 * A pool constrained only by family or category could launch any size of it, so it fails
 * with the finding `any`. One finding per type outside the list, e.g.
 * `GpuCost-NodePoolInstanceTypesAllowed[g5.48xlarge]`.
 */
export function nodePoolInstanceTypesAllowed(allowedInstanceTypes: readonly string[]): NagRule {
  return function NodePoolInstanceTypesAllowed(node: CfnResource) {
    const pools = nodePoolsOf(node)?.filter(isGpuNodePool);
    if (pools === undefined || pools.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const denied = pools.flatMap((pool) => {
      const types = nodePoolInstanceTypes(pool);
      return types === undefined ? ['any'] : types.filter((t) => !allowedInstanceTypes.includes(t));
    });
    return denied.length > 0 ? [...new Set(denied)] : NagRuleCompliance.COMPLIANT;
  };
}
