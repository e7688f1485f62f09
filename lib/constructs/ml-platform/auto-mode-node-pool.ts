import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { isAcceleratedInstanceType } from '../../gpu/accelerated-instance-types';
import { Problem, checkNoDuplicates, checkNonEmptyList, checkWholeDuration, checkWholeNumberAtLeast, throwIfProblems } from '../../validation';

/** The Kubernetes resource name of the GPUs a node offers, and the key of the taint that keeps other pods off them. */
export const NVIDIA_GPU_RESOURCE = 'nvidia.com/gpu';

/** EC2 purchase options an Auto Mode NodePool may launch (the `karpenter.sh/capacity-type` label). */
export type NodeCapacityType = 'spot' | 'on-demand';

/** When Auto Mode removes nodes: only empty ones, or also underutilized ones it can repack. */
export type NodeConsolidationPolicy = 'WhenEmpty' | 'WhenEmptyOrUnderutilized';

/** Resource ceilings of a NodePool: Auto Mode launches no node that would take the pool above them. */
export interface NodePoolLimits {
  /** vCPUs of all the pool's nodes together. */
  readonly cpu: number;
  /** Memory of all the pool's nodes together, in GiB. */
  readonly memoryGiB: number;
  /**
   * NVIDIA GPUs of all the pool's nodes together; required for a GPU pool, where it also bounds
   * the node count (every GPU node has at least one).
   * @default - no GPU limit (a CPU pool)
   */
  readonly gpus?: number;
}

/** Props of {@link AutoModeNodePool}. */
export interface AutoModeNodePoolProps {
  /** The Auto Mode cluster, with a kubectl provider, that gets the NodePool. */
  readonly cluster: eks.ICluster;
  /** The NodePool's Kubernetes name, e.g. `gpu`. */
  readonly nodePoolName: string;
  /** EC2 instance types the pool may launch (`node.kubernetes.io/instance-type In ...`), e.g. `g5.xlarge`. */
  readonly instanceTypes: readonly string[];
  /** Resource ceilings of the whole pool. */
  readonly limits: NodePoolLimits;
  /**
   * Whether the pool is for GPU work: its instance types must all be GPU types, `limits.gpus`
   * is required, and its nodes carry the `nvidia.com/gpu:NoSchedule` taint, so only pods that
   * request GPUs (and tolerate it) land there.
   * @default false
   */
  readonly gpu?: boolean;
  /**
   * Purchase options, in no order: Auto Mode prefers spot when both are allowed and falls back
   * to on-demand when spot has no capacity.
   * @default ['spot', 'on-demand']
   */
  readonly capacityTypes?: readonly NodeCapacityType[];
  /**
   * Which nodes Auto Mode consolidates away.
   * @default 'WhenEmptyOrUnderutilized'
   */
  readonly consolidationPolicy?: NodeConsolidationPolicy;
  /**
   * How long a node stays empty (or underutilized) before it is removed; the pool is back at
   * zero nodes this long after its last pod ends.
   * @default Duration.minutes(5)
   */
  readonly consolidateAfter?: Duration;
}

/** A requirement of a NodePool on a node label. */
export interface NodePoolRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  readonly values?: string[];
}

/**
 * The fields of a `karpenter.sh/v1` NodePool this library writes and its cost rules read (the
 * tests check whole objects against the CRD's schema).
 */
export interface NodePoolManifest {
  readonly apiVersion: 'karpenter.sh/v1';
  readonly kind: 'NodePool';
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly spec: {
    readonly template: {
      readonly spec: {
        readonly nodeClassRef: { readonly group: string; readonly kind: string; readonly name: string };
        readonly requirements: NodePoolRequirement[];
        readonly taints?: { readonly key: string; readonly value?: string; readonly effect: string }[];
      };
    };
    readonly limits?: Record<string, number | string>;
    readonly disruption?: { readonly consolidationPolicy?: NodeConsolidationPolicy; readonly consolidateAfter: string };
    /** Set only on a static NodePool, which keeps this many nodes whatever runs. */
    readonly replicas?: number;
  };
}


/** The built-in NodeClass of EKS Auto Mode, which every pool here uses (private subnets, cluster security group). */
const AUTO_MODE_NODE_CLASS = { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' } as const;

/** A NodePool's settings: plain values an environment config holds (the cluster and the name belong to the stack). */
export type AutoModeNodePoolSettings = Pick<AutoModeNodePoolProps, 'instanceTypes' | 'limits' | 'gpu' | 'capacityTypes' | 'consolidationPolicy' | 'consolidateAfter'>;

/** The defaults of {@link AutoModeNodePoolSettings}. */
export const AUTO_MODE_NODE_POOL_DEFAULTS: Defaults<AutoModeNodePoolSettings> = {
  gpu: false,
  capacityTypes: ['spot', 'on-demand'],
  consolidationPolicy: 'WhenEmptyOrUnderutilized',
  consolidateAfter: Duration.minutes(5),
};

function checkInstanceTypes(settings: AutoModeNodePoolSettings): Problem {
  const { gpu } = withDefaults(settings, AUTO_MODE_NODE_POOL_DEFAULTS);
  const wrong = settings.instanceTypes.filter((t) => isAcceleratedInstanceType(t) !== gpu);
  if (wrong.length === 0) return checkNonEmptyList('instanceTypes', settings.instanceTypes) ?? checkNoDuplicates('instanceTypes', settings.instanceTypes);
  return gpu
    ? `instanceTypes (${wrong.join(', ')}) of a GPU pool must all be accelerated (GPU) types: remove them or use a separate CPU pool`
    : `instanceTypes (${wrong.join(', ')}) are GPU types in a CPU pool: remove them, or list them in a GPU pool`;
}

function checkGpuLimit(settings: AutoModeNodePoolSettings): Problem {
  const { gpus } = settings.limits;
  if (!settings.gpu) {
    return gpus === undefined ? undefined : `limits.gpus (${gpus}) is set on a CPU pool: remove it, or set it on a GPU pool`;
  }
  return gpus === undefined
    ? 'limits.gpus is missing on a GPU pool: set the most GPUs the pool may run at once'
    : checkWholeNumberAtLeast('limits.gpus', gpus, 1);
}

/** The rules of {@link AutoModeNodePoolSettings}, each problem naming its field. */
export function autoModeNodePoolSettingsProblems(settings: AutoModeNodePoolSettings): Problem[] {
  const { limits } = settings;
  return [
    checkInstanceTypes(settings),
    settings.capacityTypes === undefined ? undefined : checkNonEmptyList('capacityTypes', settings.capacityTypes),
    checkWholeNumberAtLeast('limits.cpu', limits.cpu, 1),
    checkWholeNumberAtLeast('limits.memoryGiB', limits.memoryGiB, 1),
    checkGpuLimit(settings),
    checkWholeDuration('consolidateAfter', settings.consolidateAfter, 'seconds'),
  ];
}

function checkName(name: string): Problem {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)
    ? undefined
    : `nodePoolName ("${name}") must be a DNS label: lower-case letters, digits and "-", at most 63 characters`;
}

/**
 * An EKS Auto Mode NodePool (`karpenter.sh/v1`) on the built-in `default` NodeClass: a fixed
 * list of instance types, spot and on-demand, resource limits, and consolidation that takes
 * the pool back to zero nodes when nothing runs on it. Applied through the cluster's kubectl
 * provider. A GPU pool taints its nodes with `nvidia.com/gpu:NoSchedule`.
 */
export class AutoModeNodePool extends Construct {
  /** The NodePool object as applied, including the prune label the kubectl provider adds. */
  public readonly manifest: NodePoolManifest;
  /** The custom resource that applies it. */
  public readonly resource: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: AutoModeNodePoolProps) {
    super(scope, id);
    const { capacityTypes, consolidateAfter, consolidationPolicy, gpu } = withDefaults(props, AUTO_MODE_NODE_POOL_DEFAULTS);
    const { limits } = props;
    throwIfProblems(checkName(props.nodePoolName), ...autoModeNodePoolSettingsProblems(props));

    this.manifest = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: props.nodePoolName },
      spec: {
        template: {
          spec: {
            nodeClassRef: AUTO_MODE_NODE_CLASS,
            requirements: [
              { key: 'node.kubernetes.io/instance-type', operator: 'In', values: [...props.instanceTypes] },
              { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...capacityTypes] },
              { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
            ],
            ...(gpu ? { taints: [{ key: NVIDIA_GPU_RESOURCE, effect: 'NoSchedule' }] } : {}),
          },
        },
        limits: {
          cpu: limits.cpu,
          memory: `${limits.memoryGiB}Gi`,
          ...(limits.gpus === undefined ? {} : { [NVIDIA_GPU_RESOURCE]: limits.gpus }),
        },
        disruption: {
          consolidationPolicy,
          consolidateAfter: `${consolidateAfter.toSeconds()}s`,
        },
      },
    };
    this.resource = new eks.KubernetesManifest(this, 'Resource', {
      cluster: props.cluster,
      manifest: [this.manifest],
    });
  }
}
