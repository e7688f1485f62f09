import { RegionPrices } from '../pricing/price-table';
import {
  CostLine, HOURS_PER_MONTH, Resources, UsageAssumptions, eksNodeLines, launchTemplateGiB, line, round, sageMakerLines, trainingLines,
} from './compute-cost';
import { PolicyFigures } from './figures';
import { FleetModel } from './fleet-model';
import { FleetPrices } from './fleet-prices';
import type { StandbyEstimate } from './standby-cost';
import { EnvironmentStacks } from './stack-templates';


/** The estimate of one environment. */
export interface CostEstimate {
  readonly env: string;
  readonly budgetUsd?: number;
  readonly fixed: readonly CostLine[];
  readonly usage: readonly CostLine[];
  /** The standing cost of the standby Region, where the environment has one; the total includes it. */
  readonly standby?: StandbyEstimate;
  readonly total: { readonly minUsd: number; readonly expectedUsd: number; readonly maxUsd: number };
  readonly overBudget: boolean;
  /** What the templates hold that the estimate does not price: resource types and instance types, with counts. */
  readonly unpriced: readonly string[];
  /** The usage assumed where the templates say nothing, printed with the total. */
  readonly assumptions: readonly string[];
}

/**
 * Resource types the estimate prices above, or that have no standing charge (free, or billed
 * only by use: requests, storage, data, invocations). Every other type is listed as unpriced.
 */
const ACCOUNTED_TYPES = new Set([
  'AWS::EC2::NatGateway', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::EFS::FileSystem', 'AWS::EC2::VPCEndpoint',
  'AWS::EKS::Cluster', 'AWS::KMS::Key', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::SageMaker::EndpointConfig',
  'AWS::AutoScaling::AutoScalingGroup', 'AWS::EC2::EC2Fleet', 'AWS::Budgets::Budget', 'AWS::EC2::EIP',
  // No standing charge.
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::RouteTable', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::Route',
  'AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment', 'AWS::EC2::SecurityGroup',
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
const flat = (item: string, usd: number): CostLine => line(item, usd, usd, usd);

/** Always-on resources the templates hold, priced for a month. */
export function fixedLines(resources: Resources, prices: RegionPrices, usage: UsageAssumptions): CostLine[] {
  const count = (type: string, where: (p: Props) => boolean = () => true) =>
    resources.filter(([, r]) => r.Type === type && where(r.Properties ?? {})).length;
  const lines: CostLine[] = [];
  const nat = count('AWS::EC2::NatGateway');
  if (nat) lines.push(flat(`${nat} NAT gateway(s), ${usage.natGbPerMonth} GB each`, nat * (HOURS_PER_MONTH * prices.natGatewayUsdPerHour + usage.natGbPerMonth * prices.natGatewayUsdPerGb)));
  // Every public IPv4 address costs by the hour, a NAT gateway's Elastic IP included; an
  // internet-facing load balancer has one per Availability Zone.
  const publicAlbIps = resources
    .filter(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && r.Properties?.Scheme !== 'internal')
    .reduce((n, [, r]) => n + Math.max(1, ((r.Properties?.Subnets as unknown[] | undefined) ?? []).length), 0);
  const ipv4 = count('AWS::EC2::EIP') + publicAlbIps;
  if (ipv4) lines.push(flat(`${ipv4} public IPv4 address(es) (Elastic IPs, internet-facing load balancers)`, ipv4 * HOURS_PER_MONTH * prices.publicIpv4UsdPerHour));
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

/** One simulated GPU fleet: a week scaled to a month (min: no jobs; max: MaxSize of the priciest type all month), and its root volumes. */
function gpuFleetLines(resources: Resources, usage: ServiceFleetUsage, days: number, prices: RegionPrices): CostLine[] {
  const { service, fleet, idle, expected } = usage;
  const perMonth = HOURS_PER_MONTH / (days * 24);
  const asg = resources.find(([id]) => fleet.source.endsWith(`/${id}`))?.[1].Properties ?? {};
  const spec = ((asg.MixedInstancesPolicy as Props | undefined)?.LaunchTemplate as Props | undefined)?.LaunchTemplateSpecification as Props | undefined;
  const gib = launchTemplateGiB(resources, spec?.LaunchTemplateId);
  const ebsPerInstanceHour = (gib * prices.ebsGp3UsdPerGbMonth) / HOURS_PER_MONTH;
  const ceiling = usage.prices;
  return [
    line(`GPU fleet of ${service}: ${fleet.minSize}-${fleet.maxSize} x ${fleet.instanceTypes.join('|')} (max: ${ceiling.ceilingInstanceType} on-demand)`,
      idle.costUsd * perMonth, expected.costUsd * perMonth, fleet.maxSize * ceiling.ceilingUsdPerHour * HOURS_PER_MONTH),
    line(`GPU fleet of ${service}: root volumes, ${gib} GiB gp3 each`,
      idle.instanceHours * perMonth * ebsPerInstanceHour, expected.instanceHours * perMonth * ebsPerInstanceHour, fleet.maxSize * gib * prices.ebsGp3UsdPerGbMonth),
  ];
}

/** One inference service's GPU fleet and its simulated weeks: idle (no jobs) and the expected workload. */
export interface ServiceFleetUsage {
  readonly service: string;
  readonly fleet: FleetModel;
  readonly idle: PolicyFigures;
  readonly expected: PolicyFigures;
  /** The fleet's prices: per type, and the ceiling (its priciest type on-demand). */
  readonly prices: FleetPrices;
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

/** Resource types the estimate does not price, with their counts: `2 x AWS::Some::Type`. */
export function unpricedTypes(resources: Resources): string[] {
  const unknownTypes = new Map<string, number>();
  for (const [, r] of resources) if (!ACCOUNTED_TYPES.has(r.Type)) unknownTypes.set(r.Type, (unknownTypes.get(r.Type) ?? 0) + 1);
  return [...unknownTypes].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${n} x ${type}`);
}

/**
 * The monthly estimate of one environment: fixed costs from the templates, each estimated
 * service's GPU fleet from a simulated week scaled to a month, SageMaker, training and EKS
 * capacity, against the budget in the templates; with its standby Region's standing cost
 * (`standby`) where it has one.
 */
export function estimateCost(env: EnvironmentStacks, gpu: GpuUsage, prices: RegionPrices, usage: UsageAssumptions, standby?: StandbyEstimate): CostEstimate {
  const resources: Resources = env.stacks.flatMap((s) => Object.entries(s.template.Resources ?? {}));
  const unpriced: string[] = [];
  const fixed = [...fixedLines(resources, prices, usage), ...sageMakerLines(resources, prices, unpriced)];
  const usageLines: CostLine[] = [
    ...gpu.fleets.flatMap((fleet) => gpuFleetLines(resources, fleet, gpu.days, prices)),
    ...trainingLines(resources, gpu.inferenceFleets.map((source) => source.slice(source.lastIndexOf('/') + 1)), prices, usage, unpriced),
    ...eksNodeLines(resources, prices, usage, unpriced),
  ];
  unpriced.push(...unpricedTypes(resources));
  const standbyUsd = (key: keyof Omit<CostLine, 'item'>) => (standby ? standby.total[key] : 0);
  const sum = (key: keyof Omit<CostLine, 'item'>) => round([...fixed, ...usageLines].reduce((n, l) => n + l[key], 0) + standbyUsd(key));
  const budget = resources.find(([, r]) => r.Type === 'AWS::Budgets::Budget')?.[1].Properties?.Budget as Props | undefined;
  const budgetUsd = budget ? Number((budget.BudgetLimit as Props | undefined)?.Amount) : undefined;
  const total = { minUsd: sum('minUsd'), expectedUsd: sum('expectedUsd'), maxUsd: sum('maxUsd') };
  const spot = usage.spotDiscount === undefined ? 'per family (price table)' : `${usage.spotDiscount * 100} %`;
  const assumptions = [
    `NAT ${usage.natGbPerMonth} GB/month per gateway`, `${usage.albLcu} LCU per load balancer`, `${usage.efsGb} GB per EFS file system`,
    `${usage.eksCpuNodes} EKS CPU node(s) kept`, `spot discount ${spot}`, `GPU fleet: ${gpu.days} simulated days x ${(HOURS_PER_MONTH / (gpu.days * 24)).toFixed(2)}`,
  ];
  return {
    env: env.environment, budgetUsd, fixed, usage: usageLines, ...(standby ? { standby } : {}), total,
    overBudget: budgetUsd !== undefined && total.expectedUsd > budgetUsd, unpriced, assumptions,
  };
}
