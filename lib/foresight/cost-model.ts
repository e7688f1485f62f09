import { RegionPrices } from '../pricing/price-table';
import { eksNodeLines, sageMakerLines, trainingLines } from './compute-cost';
import { CostLine, HOURS_PER_MONTH, MonthlyUsd, TemplateResource, costLine, launchTemplateGiB, resourcesOf, totalOf } from './cost-line';
import { PolicyFigures } from './figures';
import { UsageAssumptions, fixedLines } from './fixed-cost';
import { FleetModel } from './fleet-model';
import { FleetPrices } from './fleet-prices';
import type { StandbyEstimate } from './standby-cost';
import { EnvironmentStacks } from './stack-templates';

/** The estimate of one environment. */
export interface CostEstimate {
  readonly env: string;
  /** The monthly limit of the environment's AWS Budget in the templates. */
  readonly budgetUsd?: number;
  /** Always-on resources. */
  readonly fixed: readonly CostLine[];
  /** Capacity that scales: the inference fleets, training, EKS nodes. */
  readonly usage: readonly CostLine[];
  /** The standing cost of the environment's standby Region, where it has one; the total includes it. */
  readonly standby?: StandbyEstimate;
  readonly total: MonthlyUsd;
  /** Whether the expected total is above `budgetUsd`. */
  readonly overBudget: boolean;
  /** What the templates hold that the estimate does not price: resource types and instance types, with counts. */
  readonly unpriced: readonly string[];
  /** The usage assumed where the templates say nothing, printed with the total. */
  readonly assumptions: readonly string[];
}

/**
 * Resource types the estimate prices, or that have no standing charge (free, or billed only by
 * use: requests, storage, data, invocations). Every other type is listed as unpriced.
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

/** Resource types the estimate does not price, with their counts: `2 x AWS::Some::Type`. */
export function unpricedTypes(resources: readonly TemplateResource[]): string[] {
  const unknownTypes = new Map<string, number>();
  for (const { resource } of resources) if (!ACCOUNTED_TYPES.has(resource.Type)) unknownTypes.set(resource.Type, (unknownTypes.get(resource.Type) ?? 0) + 1);
  return [...unknownTypes].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${n} x ${type}`);
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

/**
 * One simulated inference fleet (GPU or CPU types), a week scaled to a month: its on-demand and its spot instance-hours
 * (min: the `idle` workload; max, on the on-demand line: MaxSize of its priciest type on-demand
 * all month), and its gp3 root volumes for the instance-hours it ran.
 */
function gpuFleetLines(resources: readonly TemplateResource[], usage: ServiceFleetUsage, days: number, prices: RegionPrices): CostLine[] {
  const { service, fleet, idle, expected, prices: fleetPrice } = usage;
  const group = resources.find((r) => `${r.stack}/${r.id}` === fleet.source);
  if (!group) throw new Error(`the fleet of ${service} (${fleet.source}) is not in the templates`);
  const perMonth = HOURS_PER_MONTH / (days * 24);
  const spec = (((group.resource.Properties ?? {}).MixedInstancesPolicy as Props | undefined)?.LaunchTemplate as Props | undefined)?.LaunchTemplateSpecification as Props | undefined;
  const gib = launchTemplateGiB(resources, group, spec?.LaunchTemplateId);
  const gbMonthsPerInstanceHour = gib / HOURS_PER_MONTH;
  const sizes = `${fleet.minSize}-${fleet.maxSize} instances`;
  return [
    costLine(group, {
      component: 'on-demand instances',
      detail: `${fleetPrice.onDemandInstanceType}, ${sizes} (max: ${fleet.maxSize} x ${fleetPrice.ceilingInstanceType} on-demand all month)`,
      quantity: expected.onDemandInstanceHours * perMonth, unit: 'instance-hours', unitPriceUsd: fleetPrice.onDemandUsdPerHour,
      minUsd: idle.onDemandInstanceHours * perMonth * fleetPrice.onDemandUsdPerHour,
      maxUsd: fleet.maxSize * fleetPrice.ceilingUsdPerHour * HOURS_PER_MONTH,
    }),
    costLine(group, {
      component: 'spot instances',
      detail: `${fleetPrice.spotInstanceType} (max: on the on-demand line)`,
      quantity: expected.spotInstanceHours * perMonth, unit: 'instance-hours', unitPriceUsd: fleetPrice.spotUsdPerHour,
      minUsd: idle.spotInstanceHours * perMonth * fleetPrice.spotUsdPerHour, maxUsd: 0,
    }),
    costLine(group, {
      component: 'root volumes',
      detail: `${gib} GiB gp3 each`,
      quantity: expected.instanceHours * perMonth * gbMonthsPerInstanceHour, unit: 'GB-months', unitPriceUsd: prices.ebsGp3UsdPerGbMonth,
      minUsd: idle.instanceHours * perMonth * gbMonthsPerInstanceHour * prices.ebsGp3UsdPerGbMonth,
      maxUsd: fleet.maxSize * gib * prices.ebsGp3UsdPerGbMonth,
    }),
  ];
}

/**
 * The monthly estimate of one environment: fixed costs from the templates, each estimated
 * service's GPU fleet from a simulated week scaled to a month, SageMaker, training and EKS
 * capacity, against the budget in the templates; with its standby Region's standing cost
 * (`standby`, estimateStandbyCost) where it has one.
 */
export function estimateCost(env: EnvironmentStacks, gpu: GpuUsage, prices: RegionPrices, usage: UsageAssumptions, standby?: StandbyEstimate): CostEstimate {
  const resources = resourcesOf(env.stacks);
  const unpriced: string[] = [];
  const fixed = [...fixedLines(resources, prices, usage), ...sageMakerLines(resources, prices, unpriced)];
  const usageLines: CostLine[] = [
    ...gpu.fleets.flatMap((fleet) => gpuFleetLines(resources, fleet, gpu.days, prices)),
    ...trainingLines(resources, gpu.inferenceFleets, prices, usage, unpriced),
    ...eksNodeLines(resources, prices, usage, unpriced),
  ];
  unpriced.push(...unpricedTypes(resources));
  const budget = resources.find((r) => r.resource.Type === 'AWS::Budgets::Budget')?.resource.Properties?.Budget as Props | undefined;
  const budgetUsd = budget ? Number((budget.BudgetLimit as Props | undefined)?.Amount) : undefined;
  const total = totalOf([...fixed, ...usageLines, ...(standby ? [...standby.fixed, ...standby.usage] : [])]);
  const spot = usage.spotDiscount === undefined ? 'per family (price table)' : `${usage.spotDiscount * 100} %`;
  const assumptions = [
    `NAT ${usage.natGbPerMonth} GB/month per gateway`, `${usage.albLcu} LCU per load balancer`, `${usage.efsGb} GB per EFS file system`,
    `${usage.eksCpuNodes} EKS CPU node(s) kept`, `spot discount ${spot}`, `inference fleets: ${gpu.days} simulated days x ${(HOURS_PER_MONTH / (gpu.days * 24)).toFixed(2)}`,
  ];
  return { env: env.environment, budgetUsd, fixed, usage: usageLines, ...(standby ? { standby } : {}), total, overBudget: budgetUsd !== undefined && total.expectedUsd > budgetUsd, unpriced, assumptions };
}
