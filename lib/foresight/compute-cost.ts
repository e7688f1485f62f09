import { acceleratedInstanceType } from '../gpu/accelerated-instance-types';
import { RegionPrices, ec2OnDemandUsdPerHour, eksAutoModeUsdPerHour, sageMakerUsdPerHour, spotDiscount } from '../pricing/price-table';
import { CfnResource } from './stack-templates';

/** Hours in an average month, as AWS prices them. */
export const HOURS_PER_MONTH = 730;

/** One line of the estimate, monthly USD. */
export interface CostLine {
  readonly item: string;
  readonly minUsd: number;
  readonly expectedUsd: number;
  readonly maxUsd: number;
}

/** Usage the templates do not say, as flags. */
export interface UsageAssumptions {
  readonly natGbPerMonth: number;
  readonly albLcu: number;
  readonly efsGb: number;
  /** Nodes the EKS CPU node pool keeps for the platform's own pods (Kubeflow Pipelines, MLflow clients). */
  readonly eksCpuNodes: number;
  /** Replaces the price table's spot discount. */
  readonly spotDiscount?: number;
}

type Props = Record<string, unknown>;
export type Resources = readonly [string, CfnResource][];

export const round = (x: number) => Math.round(x * 100) / 100;
export const line = (item: string, min: number, expected: number, max: number): CostLine =>
  ({ item, minUsd: round(min), expectedUsd: round(expected), maxUsd: round(max) });

/** A price, or undefined where the table has none (the caller lists it as unpriced). */
export function priceOrUndefined(price: () => number): number | undefined {
  try {
    return price();
  } catch {
    return undefined;
  }
}

/** GiB of the EBS volumes a launch template gives each instance. */
export function launchTemplateGiB(resources: Resources, ref: unknown): number {
  const id = (ref as Props | undefined)?.Ref;
  const data = resources.find(([k]) => k === id)?.[1].Properties?.LaunchTemplateData as Props | undefined;
  return ((data?.BlockDeviceMappings as Props[] | undefined) ?? [])
    .reduce((n, m) => n + Number((m.Ebs as Props | undefined)?.VolumeSize ?? 0), 0);
}

/**
 * SageMaker endpoint variants: min at the scalable target's MinCapacity, expected at the
 * variant's InitialInstanceCount (where the endpoint starts and, without load, stays above the
 * minimum), max at MaxCapacity.
 */
export function sageMakerLines(resources: Resources, prices: RegionPrices, unpriced: string[]): CostLine[] {
  const targets = resources.filter(([, r]) => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget');
  return resources
    .filter(([, r]) => r.Type === 'AWS::SageMaker::EndpointConfig')
    .flatMap(([, r]) => ((r.Properties?.ProductionVariants as Props[] | undefined) ?? []).flatMap((v) => {
      const name = String(v.VariantName);
      const target = targets.find(([, t]) => JSON.stringify(t.Properties?.ResourceId ?? '').includes(`variant/${name}`))?.[1].Properties;
      const initial = Number(v.InitialInstanceCount ?? 1);
      const min = Number(target?.MinCapacity ?? initial);
      const max = Number(target?.MaxCapacity ?? initial);
      const usdPerHour = priceOrUndefined(() => sageMakerUsdPerHour(prices, String(v.InstanceType)));
      if (usdPerHour === undefined) {
        unpriced.push(`SageMaker variant ${name} (${v.InstanceType}): not in the price table`);
        return [];
      }
      const monthly = usdPerHour * HOURS_PER_MONTH;
      return [line(`SageMaker variant ${name}: ${min}-${max} x ${v.InstanceType}, starts at ${initial}`, min * monthly, initial * monthly, max * monthly)];
    }));
}

/** Training capacity at its configured idle state (and its root volumes); its maximum with every node on all month. */
export function trainingLines(resources: Resources, inferenceFleetLogicalIds: readonly string[], prices: RegionPrices, usage: UsageAssumptions, unpriced: string[]): CostLine[] {
  const lines: CostLine[] = [];
  for (const [id, r] of resources) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::AutoScaling::AutoScalingGroup' && !inferenceFleetLogicalIds.includes(id)) {
      const templateId = (p.LaunchTemplate as Props | undefined)?.LaunchTemplateId;
      const data = resources.find(([k]) => k === (templateId as Props | undefined)?.Ref)?.[1].Properties?.LaunchTemplateData as Props | undefined;
      const type = data?.InstanceType as string | undefined;
      const usdPerHour = type === undefined ? undefined : priceOrUndefined(() => ec2OnDemandUsdPerHour(prices, type));
      if (type === undefined || usdPerHour === undefined) { unpriced.push(`${id}: ${type ?? 'no instance type in its launch template'} has no on-demand price in the table`); continue; }
      const perNode = (usdPerHour + (launchTemplateGiB(resources, templateId) * prices.ebsGp3UsdPerGbMonth) / HOURS_PER_MONTH) * HOURS_PER_MONTH;
      const idle = Number(p.DesiredCapacity ?? p.MinSize ?? 0);
      lines.push(line(`${id}: ${idle}-${p.MaxSize} x ${type} on-demand, with root volumes`, idle * perNode, idle * perNode, Number(p.MaxSize) * perNode));
    }
    if (r.Type === 'AWS::EC2::EC2Fleet') {
      const spec = (p.TargetCapacitySpecification as Props | undefined) ?? {};
      const overrides = ((p.LaunchTemplateConfigs as Props[] | undefined) ?? []).flatMap((c) => (c.Overrides as Props[] | undefined) ?? []);
      const type = overrides.map((o) => String(o.InstanceType)).find((t) => priceOrUndefined(() => ec2OnDemandUsdPerHour(prices, t)) !== undefined);
      if (!type) { unpriced.push(`${id}: an EC2 Fleet without a priced instance type`); continue; }
      const n = Number(spec.TotalTargetCapacity ?? 0);
      const usd = n * ec2OnDemandUsdPerHour(prices, type) * (1 - (usage.spotDiscount ?? spotDiscount(prices, type))) * HOURS_PER_MONTH;
      lines.push(line(`${id}: ${n} x ${type} spot (target capacity)`, usd, usd, usd));
    }
  }
  return lines;
}

interface NodePool {
  readonly name: string;
  readonly instanceTypes: string[];
  readonly cpuLimit?: number;
  readonly gpuLimit?: number;
}

/** The EKS Auto Mode NodePools the templates apply (Kubernetes manifests of custom resources). */
function nodePoolsOf(resources: Resources): NodePool[] {
  return resources
    .filter(([, r]) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource' && typeof r.Properties?.Manifest === 'string')
    .flatMap(([, r]) => JSON.parse(String(r.Properties!.Manifest)) as Props[])
    .filter((o) => o.kind === 'NodePool')
    .map((o) => {
      const spec = o.spec as { template: { spec: { requirements: { key: string; values?: string[] }[] } }; limits?: Record<string, unknown> };
      return {
        name: String((o.metadata as Props | undefined)?.name ?? 'unnamed'),
        instanceTypes: spec.template.spec.requirements.find((q) => q.key === 'node.kubernetes.io/instance-type')?.values ?? [],
        cpuLimit: spec.limits?.cpu === undefined ? undefined : Number(spec.limits.cpu),
        gpuLimit: spec.limits?.['nvidia.com/gpu'] === undefined ? undefined : Number(spec.limits['nvidia.com/gpu']),
      };
    });
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
export function eksNodeLines(resources: Resources, prices: RegionPrices, usage: UsageAssumptions, unpriced: string[]): CostLine[] {
  return nodePoolsOf(resources).flatMap((pool) => {
    const types = pool.instanceTypes.flatMap((type) => {
      const usd = priceOrUndefined(() => ec2OnDemandUsdPerHour(prices, type) + eksAutoModeUsdPerHour(prices, type));
      const units = pool.gpuLimit !== undefined ? acceleratedInstanceType(type)?.accelerators : vcpusOf(type);
      return usd === undefined || units === undefined ? [] : [{ type, usd, units }];
    });
    if (types.length === 0) { unpriced.push(`EKS NodePool ${pool.name}: none of ${pool.instanceTypes.join(', ')} is priced`); return []; }
    const limit = pool.gpuLimit ?? pool.cpuLimit ?? 0;
    const max = Math.max(...types.map((t) => Math.floor(limit / t.units) * t.usd)) * HOURS_PER_MONTH;
    if (pool.gpuLimit !== undefined) return [line(`EKS NodePool ${pool.name}: 0 nodes idle, up to ${pool.gpuLimit} GPUs`, 0, 0, max)];
    const cheapest = types.reduce((a, b) => (b.usd < a.usd ? b : a));
    const kept = usage.eksCpuNodes * cheapest.usd * HOURS_PER_MONTH;
    return [line(`EKS NodePool ${pool.name}: ${usage.eksCpuNodes} x ${cheapest.type} kept, up to ${pool.cpuLimit} vCPUs`, kept, kept, Math.max(kept, max))];
  });
}
