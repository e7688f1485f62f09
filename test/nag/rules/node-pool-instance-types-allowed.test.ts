import { NagRuleCompliance } from 'cdk-nag';
import { nodePoolInstanceTypesAllowed } from '../../../lib/nag/rules/node-pool-instance-types-allowed';
import { importedClusterStack } from '../../constructs/ml-platform/fixtures';
import { gpuNodePool, manifestResource } from '../../helpers/node-pool-fixtures';

const rule = nodePoolInstanceTypesAllowed(['g5.xlarge', 'g6.xlarge']);

function poolOf(values: string[] | undefined, key = 'node.kubernetes.io/instance-type') {
  const pool = gpuNodePool();
  pool.spec.template.spec.requirements[0] = values === undefined
    ? { key: 'eks.amazonaws.com/instance-family', operator: 'In', values: ['g5'] }
    : { key, operator: 'In', values };
  return pool;
}

test('a GPU pool of allowed types is compliant', () => {
  const { stack, cluster } = importedClusterStack();
  expect(rule(manifestResource(stack, 'M', cluster, poolOf(['g5.xlarge', 'g6.xlarge'])))).toBe(NagRuleCompliance.COMPLIANT);
});

test('each type outside the allow-list is one finding', () => {
  const { stack, cluster } = importedClusterStack();
  expect(rule(manifestResource(stack, 'M', cluster, poolOf(['g5.xlarge', 'g5.48xlarge', 'p5.48xlarge'])))).toEqual(['g5.48xlarge', 'p5.48xlarge']);
});

test('a GPU pool constrained only by family is the finding "any"', () => {
  const { stack, cluster } = importedClusterStack();
  expect(rule(manifestResource(stack, 'M', cluster, poolOf(undefined)))).toEqual(['any']);
});

test('a CPU pool is not applicable', () => {
  const { stack, cluster } = importedClusterStack();
  const pool = poolOf(['m6i.large']);
  delete (pool.spec as { limits?: unknown }).limits;
  delete (pool.spec.template.spec as { taints?: unknown }).taints;
  expect(rule(manifestResource(stack, 'M', cluster, pool))).toBe(NagRuleCompliance.NOT_APPLICABLE);
});
