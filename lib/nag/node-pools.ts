import { CfnResource, Stack } from 'aws-cdk-lib';
import { KubernetesManifest } from 'aws-cdk-lib/aws-eks-v2';
import type { NodePoolManifest } from '../constructs/ml-platform/auto-mode-node-pool';
import { acceleratedInstanceType, isAcceleratedInstanceType } from '../gpu/accelerated-instance-types';

/**
 * Reading Karpenter / EKS Auto Mode NodePools out of the custom resources that apply Kubernetes
 * manifests (`Custom::AWSCDK-EKS-KubernetesResource`), for the GPU cost rules on NodePools.
 */

const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
const GPU_RESOURCE = 'nvidia.com/gpu';
const GPU_REQUIREMENT_LABELS = ['eks.amazonaws.com/instance-gpu-count', 'eks.amazonaws.com/instance-gpu-manufacturer', 'karpenter.k8s.aws/instance-gpu-count'];
const CATEGORY_LABELS = ['eks.amazonaws.com/instance-category', 'karpenter.k8s.aws/instance-category', 'eks.amazonaws.com/instance-family', 'karpenter.k8s.aws/instance-family'];

interface RenderedResource {
  readonly Type: string;
  readonly Properties?: { readonly Manifest?: unknown };
}

const cache = new WeakMap<CfnResource, NodePoolManifest[] | undefined>();

/**
 * The NodePools a resource applies, or undefined when it is not a Kubernetes manifest
 * resource. The manifest is read from the resource as it renders (including property
 * overrides); a manifest that holds unresolved values (e.g. a bucket name) is not a string
 * and is skipped: NodePools here hold none.
 */
export function nodePoolsOf(node: CfnResource): NodePoolManifest[] | undefined {
  if (node.cfnResourceType !== KubernetesManifest.RESOURCE_TYPE) return undefined;
  if (!cache.has(node)) {
    // A custom resource's properties have no public getter; the rendered template fragment does.
    const rendered = Stack.of(node).resolve(node._toCloudFormation()) as { Resources: Record<string, RenderedResource> };
    const manifest = Object.values(rendered.Resources)[0]?.Properties?.Manifest;
    const objects = typeof manifest === 'string' ? (JSON.parse(manifest) as { kind?: string; apiVersion?: string }[]) : [];
    cache.set(node, objects.filter((o): o is NodePoolManifest => o.kind === 'NodePool' && o.apiVersion?.startsWith('karpenter.sh/') === true));
  }
  return cache.get(node);
}

/** The NodePool's name, for findings. */
export function nodePoolName(pool: NodePoolManifest): string {
  return pool.metadata?.name ?? 'unnamed';
}

/** The values of the pool's `node.kubernetes.io/instance-type In` requirement, or undefined when it has none. */
export function nodePoolInstanceTypes(pool: NodePoolManifest): string[] | undefined {
  const requirement = pool.spec.template.spec.requirements.find((r) => r.key === INSTANCE_TYPE_LABEL && r.operator === 'In');
  return requirement?.values;
}

/** Whether a NodePool can launch NVIDIA GPU instances: GPU types or categories, a GPU requirement, limit or taint. */
export function isGpuNodePool(pool: NodePoolManifest): boolean {
  const { requirements, taints } = pool.spec.template.spec;
  return requirements.some((r) =>
    GPU_REQUIREMENT_LABELS.includes(r.key)
    || (r.key === INSTANCE_TYPE_LABEL && (r.values ?? []).some(isAcceleratedInstanceType))
    || (CATEGORY_LABELS.includes(r.key) && r.operator === 'In' && (r.values ?? []).some((v) => /^[gp]/.test(v))))
    || pool.spec.limits?.[GPU_RESOURCE] !== undefined
    || (taints ?? []).some((t) => t.key === GPU_RESOURCE);
}

/** The pool's `nvidia.com/gpu` limit as a number, or undefined when it has none. */
export function nodePoolGpuLimit(pool: NodePoolManifest): number | undefined {
  const limit = pool.spec.limits?.[GPU_RESOURCE];
  return limit === undefined ? undefined : Number(limit);
}

/**
 * The most GPU nodes a pool can run: its GPU limit divided by the fewest GPUs of any type it may
 * launch (1 for a type the catalog does not know), or undefined when the pool has no GPU limit.
 */
export function maxGpuNodesOf(pool: NodePoolManifest): number | undefined {
  const limit = nodePoolGpuLimit(pool);
  if (limit === undefined) return undefined;
  const gpusPerNode = (nodePoolInstanceTypes(pool) ?? []).map((t) => acceleratedInstanceType(t)?.accelerators ?? 1);
  const fewest = gpusPerNode.length > 0 ? Math.min(...gpusPerNode) : 1;
  return Math.floor(limit / fewest);
}
