import { acceleratedInstanceType } from '../gpu/accelerated-instance-types';
import { RegionPrices, sageMakerUsdPerHour, spotDiscount } from '../pricing/price-table';
import { CfnResource, EnvironmentAssembly } from './cloud-assembly';
import { PolicyFigures } from './figures';
import { FleetModel } from './fleet-model';

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
  /** Replaces the price table's spot discount. */
  readonly spotDiscount?: number;
}

/** The estimate of one environment. */
export interface CostEstimate {
  readonly env: string;
  readonly budgetUsd?: number;
  readonly fixed: readonly CostLine[];
  readonly usage: readonly CostLine[];
  readonly total: { readonly minUsd: number; readonly expectedUsd: number; readonly maxUsd: number };
  readonly overBudget: boolean;
  /** What the templates hold that the estimate does not price: resource types and instance types, with counts. */
  readonly unpriced: readonly string[];
}

/**
 * Resource types the estimate prices above, or that have no standing charge (free, or billed
 * only by use: requests, storage, data, invocations). Every other type is listed as unpriced.
 */
const ACCOUNTED_TYPES = new Set([
  'AWS::EC2::NatGateway', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EFS::FileSystem', 'AWS::EC2::VPCEndpoint',
  'AWS::EKS::Cluster', 'AWS::KMS::Key', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::SageMaker::EndpointConfig',
  'AWS::AutoScaling::AutoScalingGroup', 'AWS::EC2::EC2Fleet', 'AWS::Budgets::Budget',
  // No standing charge.
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::Route',
  'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::EIP', 'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::FlowLog', 'AWS::EC2::LaunchTemplate',
  'AWS::EC2::PlacementGroup', 'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::InstanceProfile',
  'AWS::KMS::Alias', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription', 'AWS::Logs::LogGroup', 'AWS::Lambda::Function', 'AWS::Lambda::Permission', 'AWS::Lambda::EventInvokeConfig',
  'AWS::Events::Rule', 'AWS::AutoScaling::ScalingPolicy', 'AWS::AutoScaling::ScheduledAction', 'AWS::AutoScaling::LifecycleHook',
  'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::EFS::MountTarget',
  'AWS::EFS::AccessPoint', 'AWS::Backup::BackupVault', 'AWS::Backup::BackupPlan', 'AWS::Backup::BackupSelection',
  'AWS::SageMaker::Model', 'AWS::SageMaker::Endpoint', 'AWS::ECR::Repository', 'AWS::SSM::Parameter',
  'AWS::CDK::Metadata', 'Custom::S3AutoDeleteObjects', 'Custom::VpcRestrictDefaultSG',
  'AWS::EKS::AccessEntry', 'AWS::EKS::PodIdentityAssociation', 'AWS::Lambda::LayerVersion',
  'Custom::AWSCDK-EKS-KubernetesResource',
]);

type Props = Record<string, unknown>;
const round = (x: number) => Math.round(x * 100) / 100;
const flat = (item: string, usd: number): CostLine => ({ item, minUsd: round(usd), expectedUsd: round(usd), maxUsd: round(usd) });

function resourcesOf(assembly: EnvironmentAssembly): [string, CfnResource][] {
  return assembly.stacks.flatMap((s) => Object.entries(s.template.Resources ?? {}));
}

function onDemandUsd(instanceType: string): number {
  const entry = acceleratedInstanceType(instanceType);
  if (!entry) throw new Error(`${instanceType} is not in the accelerated instance catalog (lib/gpu): no on-demand price`);
  return entry.onDemandUsdPerHour;
}

/** Always-on resources the templates hold, priced for a month. */
function fixedLines(resources: [string, CfnResource][], prices: RegionPrices, usage: UsageAssumptions): CostLine[] {
  const count = (type: string, where: (p: Props) => boolean = () => true) =>
    resources.filter(([, r]) => r.Type === type && where(r.Properties ?? {})).length;
  const lines: CostLine[] = [];
  const nat = count('AWS::EC2::NatGateway');
  if (nat) lines.push(flat(`${nat} NAT gateway(s), ${usage.natGbPerMonth} GB each`, nat * (HOURS_PER_MONTH * prices.natGatewayUsdPerHour + usage.natGbPerMonth * prices.natGatewayUsdPerGb)));
  const alb = count('AWS::ElasticLoadBalancingV2::LoadBalancer', (p) => (p.Type ?? 'application') === 'application');
  if (alb) lines.push(flat(`${alb} Application Load Balancer(s), ${usage.albLcu} LCU`, alb * HOURS_PER_MONTH * (prices.albUsdPerHour + usage.albLcu * prices.albUsdPerLcuHour)));
  const efs = count('AWS::EFS::FileSystem');
  if (efs) lines.push(flat(`${efs} EFS file system(s), ${usage.efsGb} GB Standard`, efs * usage.efsGb * prices.efsStandardUsdPerGbMonth));
  const endpointAzs = resources
    .filter(([, r]) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties?.VpcEndpointType === 'Interface')
    .reduce((n, [, r]) => n + Math.max(1, ((r.Properties?.SubnetIds as unknown[] | undefined) ?? []).length), 0);
  if (endpointAzs) lines.push(flat(`interface VPC endpoints (${endpointAzs} endpoint-AZs)`, endpointAzs * HOURS_PER_MONTH * prices.interfaceEndpointUsdPerAzHour));
  const eks = count('AWS::EKS::Cluster');
  if (eks) lines.push(flat(`${eks} EKS cluster(s)`, eks * HOURS_PER_MONTH * prices.eksClusterUsdPerHour));
  const kms = count('AWS::KMS::Key');
  if (kms) lines.push(flat(`${kms} KMS key(s)`, kms * prices.kmsKeyUsdPerMonth));
  const alarmMetrics = resources
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .reduce((n, [, r]) => n + Math.max(1, ((r.Properties?.Metrics as Props[] | undefined) ?? []).filter((m) => m.MetricStat).length), 0);
  if (alarmMetrics) lines.push(flat(`CloudWatch alarms (${alarmMetrics} metrics)`, alarmMetrics * prices.cloudWatchAlarmUsdPerMetricMonth));
  const dashboards = count('AWS::CloudWatch::Dashboard');
  if (dashboards) lines.push(flat(`${dashboards} CloudWatch dashboard(s)`, dashboards * prices.cloudWatchDashboardUsdPerMonth));
  return lines;
}

/** SageMaker endpoint variants: at their scalable target's minimum, maximum at its maximum. */
function sageMakerLines(resources: [string, CfnResource][], prices: RegionPrices, unpriced: string[]): CostLine[] {
  const targets = resources.filter(([, r]) => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget');
  return resources
    .filter(([, r]) => r.Type === 'AWS::SageMaker::EndpointConfig')
    .flatMap(([, r]) => ((r.Properties?.ProductionVariants as Props[] | undefined) ?? []).map((v) => {
      const name = String(v.VariantName);
      const target = targets.find(([, t]) => JSON.stringify(t.Properties?.ResourceId ?? '').includes(`variant/${name}`));
      const min = Number(target?.[1].Properties?.MinCapacity ?? v.InitialInstanceCount ?? 1);
      const max = Number(target?.[1].Properties?.MaxCapacity ?? v.InitialInstanceCount ?? 1);
      const usdPerHour = priceOrUndefined(() => sageMakerUsdPerHour(prices, String(v.InstanceType)));
      if (usdPerHour === undefined) {
        unpriced.push(`SageMaker variant ${name} (${v.InstanceType}): not in the price table`);
        return [];
      }
      const hourly = usdPerHour * HOURS_PER_MONTH;
      return [{ item: `SageMaker variant ${name}: ${min}-${max} x ${v.InstanceType}`, minUsd: round(min * hourly), expectedUsd: round(min * hourly), maxUsd: round(max * hourly) }];
    }).flat());
}

/** A price, or undefined where the table or the catalog has none. */
function priceOrUndefined(price: () => number): number | undefined {
  try {
    return price();
  } catch {
    return undefined;
  }
}

function launchTemplateType(resources: [string, CfnResource][], ref: unknown): string | undefined {
  const id = (ref as Props | undefined)?.Ref;
  const template = resources.find(([k]) => k === id)?.[1];
  return (template?.Properties?.LaunchTemplateData as Props | undefined)?.InstanceType as string | undefined;
}

/** Training capacity at its configured idle state; its maximum with every node on for the month. */
function trainingLines(resources: [string, CfnResource][], inferenceFleets: readonly string[], prices: RegionPrices, usage: UsageAssumptions, unpriced: string[]): CostLine[] {
  const lines: CostLine[] = [];
  for (const [id, r] of resources) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::AutoScaling::AutoScalingGroup' && !inferenceFleets.some((source) => source.endsWith(`/${id}`))) {
      const type = launchTemplateType(resources, (p.LaunchTemplate as Props | undefined)?.LaunchTemplateId);
      if (!type) { unpriced.push(`${id}: an Auto Scaling group without an instance type in its launch template`); continue; }
      const usdPerHour = priceOrUndefined(() => onDemandUsd(type));
      if (usdPerHour === undefined) { unpriced.push(`${id}: ${type} is not in the accelerated instance catalog`); continue; }
      const hourly = usdPerHour * HOURS_PER_MONTH;
      const idle = Number(p.DesiredCapacity ?? p.MinSize ?? 0);
      lines.push({ item: `${id}: ${idle}-${p.MaxSize} x ${type} on-demand`, minUsd: round(idle * hourly), expectedUsd: round(idle * hourly), maxUsd: round(Number(p.MaxSize) * hourly) });
    }
    if (r.Type === 'AWS::EC2::EC2Fleet') {
      const spec = (p.TargetCapacitySpecification as Props | undefined) ?? {};
      const overrides = ((p.LaunchTemplateConfigs as Props[] | undefined) ?? []).flatMap((c) => (c.Overrides as Props[] | undefined) ?? []);
      const type = overrides.map((o) => String(o.InstanceType)).find((t) => acceleratedInstanceType(t));
      if (!type) { unpriced.push(`${id}: an EC2 Fleet without an accelerated instance type`); continue; }
      const n = Number(spec.TotalTargetCapacity ?? 0);
      const usd = n * onDemandUsd(type) * (1 - (usage.spotDiscount ?? spotDiscount(prices, type))) * HOURS_PER_MONTH;
      lines.push({ item: `${id}: ${n} x ${type} spot (target capacity)`, minUsd: round(usd), expectedUsd: round(usd), maxUsd: round(usd) });
    }
  }
  return lines;
}

/** One inference service's GPU fleet and its simulated weeks: idle (no jobs) and the expected workload. */
export interface ServiceFleetUsage {
  readonly service: string;
  readonly fleet: FleetModel;
  readonly idle: PolicyFigures;
  readonly expected: PolicyFigures;
}

/** The GPU usage an estimate covers. */
export interface GpuUsage {
  /** The estimated services' fleets. */
  readonly fleets: readonly ServiceFleetUsage[];
  /** Days each simulation ran. */
  readonly days: number;
  /** `FleetModel.source` of every inference fleet of the environment, estimated or not: none of them is training capacity. */
  readonly inferenceFleets: readonly string[];
}

/**
 * The monthly estimate of one environment: fixed costs from the templates, each estimated
 * service's GPU fleet from a simulated week scaled to a month (min: the fleet with no jobs under
 * its schedules; max: MaxSize on-demand all month), SageMaker and training capacity, against the
 * budget in the templates.
 */
export function estimateCost(assembly: EnvironmentAssembly, gpu: GpuUsage, prices: RegionPrices, usage: UsageAssumptions): CostEstimate {
  const resources = resourcesOf(assembly);
  const unpriced: string[] = [];
  const fixed = [...fixedLines(resources, prices, usage), ...sageMakerLines(resources, prices, unpriced)];
  const perMonth = HOURS_PER_MONTH / (gpu.days * 24);
  const usageLines: CostLine[] = [
    ...gpu.fleets.map(({ service, fleet, idle, expected }) => ({
      item: `GPU fleet of ${service}: ${fleet.minSize}-${fleet.maxSize} x ${fleet.instanceTypes.join('|')}`,
      minUsd: round(idle.costUsd * perMonth),
      expectedUsd: round(expected.costUsd * perMonth),
      maxUsd: round(fleet.maxSize * onDemandUsd(fleet.instanceTypes[0]) * HOURS_PER_MONTH),
    })),
    ...trainingLines(resources, gpu.inferenceFleets, prices, usage, unpriced),
  ];
  const unknownTypes = new Map<string, number>();
  for (const [, r] of resources) if (!ACCOUNTED_TYPES.has(r.Type)) unknownTypes.set(r.Type, (unknownTypes.get(r.Type) ?? 0) + 1);
  for (const [type, n] of [...unknownTypes].sort(([a], [b]) => a.localeCompare(b))) unpriced.push(`${n} x ${type}`);
  const sum = (key: keyof Omit<CostLine, 'item'>) => round([...fixed, ...usageLines].reduce((n, l) => n + l[key], 0));
  const budget = resources.find(([, r]) => r.Type === 'AWS::Budgets::Budget')?.[1].Properties?.Budget as Props | undefined;
  const budgetUsd = budget ? Number((budget.BudgetLimit as Props | undefined)?.Amount) : undefined;
  const total = { minUsd: sum('minUsd'), expectedUsd: sum('expectedUsd'), maxUsd: sum('maxUsd') };
  return { env: assembly.environment, budgetUsd, fixed, usage: usageLines, total, overBudget: budgetUsd !== undefined && total.expectedUsd > budgetUsd, unpriced };
}
