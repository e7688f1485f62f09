import { Validations } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { nodePoolGpuLimit } from '../../../lib/nag/rules/node-pool-gpu-limit';
import { importedClusterStack } from '../../constructs/ml-platform/fixtures';
import { findingsOf, synthWithNag } from '../../helpers/nag';
import { FIXTURE_LIMITS } from '../../helpers/nag-rule';
import { gpuNodePool, manifestResource } from '../../helpers/node-pool-fixtures';

const rule = nodePoolGpuLimit(4);

describe('NodePoolGpuLimit, as a function', () => {
  test('a GPU pool whose GPU limit allows 4 single-GPU nodes is compliant', () => {
    const { stack, cluster } = importedClusterStack();
    expect(rule(manifestResource(stack, 'M', cluster, gpuNodePool()))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a GPU pool whose GPU limit allows 5 nodes is non-compliant, named after the pool', () => {
    const { stack, cluster } = importedClusterStack();
    expect(rule(manifestResource(stack, 'M', cluster, gpuNodePool({ limits: { 'cpu': 16, 'nvidia.com/gpu': 5 } })))).toEqual(['gpu']);
  });

  test('16 GPUs of 4-GPU instances are 4 nodes: compliant', () => {
    const { stack, cluster } = importedClusterStack();
    const pool = gpuNodePool({ limits: { 'nvidia.com/gpu': 16 } });
    pool.spec.template.spec.requirements[0] = { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g5.12xlarge'] };
    expect(rule(manifestResource(stack, 'M', cluster, pool))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a GPU pool without a GPU limit is non-compliant', () => {
    const { stack, cluster } = importedClusterStack();
    expect(rule(manifestResource(stack, 'M', cluster, gpuNodePool({ limits: { cpu: 1000 } }), gpuNodePool({}, 'ok')))).toEqual(['gpu']);
  });

  test('a CPU pool is not applicable', () => {
    const { stack, cluster } = importedClusterStack();
    const pool = gpuNodePool({ limits: { cpu: 1000 } });
    pool.spec.template.spec.requirements[0] = { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m6i.large'] };
    delete (pool.spec.template.spec as { taints?: unknown }).taints;
    expect(rule(manifestResource(stack, 'M', cluster, pool))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('a manifest of other objects is not applicable', () => {
    const { stack, cluster } = importedClusterStack();
    expect(rule(manifestResource(stack, 'M', cluster, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('NodePoolGpuLimit, through the pack', () => {
  const { app, stack, cluster } = importedClusterStack();
  const over = manifestResource(stack, 'Over', cluster, gpuNodePool({ limits: { 'nvidia.com/gpu': 8 } }));
  const within = manifestResource(stack, 'Within', cluster, gpuNodePool());
  Validations.of(app).addPlugins(new GpuCostChecks(undefined, FIXTURE_LIMITS));
  const result = synthWithNag(app);

  test('reports the pool above the cap as an error', () => {
    expect(findingsOf(result, 'GpuCost-NodePoolGpuLimit[gpu]', over.node.path)).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('passes the pool within the cap', () => {
    expect(findingsOf(result, 'GpuCost-NodePoolGpuLimit[gpu]', within.node.path)).toEqual([]);
  });
});
