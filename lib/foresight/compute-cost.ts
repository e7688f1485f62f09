import { acceleratedInstanceType } from '../gpu/accelerated-instance-types';
import { RegionPrices, ec2OnDemandUsdPerHour, eksAutoModeUsdPerHour, sageMakerUsdPerHour, spotDiscount } from '../pricing/price-table';
import { CostLine, HOURS_PER_MONTH, TemplateResource, costLine, launchTemplateGiB, priceOrUndefined, referenced } from './cost-line';
import { UsageAssumptions } from './fixed-cost';

type Props = Record<string, unknown>;

/** One production variant of a SageMaker endpoint config, with the limits of its scalable target. */
export interface SageMakerVariant {
  /** The endpoint config that holds it. */
  readonly config: TemplateResource;
  readonly name: string;
  readonly instanceType: string;
  readonly initialInstances: number;
  /** The scalable target's MinCapacity (the initial count without one). */
  readonly minInstances: number;
  /** The scalable target's MaxCapacity (the initial count without one). */
  readonly maxInstances: number;
}

/** The production variants of every SageMaker endpoint config in the templates. */
export function sageMakerVariants(resources: readonly TemplateResource[]): SageMakerVariant[] {
  const targets = resources.filter((r) => r.resource.Type === 'AWS::ApplicationAutoScaling::ScalableTarget');
  return resources
    .filter((r) => r.resource.Type === 'AWS::SageMaker::EndpointConfig')
    .flatMap((config) => ((config.resource.Properties?.ProductionVariants as Props[] | undefined) ?? []).map((v) => {
      const name = String(v.VariantName);
      const target = targets.find((t) => t.stack === config.stack && JSON.stringify(t.resource.Properties?.ResourceId ?? '').includes(`variant/${name}`))?.resource.Properties;
      const initialInstances = Number(v.InitialInstanceCount ?? 1);
      return {
        config,
        name,
        instanceType: String(v.InstanceType),
        initialInstances,
        minInstances: Number(target?.MinCapacity ?? initialInstances),
        maxInstances: Number(target?.MaxCapacity ?? initialInstances),
      };
    }));
}

/**
 * SageMaker endpoint variants: expected at the variant's InitialInstanceCount (where the endpoint
 * starts and, without load, stays above the minimum), min at the scalable target's MinCapacity,
 * max at its MaxCapacity.
 */
export function sageMakerLines(resources: readonly TemplateResource[], prices: RegionPrices, unpriced: string[]): CostLine[] {
  return sageMakerVariants(resources).flatMap((v) => {
    const usdPerHour = priceOrUndefined(() => sageMakerUsdPerHour(prices, v.instanceType));
    if (usdPerHour === undefined) {
      unpriced.push(`SageMaker variant ${v.name} (${v.instanceType}): not in the price table`);
      return [];
    }
    const monthly = usdPerHour * HOURS_PER_MONTH;
    return [costLine(v.config, {
      component: `variant ${v.name}`,
      detail: `${v.minInstances}-${v.maxInstances} x ${v.instanceType}, starts at ${v.initialInstances}`,
      quantity: v.initialInstances * HOURS_PER_MONTH,
      unit: 'instance-hours',
      unitPriceUsd: usdPerHour,
      minUsd: v.minInstances * monthly,
      maxUsd: v.maxInstances * monthly,
    })];
  });
}

/** An Auto Scaling group that is not an inference fleet (the training cluster), as its launch template states it. */
export interface KeptNodes {
  readonly group: TemplateResource;
  readonly instanceType: string;
  /** Nodes it keeps idle: DesiredCapacity, else MinSize. */
  readonly kept: number;
  readonly maxSize: number;
  /** GiB of EBS each node gets. */
  readonly volumeGiB: number;
}

/** The Auto Scaling groups of `resources` that are not inference fleets, with their instance type; the others are listed in `unpriced`. */
export function trainingGroups(resources: readonly TemplateResource[], inferenceFleets: readonly string[], prices: RegionPrices, unpriced: string[]): KeptNodes[] {
  return resources
    .filter((r) => r.resource.Type === 'AWS::AutoScaling::AutoScalingGroup' && !inferenceFleets.includes(`${r.stack}/${r.id}`))
    .flatMap((group) => {
      const p = group.resource.Properties ?? {};
      const templateRef = (p.LaunchTemplate as Props | undefined)?.LaunchTemplateId;
      const data = referenced(resources, group, templateRef)?.resource.Properties?.LaunchTemplateData as Props | undefined;
      const instanceType = data?.InstanceType as string | undefined;
      if (instanceType === undefined || priceOrUndefined(() => ec2OnDemandUsdPerHour(prices, instanceType)) === undefined) {
        unpriced.push(`${group.stack}/${group.id}: ${instanceType ?? 'no instance type in its launch template'} has no on-demand price in the table`);
        return [];
      }
      return [{ group, instanceType, kept: Number(p.DesiredCapacity ?? p.MinSize ?? 0), maxSize: Number(p.MaxSize), volumeGiB: launchTemplateGiB(resources, group, templateRef) }];
    });
}

/** Training capacity at its configured idle state, and its root volumes; its maximum with every node on-demand all month. */
export function trainingLines(resources: readonly TemplateResource[], inferenceFleets: readonly string[], prices: RegionPrices, usage: UsageAssumptions, unpriced: string[]): CostLine[] {
  const lines = trainingGroups(resources, inferenceFleets, prices, unpriced).flatMap(({ group, instanceType, kept, maxSize, volumeGiB }) => {
    const usdPerHour = ec2OnDemandUsdPerHour(prices, instanceType);
    return [
      costLine(group, {
        component: 'on-demand nodes kept',
        detail: `${instanceType}, ${kept}-${maxSize} nodes (max: ${maxSize} all month)`,
        quantity: kept * HOURS_PER_MONTH, unit: 'instance-hours', unitPriceUsd: usdPerHour, maxUsd: maxSize * usdPerHour * HOURS_PER_MONTH,
      }),
      costLine(group, {
        component: 'root volumes',
        detail: `${volumeGiB} GiB gp3 each`,
        quantity: kept * volumeGiB, unit: 'GB-months', unitPriceUsd: prices.ebsGp3UsdPerGbMonth, maxUsd: maxSize * volumeGiB * prices.ebsGp3UsdPerGbMonth,
      }),
    ];
  });
  for (const fleet of resources.filter((r) => r.resource.Type === 'AWS::EC2::EC2Fleet')) {
    const p = fleet.resource.Properties ?? {};
    const overrides = ((p.LaunchTemplateConfigs as Props[] | undefined) ?? []).flatMap((c) => (c.Overrides as Props[] | undefined) ?? []);
    const type = overrides.map((o) => String(o.InstanceType)).find((t) => priceOrUndefined(() => ec2OnDemandUsdPerHour(prices, t)) !== undefined);
    if (!type) { unpriced.push(`${fleet.stack}/${fleet.id}: an EC2 Fleet without a priced instance type`); continue; }
    const n = Number((p.TargetCapacitySpecification as Props | undefined)?.TotalTargetCapacity ?? 0);
    const usdPerHour = ec2OnDemandUsdPerHour(prices, type) * (1 - (usage.spotDiscount ?? spotDiscount(prices, type)));
    lines.push(costLine(fleet, { component: 'spot target capacity', detail: `${n} x ${type}`, quantity: n * HOURS_PER_MONTH, unit: 'instance-hours', unitPriceUsd: usdPerHour }));
  }
  return lines;
}

interface NodePool {
  readonly resource: TemplateResource;
  readonly name: string;
  readonly instanceTypes: string[];
  readonly cpuLimit?: number;
  readonly gpuLimit?: number;
}

/** The EKS Auto Mode NodePools the templates apply (Kubernetes manifests of custom resources). */
function nodePoolsOf(resources: readonly TemplateResource[]): NodePool[] {
  return resources
    .filter((r) => r.resource.Type === 'Custom::AWSCDK-EKS-KubernetesResource' && typeof r.resource.Properties?.Manifest === 'string')
    .flatMap((resource) => (JSON.parse(String(resource.resource.Properties!.Manifest)) as Props[])
      .filter((o) => o.kind === 'NodePool')
      .map((o) => {
        const spec = o.spec as { template: { spec: { requirements: { key: string; values?: string[] }[] } }; limits?: Record<string, unknown> };
        return {
          resource,
          name: String((o.metadata as Props | undefined)?.name ?? 'unnamed'),
          instanceTypes: spec.template.spec.requirements.find((q) => q.key === 'node.kubernetes.io/instance-type')?.values ?? [],
          cpuLimit: spec.limits?.cpu === undefined ? undefined : Number(spec.limits.cpu),
          gpuLimit: spec.limits?.['nvidia.com/gpu'] === undefined ? undefined : Number(spec.limits['nvidia.com/gpu']),
        };
      }));
}

/** vCPUs of an x86 general-purpose size: large 2, xlarge 4, Nxlarge 4N (EC2's m/c/r sizing). */
function vcpusOf(instanceType: string): number | undefined {
  const size = /\.(\d*)x?large$/.exec(instanceType);
  if (!size) return undefined;
  if (!instanceType.endsWith('xlarge')) return 2;
  return 4 * Number(size[1] || 1);
}

/**
 * EKS Auto Mode nodes, EC2 plus Auto Mode's fee: the GPU pools at 0 but at their limit (the most
 * expensive way to fill `nvidia.com/gpu`), the CPU pools at `eksCpuNodes` of their cheapest type
 * but at their CPU limit.
 */
export function eksNodeLines(resources: readonly TemplateResource[], prices: RegionPrices, usage: UsageAssumptions, unpriced: string[]): CostLine[] {
  return nodePoolsOf(resources).flatMap((pool) => {
    const types = pool.instanceTypes.flatMap((type) => {
      const usd = priceOrUndefined(() => ec2OnDemandUsdPerHour(prices, type) + eksAutoModeUsdPerHour(prices, type));
      const units = pool.gpuLimit !== undefined ? acceleratedInstanceType(type)?.accelerators : vcpusOf(type);
      return usd === undefined || units === undefined ? [] : [{ type, usd, units }];
    });
    if (types.length === 0) { unpriced.push(`EKS NodePool ${pool.name}: none of ${pool.instanceTypes.join(', ')} is priced`); return []; }
    const limit = pool.gpuLimit ?? pool.cpuLimit ?? 0;
    const priciest = types.reduce((a, b) => (Math.floor(limit / b.units) * b.usd > Math.floor(limit / a.units) * a.usd ? b : a));
    const max = Math.floor(limit / priciest.units) * priciest.usd * HOURS_PER_MONTH;
    if (pool.gpuLimit !== undefined) {
      return [costLine(pool.resource, {
        component: `NodePool ${pool.name}`,
        detail: `0 nodes idle, up to ${pool.gpuLimit} GPUs (max: ${priciest.type} with the Auto Mode fee)`,
        quantity: 0, unit: 'node-hours', unitPriceUsd: priciest.usd, maxUsd: max,
      })];
    }
    const cheapest = types.reduce((a, b) => (b.usd < a.usd ? b : a));
    const kept = usage.eksCpuNodes * cheapest.usd * HOURS_PER_MONTH;
    return [costLine(pool.resource, {
      component: `NodePool ${pool.name}`,
      detail: `${usage.eksCpuNodes} x ${cheapest.type} kept with the Auto Mode fee, up to ${pool.cpuLimit} vCPUs`,
      quantity: usage.eksCpuNodes * HOURS_PER_MONTH, unit: 'node-hours', unitPriceUsd: cheapest.usd, maxUsd: Math.max(kept, max),
    })];
  });
}
