import { CfnResource } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { NodePoolManifest } from '../../lib/constructs/ml-platform/auto-mode-node-pool';

/** A GPU NodePool as this library writes it; override any part of its spec. */
export function gpuNodePool(spec: Partial<NodePoolManifest['spec']> = {}, name = 'gpu'): NodePoolManifest {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' },
          requirements: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g5.xlarge'] }],
          taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
        },
      },
      limits: { 'cpu': 16, 'memory': '64Gi', 'nvidia.com/gpu': 4 },
      disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '300s' },
      ...spec,
    },
  };
}

/** The L1 custom resource that applies `objects` to an imported cluster, for rule checks. */
export function manifestResource(scope: Construct, id: string, cluster: eks.ICluster, ...objects: object[]): CfnResource {
  return new eks.KubernetesManifest(scope, id, { cluster, manifest: objects as Record<string, unknown>[] }).node.defaultChild as CfnResource;
}
