import { NagRuleCompliance } from 'cdk-nag';
import { NodePoolScalesToZero } from '../../../lib/nag/rules/node-pool-scales-to-zero';
import { importedClusterStack } from '../../constructs/ml-platform/fixtures';
import { gpuNodePool, manifestResource } from '../../helpers/node-pool-fixtures';

test('a GPU pool that consolidates empty nodes is compliant', () => {
  const { stack, cluster } = importedClusterStack();
  expect(NodePoolScalesToZero(manifestResource(stack, 'M', cluster, gpuNodePool()))).toBe(NagRuleCompliance.COMPLIANT);
});

test('a GPU pool that never consolidates is non-compliant', () => {
  const { stack, cluster } = importedClusterStack();
  expect(NodePoolScalesToZero(manifestResource(stack, 'M', cluster, gpuNodePool({ disruption: { consolidateAfter: 'Never' } })))).toEqual(['gpu']);
});

test('a static GPU pool (replicas) is non-compliant', () => {
  const { stack, cluster } = importedClusterStack();
  expect(NodePoolScalesToZero(manifestResource(stack, 'M', cluster, gpuNodePool({ replicas: 1 })))).toEqual(['gpu']);
});

test('a GPU pool without a disruption block is non-compliant', () => {
  const { stack, cluster } = importedClusterStack();
  expect(NodePoolScalesToZero(manifestResource(stack, 'M', cluster, gpuNodePool({ disruption: undefined })))).toEqual(['gpu']);
});

test('other resources are not applicable', () => {
  const { stack, cluster } = importedClusterStack();
  expect(NodePoolScalesToZero(manifestResource(stack, 'M', cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }))).toBe(NagRuleCompliance.NOT_APPLICABLE);
});
