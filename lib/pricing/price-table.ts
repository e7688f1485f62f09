/**
 * List prices the cost estimate uses, by Region, with their sources and the date they were read.
 * GPU EC2 on-demand prices live in the accelerated instance catalog (lib/gpu); this table holds
 * everything else. Prices are Linux, on-demand, USD, before tax and discounts.
 */

/** Prices of one Region. */
export interface RegionPrices {
  /** NAT gateway, per gateway-hour. */
  readonly natGatewayUsdPerHour: number;
  /** NAT gateway, per GB processed. */
  readonly natGatewayUsdPerGb: number;
  /** Application Load Balancer, per hour. */
  readonly albUsdPerHour: number;
  /** Application Load Balancer, per LCU-hour. */
  readonly albUsdPerLcuHour: number;
  /** EFS Standard storage, per GB-month. */
  readonly efsStandardUsdPerGbMonth: number;
  /** Interface VPC endpoint, per endpoint per AZ-hour. */
  readonly interfaceEndpointUsdPerAzHour: number;
  /** EKS cluster (standard support), per cluster-hour. */
  readonly eksClusterUsdPerHour: number;
  /** KMS customer managed key, per key-month. */
  readonly kmsKeyUsdPerMonth: number;
  /** CloudWatch standard-resolution alarm, per metric in the alarm per month. */
  readonly cloudWatchAlarmUsdPerMetricMonth: number;
  /** CloudWatch dashboard, per month (beyond the free three). */
  readonly cloudWatchDashboardUsdPerMonth: number;
  /** SageMaker real-time inference, per instance-hour, by `ml.` instance type. */
  readonly sageMakerUsdPerHour: Readonly<Record<string, number>>;
  /**
   * Assumed average spot discount off on-demand, by instance family (e.g. `g5`). Spot prices move
   * with supply and demand; this is an assumption, overridable with `--spot-discount`.
   */
  readonly spotDiscountByFamily: Readonly<Record<string, number>>;
}

/** The table: when it was read, where from, and the prices by Region. */
export const PRICE_TABLE = {
  asOf: '2026-11-01',
  sources: {
    nat: 'https://aws.amazon.com/vpc/pricing/',
    alb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
    efs: 'https://aws.amazon.com/efs/pricing/',
    privateLink: 'https://aws.amazon.com/privatelink/pricing/',
    eks: 'https://aws.amazon.com/eks/pricing/',
    kms: 'https://aws.amazon.com/kms/pricing/',
    cloudWatch: 'https://aws.amazon.com/cloudwatch/pricing/',
    sageMaker: 'https://aws.amazon.com/sagemaker/pricing/',
    spot: 'https://aws.amazon.com/ec2/spot/instance-advisor/ (savings over on-demand; assumption, not a quote)',
  },
  regions: {
    'us-east-1': {
      natGatewayUsdPerHour: 0.045,
      natGatewayUsdPerGb: 0.045,
      albUsdPerHour: 0.0225,
      albUsdPerLcuHour: 0.008,
      efsStandardUsdPerGbMonth: 0.3,
      interfaceEndpointUsdPerAzHour: 0.01,
      eksClusterUsdPerHour: 0.1,
      kmsKeyUsdPerMonth: 1,
      cloudWatchAlarmUsdPerMetricMonth: 0.1,
      cloudWatchDashboardUsdPerMonth: 3,
      sageMakerUsdPerHour: {
        'ml.m5.large': 0.115,
        'ml.m5.xlarge': 0.23,
        'ml.c5.large': 0.102,
        'ml.g4dn.xlarge': 0.7364,
        'ml.g5.xlarge': 1.408,
        'ml.g5.2xlarge': 1.515,
        'ml.g6.xlarge': 1.1644,
      },
      spotDiscountByFamily: { g4dn: 0.6, g5: 0.6, g6: 0.6, g6e: 0.55, p3: 0.7, p3dn: 0.65, p4d: 0.6, p5: 0.5 },
    },
  } satisfies Record<string, RegionPrices>,
} as const;

/** Region names the table has prices for. */
export type PricedRegion = keyof typeof PRICE_TABLE.regions;

/** Prices of `region`, or an error listing the Regions the table has. */
export function regionPrices(region: string): RegionPrices {
  const regions: Record<string, RegionPrices> = PRICE_TABLE.regions;
  const prices = regions[region];
  if (!prices) throw new Error(`no prices for region "${region}": the price table has ${Object.keys(regions).join(', ')} (lib/pricing/price-table.ts)`);
  return prices;
}

/** The family of an instance type: `g5` of `g5.xlarge`, `g4dn` of `ml.g4dn.xlarge`. */
export function instanceFamily(instanceType: string): string {
  return instanceType.replace(/^ml\./, '').split('.')[0];
}

/** SageMaker's hourly price of `instanceType` in `prices`, or an error naming it. */
export function sageMakerUsdPerHour(prices: RegionPrices, instanceType: string): number {
  const price = prices.sageMakerUsdPerHour[instanceType];
  if (price === undefined) throw new Error(`no SageMaker price for ${instanceType}: add it to sageMakerUsdPerHour in lib/pricing/price-table.ts`);
  return price;
}

/** The assumed spot discount of `instanceType`'s family, or an error naming it. */
export function spotDiscount(prices: RegionPrices, instanceType: string): number {
  const discount = prices.spotDiscountByFamily[instanceFamily(instanceType)];
  if (discount === undefined) throw new Error(`no spot discount assumed for ${instanceType}: add its family to spotDiscountByFamily in lib/pricing/price-table.ts or pass --spot-discount`);
  return discount;
}
