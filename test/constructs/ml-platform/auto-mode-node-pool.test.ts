import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AutoModeNodePool, AutoModeNodePoolProps, NodePoolManifest } from '../../../lib/constructs/ml-platform/auto-mode-node-pool';
import { appliedObjects, validateAgainstSchema } from '../../helpers/kubernetes-manifests';
import { importedClusterStack } from './fixtures';

const GPU: Omit<AutoModeNodePoolProps, 'cluster'> = {
  nodePoolName: 'gpu', gpu: true, instanceTypes: ['g5.xlarge', 'g6.xlarge'], limits: { cpu: 16, memoryGiB: 64, gpus: 4 },
};
const CPU: Omit<AutoModeNodePoolProps, 'cluster'> = { nodePoolName: 'cpu', instanceTypes: ['m6i.large'], limits: { cpu: 8, memoryGiB: 32 } };

function applied(props: Omit<AutoModeNodePoolProps, 'cluster'>): NodePoolManifest {
  const { stack, cluster } = importedClusterStack();
  new AutoModeNodePool(stack, 'Pool', { ...props, cluster });
  const [objects] = Object.values(appliedObjects(Template.fromStack(stack)));
  return objects[0] as unknown as NodePoolManifest;
}

function build(props: Omit<AutoModeNodePoolProps, 'cluster'>): () => void {
  return () => {
    const { stack, cluster } = importedClusterStack();
    new AutoModeNodePool(stack, 'Pool', { ...props, cluster });
  };
}

describe('a GPU pool, as applied', () => {
  const pool = applied(GPU);

  test('is a valid karpenter.sh/v1 NodePool', () => {
    expect(() => validateAgainstSchema(pool as never)).not.toThrow();
  });

  test('launches only the given instance types, spot or on-demand, on the Auto Mode default NodeClass', () => {
    expect(pool.spec.template.spec).toMatchObject({
      nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' },
      requirements: expect.arrayContaining([
        { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g5.xlarge', 'g6.xlarge'] },
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] },
      ]),
    });
  });

  test('taints its nodes for GPU pods only', () => {
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
  });

  test('limits CPU, memory and GPUs', () => {
    expect(pool.spec.limits).toEqual({ 'cpu': 16, 'memory': '64Gi', 'nvidia.com/gpu': 4 });
  });

  test('consolidates empty and underutilized nodes after 5 minutes by default, so it returns to zero', () => {
    expect(pool.spec.disruption).toEqual({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '300s' });
  });
});

describe('a CPU pool, as applied', () => {
  const pool = applied({ ...CPU, capacityTypes: ['on-demand'], consolidationPolicy: 'WhenEmpty', consolidateAfter: Duration.minutes(1) });

  test('is a valid NodePool', () => {
    expect(() => validateAgainstSchema(pool as never)).not.toThrow();
  });

  test('has no GPU taint and no GPU limit', () => {
    expect([pool.spec.template.spec.taints, pool.spec.limits]).toEqual([undefined, { cpu: 8, memory: '32Gi' }]);
  });

  test('takes the given capacity types and consolidation', () => {
    expect([pool.spec.template.spec.requirements[1], pool.spec.disruption]).toEqual([
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
      { consolidationPolicy: 'WhenEmpty', consolidateAfter: '60s' },
    ]);
  });
});

test('the schema check catches a malformed NodePool (a consolidateAfter Karpenter cannot parse)', () => {
  const pool = applied(GPU);
  const broken = { ...pool, spec: { ...pool.spec, disruption: { consolidateAfter: '5 minutes' } } };
  expect(() => validateAgainstSchema(broken as never)).toThrow(/consolidateAfter/);
});

describe('validation', () => {
  test('a CPU type in a GPU pool', () => {
    expect(build({ ...GPU, instanceTypes: ['g5.xlarge', 'm6i.large'] })).toThrow(/instanceTypes \(m6i.large\) of a GPU pool must all be accelerated/);
  });

  test('a GPU type in a CPU pool', () => {
    expect(build({ ...CPU, instanceTypes: ['g5.xlarge'] })).toThrow(/instanceTypes \(g5.xlarge\) are GPU types in a CPU pool/);
  });

  test('no instance types', () => {
    expect(build({ ...CPU, instanceTypes: [] })).toThrow(/instanceTypes is empty/);
  });

  test('a GPU pool without a GPU limit', () => {
    expect(build({ ...GPU, limits: { cpu: 16, memoryGiB: 64 } })).toThrow(/limits.gpus is missing on a GPU pool/);
  });

  test('a GPU limit of 0', () => {
    expect(build({ ...GPU, limits: { cpu: 16, memoryGiB: 64, gpus: 0 } })).toThrow(/limits.gpus \(0\) must be a whole number >= 1/);
  });

  test('a GPU limit on a CPU pool', () => {
    expect(build({ ...CPU, limits: { cpu: 8, memoryGiB: 32, gpus: 1 } })).toThrow(/limits.gpus \(1\) is set on a CPU pool/);
  });

  test('a CPU limit below 1', () => {
    expect(build({ ...CPU, limits: { cpu: 0, memoryGiB: 32 } })).toThrow(/limits.cpu \(0\) must be a whole number >= 1/);
  });

  test('a memory limit below 1 GiB', () => {
    expect(build({ ...CPU, limits: { cpu: 8, memoryGiB: 0.5 } })).toThrow(/limits.memoryGiB \(0.5\) must be a whole number >= 1/);
  });

  test('an instance type listed twice', () => {
    expect(build({ ...GPU, instanceTypes: ['g5.xlarge', 'g5.xlarge'] })).toThrow(/instanceTypes lists "g5.xlarge" twice/);
  });

  test('a consolidation delay of a fraction of a second', () => {
    expect(build({ ...CPU, consolidateAfter: Duration.millis(1500) })).toThrow(/consolidateAfter \(.*\) must be a whole number of seconds/);
  });

  test('no capacity types', () => {
    expect(build({ ...CPU, capacityTypes: [] })).toThrow(/capacityTypes is empty/);
  });

  test('a name that is not a DNS label', () => {
    expect(build({ ...CPU, nodePoolName: 'GPU_Pool' })).toThrow(/nodePoolName \("GPU_Pool"\) must be a DNS label/);
  });
});
