import { RegionPrices } from '../pricing/price-table';
import { CostLine, HOURS_PER_MONTH, TemplateResource, costLine } from './cost-line';

/** Usage the templates do not say, as flags of `npm run cost`. */
export interface UsageAssumptions {
  /** GB each NAT gateway processes a month. */
  readonly natGbPerMonth: number;
  /** Average load balancer capacity units of each Application Load Balancer. */
  readonly albLcu: number;
  /** GB stored in each EFS file system. */
  readonly efsGb: number;
  /** Nodes the EKS CPU node pool keeps for the platform's own pods (Kubeflow Pipelines, MLflow clients). */
  readonly eksCpuNodes: number;
  /** Replaces the price table's spot discount. */
  readonly spotDiscount?: number;
}

type Props = Record<string, unknown>;
const listLength = (value: unknown) => Math.max(1, ((value as unknown[] | undefined) ?? []).length);

/** The monthly lines of one always-on resource; none for other types. */
function linesOf(r: TemplateResource, prices: RegionPrices, usage: UsageAssumptions): CostLine[] {
  const p: Props = r.resource.Properties ?? {};
  const hours = (component: string, quantity: number, unit: string, unitPriceUsd: number) => costLine(r, { component, quantity, unit, unitPriceUsd });
  switch (r.resource.Type) {
    case 'AWS::EC2::NatGateway':
      return [
        hours('NAT gateway', HOURS_PER_MONTH, 'hours', prices.natGatewayUsdPerHour),
        hours('data processed', usage.natGbPerMonth, 'GB', prices.natGatewayUsdPerGb),
      ];
    // Every public IPv4 address costs by the hour, a NAT gateway's Elastic IP included.
    case 'AWS::EC2::EIP':
      return [hours('public IPv4 address', HOURS_PER_MONTH, 'hours', prices.publicIpv4UsdPerHour)];
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
      // An internet-facing load balancer has a public IPv4 address per Availability Zone (subnet).
      const ipv4 = p.Scheme === 'internal' ? [] : [hours('public IPv4 addresses', listLength(p.Subnets) * HOURS_PER_MONTH, 'address-hours', prices.publicIpv4UsdPerHour)];
      if ((p.Type ?? 'application') !== 'application') return ipv4;
      return [
        hours('Application Load Balancer', HOURS_PER_MONTH, 'hours', prices.albUsdPerHour),
        hours('load balancer capacity units', usage.albLcu * HOURS_PER_MONTH, 'LCU-hours', prices.albUsdPerLcuHour),
        ...ipv4,
      ];
    }
    case 'AWS::EFS::FileSystem':
      return [hours('Standard storage', usage.efsGb, 'GB-months', prices.efsStandardUsdPerGbMonth)];
    case 'AWS::EC2::VPCEndpoint':
      return p.VpcEndpointType === 'Interface'
        ? [hours('interface endpoint', listLength(p.SubnetIds) * HOURS_PER_MONTH, 'endpoint-AZ-hours', prices.interfaceEndpointUsdPerAzHour)]
        : [];
    case 'AWS::EKS::Cluster':
      return [hours('cluster (standard support)', HOURS_PER_MONTH, 'hours', prices.eksClusterUsdPerHour)];
    case 'AWS::KMS::Key':
      return [hours('customer managed key', 1, 'key-months', prices.kmsKeyUsdPerMonth)];
    case 'AWS::CloudWatch::Alarm': {
      const metrics = Math.max(1, ((p.Metrics as Props[] | undefined) ?? []).filter((m) => m.MetricStat).length);
      return [hours('standard-resolution alarm metrics', metrics, 'metric-months', prices.cloudWatchAlarmUsdPerMetricMonth)];
    }
    case 'AWS::CloudWatch::Dashboard':
      return [hours('dashboard', 1, 'dashboard-months', prices.cloudWatchDashboardUsdPerMonth)];
    default:
      return [];
  }
}

/** Always-on resources the templates hold (network, load balancers, storage, EKS control planes, keys, alarms, dashboards), each priced for a month. */
export function fixedLines(resources: readonly TemplateResource[], prices: RegionPrices, usage: UsageAssumptions): CostLine[] {
  return resources.flatMap((r) => linesOf(r, prices, usage));
}
