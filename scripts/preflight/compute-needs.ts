import { Ec2Quota, Market, ec2QuotaOf } from './ec2-quota-classes';
import { CfnResource, EnvironmentStack, resourcesOfType } from './template';

/** At most this many instances, or this many vCPUs (an EKS NodePool's `limits.cpu`). */
export type Capacity = { readonly instances: number } | { readonly vcpus: number };

/** Compute an environment can run at its largest: a group, a fleet, a NodePool. */
export interface ComputeGroup {
  /** Where it comes from, e.g. `dev-AiInference/ServiceFleetGroupASG1491C15B (MaxSize 2)`. */
  readonly source: string;
  /** The instance types it may launch. */
  readonly instanceTypes: readonly string[];
  readonly onDemand: Capacity;
  readonly spot: Capacity;
}

/** What one EC2 vCPU quota must allow for the environment to reach its configured maximum. */
export interface VcpuNeed {
  readonly quota: Ec2Quota;
  readonly vcpus: number;
  /** The groups that need it, each with its share. */
  readonly sources: readonly string[];
}

const NONE: Capacity = { instances: 0 };

/**
 * Every compute group the templates can scale up, at its maximum:
 * - an Auto Scaling group at MaxSize, split between on-demand and spot as its
 *   InstancesDistribution splits it (OnDemandBaseCapacity, then OnDemandPercentageAboveBaseCapacity,
 *   100 by default: https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstancesDistribution.html),
 *   each share rounded up;
 * - an EC2 Fleet at `fleetCeiling` instances, the most `aws ec2 modify-fleet` may ask of it (the
 *   environment's guardrails.maxGpuInstancesPerFleet), of its DefaultTargetCapacityType;
 * - an EKS Auto Mode NodePool at its `limits.cpu`, for each capacity type it allows.
 */
export function computeGroups(stacks: readonly EnvironmentStack[], fleetCeiling: number): ComputeGroup[] {
  return [
    ...resourcesOfType(stacks, 'AWS::AutoScaling::AutoScalingGroup').map(({ stack, logicalId, resource }) => autoScalingGroup(stack, logicalId, resource)),
    ...resourcesOfType(stacks, 'AWS::EC2::EC2Fleet').map(({ stack, logicalId, resource }) => ec2Fleet(stack, logicalId, resource, fleetCeiling)),
    ...stacks.flatMap((stack) => Object.entries(stack.template.Resources ?? {}).flatMap(([logicalId, resource]) => nodePools(stack, logicalId, resource))),
  ].filter((group) => group.instanceTypes.length > 0);
}

/**
 * The vCPUs each EC2 quota must allow: for each group and market, its instances times the
 * vCPUs of its largest type in that quota's class (any of its types may be the one launched),
 * or its vCPU limit; summed over the groups.
 */
export function vcpuNeeds(groups: readonly ComputeGroup[], vcpusOf: ReadonlyMap<string, number>): VcpuNeed[] {
  const needs = new Map<string, { quota: Ec2Quota; vcpus: number; sources: string[] }>();
  for (const group of groups) {
    for (const market of ['on-demand', 'spot'] as Market[]) {
      const capacity = market === 'spot' ? group.spot : group.onDemand;
      const byQuota = new Map<string, { quota: Ec2Quota; largest: number }>();
      for (const type of group.instanceTypes) {
        const quota = ec2QuotaOf(type, market);
        if (!quota) continue;
        const key = `${market} ${quota.names[0]}`;
        byQuota.set(key, { quota, largest: Math.max(byQuota.get(key)?.largest ?? 0, vcpusOf.get(type) ?? 0) });
      }
      for (const [key, { quota, largest }] of byQuota) {
        const vcpus = 'vcpus' in capacity ? capacity.vcpus : capacity.instances * largest;
        if (vcpus === 0) continue;
        const need = needs.get(key) ?? { quota, vcpus: 0, sources: [] };
        need.vcpus += vcpus;
        need.sources.push(`${group.source}: ${vcpus}`);
        needs.set(key, need);
      }
    }
  }
  return [...needs.values()];
}

function autoScalingGroup(stack: EnvironmentStack, logicalId: string, resource: CfnResource): ComputeGroup {
  const p = resource.Properties ?? {};
  const max = Number(p.MaxSize);
  const mixed = p.MixedInstancesPolicy as { InstancesDistribution?: Record<string, unknown>; LaunchTemplate?: { Overrides?: Array<{ InstanceType?: string }> } } | undefined;
  const source = `${stack.stackName}/${logicalId} (MaxSize ${max})`;
  if (!mixed) {
    const data = launchTemplateData(stack, p.LaunchTemplate);
    const spot = (data?.InstanceMarketOptions as { MarketType?: string } | undefined)?.MarketType === 'spot';
    return { source, instanceTypes: typesOf([data?.InstanceType]), onDemand: spot ? NONE : { instances: max }, spot: spot ? { instances: max } : NONE };
  }
  const distribution = mixed.InstancesDistribution ?? {};
  const base = Math.min(max, Number(distribution.OnDemandBaseCapacity ?? 0));
  const percent = Number(distribution.OnDemandPercentageAboveBaseCapacity ?? 100);
  return {
    source,
    instanceTypes: typesOf((mixed.LaunchTemplate?.Overrides ?? []).map((o) => o.InstanceType)),
    onDemand: { instances: base + Math.ceil(((max - base) * percent) / 100) },
    spot: { instances: Math.ceil(((max - base) * (100 - percent)) / 100) },
  };
}

function ec2Fleet(stack: EnvironmentStack, logicalId: string, resource: CfnResource, fleetCeiling: number): ComputeGroup {
  const p = resource.Properties ?? {};
  const target = (p.TargetCapacitySpecification ?? {}) as Record<string, unknown>;
  const ceiling = Math.max(fleetCeiling, Number(target.TotalTargetCapacity ?? 0));
  const configs = (p.LaunchTemplateConfigs ?? []) as Array<{ LaunchTemplateSpecification?: unknown; Overrides?: Array<{ InstanceType?: string }> }>;
  const types = typesOf(configs.flatMap((c) => (c.Overrides?.length
    ? c.Overrides.map((o) => o.InstanceType)
    : [launchTemplateData(stack, c.LaunchTemplateSpecification)?.InstanceType])));
  const spotDefault = target.DefaultTargetCapacityType === 'spot';
  return {
    source: `${stack.stackName}/${logicalId} (EC2 Fleet, up to ${ceiling} by modify-fleet)`,
    instanceTypes: types,
    onDemand: { instances: spotDefault ? Number(target.OnDemandTargetCapacity ?? 0) : ceiling },
    spot: { instances: spotDefault ? ceiling : Number(target.SpotTargetCapacity ?? 0) },
  };
}

interface NodePoolManifest {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  readonly spec?: {
    readonly limits?: { readonly cpu?: number | string };
    readonly template?: { readonly spec?: { readonly requirements?: Array<{ key: string; operator: string; values?: string[] }> } };
  };
}

/** The Karpenter NodePools (karpenter.sh/v1) a Kubernetes manifest resource applies, with a CPU limit. */
function nodePools(stack: EnvironmentStack, logicalId: string, resource: CfnResource): ComputeGroup[] {
  const manifest = resource.Properties?.Manifest;
  if (typeof manifest !== 'string' || !manifest.includes('"NodePool"')) return [];
  return (JSON.parse(manifest) as NodePoolManifest[]).filter((m) => m.kind === 'NodePool' && m.spec?.limits?.cpu !== undefined).map((pool) => {
    const requirement = (key: string) => pool.spec?.template?.spec?.requirements?.find((r) => r.key === key && r.operator === 'In')?.values ?? [];
    const vcpus = Number(pool.spec?.limits?.cpu);
    const capacityTypes = requirement('karpenter.sh/capacity-type');
    return {
      source: `${stack.stackName}/${logicalId} (NodePool ${pool.metadata?.name}, limits.cpu ${vcpus})`,
      instanceTypes: requirement('node.kubernetes.io/instance-type'),
      onDemand: capacityTypes.includes('on-demand') ? { vcpus } : NONE,
      spot: capacityTypes.includes('spot') ? { vcpus } : NONE,
    };
  });
}

/** The LaunchTemplateData of the launch template a `{ LaunchTemplateId: { Ref } }` names. */
function launchTemplateData(stack: EnvironmentStack, specification: unknown): Record<string, unknown> | undefined {
  const ref = ((specification as { LaunchTemplateId?: { Ref?: unknown } } | undefined)?.LaunchTemplateId)?.Ref;
  const template = typeof ref === 'string' ? stack.template.Resources?.[ref] : undefined;
  return template?.Properties?.LaunchTemplateData as Record<string, unknown> | undefined;
}

function typesOf(types: ReadonlyArray<unknown>): string[] {
  return [...new Set(types.filter((t): t is string => typeof t === 'string'))];
}
