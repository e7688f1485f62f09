/**
 * The one price table of the project: list prices by Region, each category with its source page
 * and each Region with the date its prices were entered. The accelerated instance catalog
 * (lib/gpu) takes its on-demand prices from here (us-east-1), the cost estimate and the
 * simulator take every price from here. Prices are Linux, on-demand, USD, before tax and
 * discounts.
 */

/** Prices of one Region. */
export interface RegionPrices {
  /** The date these prices were entered from the source pages (YYYY-MM-DD). */
  readonly asOf: string;
  /** EC2 Linux on-demand, per instance-hour, by instance type. */
  readonly ec2OnDemandUsdPerHour: Readonly<Record<string, number>>;
  /** EKS Auto Mode management fee, per instance-hour, by instance type (on top of EC2). */
  readonly eksAutoModeUsdPerHour: Readonly<Record<string, number>>;
  /** A public IPv4 address, in use or idle, per hour (since 2024-02-01; a NAT gateway's included). */
  readonly publicIpv4UsdPerHour: number;
  /** EBS gp3 storage, per GB-month (the baseline 3000 IOPS and 125 MB/s included). */
  readonly ebsGp3UsdPerGbMonth: number;
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

/** Where each category of price comes from. */
export const PRICE_SOURCES = {
  ec2: 'https://aws.amazon.com/ec2/pricing/on-demand/',
  eksAutoMode: 'https://aws.amazon.com/eks/pricing/ (EKS Auto Mode: a fee per instance type, about 12 % of its on-demand price)',
  publicIpv4: 'https://aws.amazon.com/vpc/pricing/ (Public IPv4 addresses, from 2024-02-01)',
  ebs: 'https://aws.amazon.com/ebs/pricing/',
  nat: 'https://aws.amazon.com/vpc/pricing/',
  alb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  efs: 'https://aws.amazon.com/efs/pricing/',
  privateLink: 'https://aws.amazon.com/privatelink/pricing/',
  eks: 'https://aws.amazon.com/eks/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  cloudWatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  sageMaker: 'https://aws.amazon.com/sagemaker/pricing/',
  spot: 'https://aws.amazon.com/ec2/spot/instance-advisor/ (savings over on-demand; an assumption, not a quote)',
  savingsPlans: 'https://aws.amazon.com/savingsplans/pricing/ (Compute and SageMaker AI Savings Plans rates per instance type, term and payment option; assumed, see SAVINGS_PLAN_ASSUMPTION)',
} as const;

/**
 * The Savings Plan `npm run cost` recommends, and the discount off on-demand it assumes for it.
 * AWS publishes a Savings Plans rate per instance type, Region, term and payment option
 * (PRICE_SOURCES.savingsPlans; `aws savingsplans describe-savings-plans-offering-rates` reads
 * them), up to 66 % off on-demand for Compute and 64 % for SageMaker AI Savings Plans at 3 years
 * All Upfront. The build cannot read them, so the table holds no rate: it assumes one discount
 * for both plan types at 1 year No Upfront, below those maxima. It is an assumption, printed as
 * one with the advice, and `--savings-plan-discount` replaces it with the rate read for the
 * environment's instance types.
 */
export const SAVINGS_PLAN_ASSUMPTION = {
  /** The term the advice prices: a year is 365 days (31,536,000 s) for Savings Plans. */
  termYears: 1,
  /** No Upfront: the commitment is billed every hour of the term, nothing before. */
  paymentOption: 'No Upfront',
  /** Assumed discount off on-demand of both Compute and SageMaker AI Savings Plans at that term and payment option. */
  discount: 0.25,
  /** The date the assumption was stated (YYYY-MM-DD). */
  asOf: '2026-12-05',
} as const;

/** us-east-1 (N. Virginia): every catalogued accelerated type, the EKS node pools' CPU types and the CPU fleets' (c6i, c7i, m6i, m7i large). */
const US_EAST_1_EC2: Record<string, number> = {
  'g4dn.xlarge': 0.526, 'g4dn.2xlarge': 0.752, 'g4dn.4xlarge': 1.204, 'g4dn.8xlarge': 2.176, 'g4dn.12xlarge': 3.912, 'g4dn.16xlarge': 4.352,
  'g5.xlarge': 1.006, 'g5.2xlarge': 1.212, 'g5.4xlarge': 1.624, 'g5.8xlarge': 2.448, 'g5.12xlarge': 5.672, 'g5.48xlarge': 16.288,
  'g6.xlarge': 0.8048, 'g6.2xlarge': 0.9776, 'g6.4xlarge': 1.3232, 'g6.12xlarge': 4.6016,
  'g6e.xlarge': 1.861, 'g6e.2xlarge': 2.242,
  'p3.2xlarge': 3.06, 'p3.8xlarge': 12.24, 'p3.16xlarge': 24.48, 'p3dn.24xlarge': 31.212, 'p4d.24xlarge': 32.7726, 'p5.48xlarge': 55.04,
  'inf2.xlarge': 0.7582, 'inf2.48xlarge': 12.9813, 'trn1.2xlarge': 1.3438, 'trn1.32xlarge': 21.5, 'dl1.24xlarge': 13.10904,
  'm6i.large': 0.096, 'm6i.xlarge': 0.192, 'm7i.large': 0.1008, 'm7i.xlarge': 0.2016,
  // The CPU fleets' (dev's) types, entered 2026-12 from the same page's published rates without a live read.
  'c6i.large': 0.085, 'c7i.large': 0.08925,
};

/** eu-central-1 (Frankfurt): the types the environments allow, the EKS node pools' CPU types and the CPU fleets'. */
const EU_CENTRAL_1_EC2: Record<string, number> = {
  'g4dn.xlarge': 0.658, 'g4dn.12xlarge': 4.89,
  'g5.xlarge': 1.258, 'g5.2xlarge': 1.515, 'g5.12xlarge': 7.09, 'g5.48xlarge': 20.36,
  'g6.xlarge': 1.006, 'g6.12xlarge': 5.752,
  'p3.8xlarge': 15.292, 'p4d.24xlarge': 40.966,
  'm6i.large': 0.115, 'm6i.xlarge': 0.23, 'm7i.large': 0.121, 'm7i.xlarge': 0.242,
  // As us-east-1's CPU fleet types: entered 2026-12 without a live read.
  'c6i.large': 0.097, 'c7i.large': 0.10185,
};

/** EKS Auto Mode's fee: AWS lists it per instance type at about 12 % of the type's on-demand price. */
const autoModeFees = (ec2: Record<string, number>, types: readonly string[]): Record<string, number> =>
  Object.fromEntries(types.filter((t) => ec2[t] !== undefined).map((t) => [t, Math.round(ec2[t] * 0.12 * 1e6) / 1e6]));
const NODE_POOL_TYPES = ['g5.xlarge', 'g6.xlarge', 'g5.12xlarge', 'g6.12xlarge', 'm6i.large', 'm6i.xlarge', 'm7i.large', 'm7i.xlarge'];
// Assumptions like every spot discount here; the CPU families' (c6i, c7i, m6i, m7i) as the GPU families of their generation.
const SPOT_DISCOUNTS = { g4dn: 0.6, g5: 0.6, g6: 0.6, g6e: 0.55, p3: 0.7, p3dn: 0.65, p4d: 0.6, p5: 0.5, c6i: 0.6, c7i: 0.55, m6i: 0.6, m7i: 0.55 };

const US_PRICES = {
  publicIpv4UsdPerHour: 0.005,
  ebsGp3UsdPerGbMonth: 0.08,
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
    'ml.m5.large': 0.115, 'ml.m5.xlarge': 0.23, 'ml.c5.large': 0.102, 'ml.g4dn.xlarge': 0.7364,
    'ml.g5.xlarge': 1.408, 'ml.g5.2xlarge': 1.515, 'ml.g6.xlarge': 1.1644,
  },
  spotDiscountByFamily: SPOT_DISCOUNTS,
};

/**
 * The table, by Region. us-west-2 (Oregon) lists the same prices as us-east-1 for everything here.
 * us-west-2 and eu-central-1 were entered from the price pages' published rates without a live
 * read (the build has no access to AWS): check them against the AWS Pricing Calculator before
 * quoting a bill.
 */
export const PRICE_TABLE: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': { asOf: '2026-11-01', ec2OnDemandUsdPerHour: US_EAST_1_EC2, eksAutoModeUsdPerHour: autoModeFees(US_EAST_1_EC2, NODE_POOL_TYPES), ...US_PRICES },
  'us-west-2': { asOf: '2026-12-05', ec2OnDemandUsdPerHour: US_EAST_1_EC2, eksAutoModeUsdPerHour: autoModeFees(US_EAST_1_EC2, NODE_POOL_TYPES), ...US_PRICES },
  'eu-central-1': {
    asOf: '2026-12-05',
    ec2OnDemandUsdPerHour: EU_CENTRAL_1_EC2,
    eksAutoModeUsdPerHour: autoModeFees(EU_CENTRAL_1_EC2, NODE_POOL_TYPES),
    publicIpv4UsdPerHour: 0.005,
    ebsGp3UsdPerGbMonth: 0.0952,
    natGatewayUsdPerHour: 0.052,
    natGatewayUsdPerGb: 0.052,
    albUsdPerHour: 0.027,
    albUsdPerLcuHour: 0.0096,
    efsStandardUsdPerGbMonth: 0.36,
    interfaceEndpointUsdPerAzHour: 0.012,
    eksClusterUsdPerHour: 0.1,
    kmsKeyUsdPerMonth: 1,
    cloudWatchAlarmUsdPerMetricMonth: 0.1,
    cloudWatchDashboardUsdPerMonth: 3,
    sageMakerUsdPerHour: {
      'ml.m5.large': 0.138, 'ml.m5.xlarge': 0.276, 'ml.c5.large': 0.117, 'ml.g4dn.xlarge': 0.921,
      'ml.g5.xlarge': 1.771, 'ml.g5.2xlarge': 1.906, 'ml.g6.xlarge': 1.4636,
    },
    spotDiscountByFamily: SPOT_DISCOUNTS,
  },
};

/** Prices of `region`, or an error listing the Regions the table has. */
export function regionPrices(region: string): RegionPrices {
  const prices = Object.prototype.hasOwnProperty.call(PRICE_TABLE, region) ? PRICE_TABLE[region] : undefined;
  if (!prices) throw new Error(`no prices for region "${region}": the price table has ${Object.keys(PRICE_TABLE).join(', ')} (lib/pricing/price-table.ts)`);
  return prices;
}

/** The family of an instance type: `g5` of `g5.xlarge`, `g4dn` of `ml.g4dn.xlarge`. */
export function instanceFamily(instanceType: string): string {
  return instanceType.replace(/^ml\./, '').split('.')[0];
}

function lookup(table: Readonly<Record<string, number>>, key: string, what: string, field: string): number {
  const price = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
  if (price === undefined) throw new Error(`no ${what} price for ${key}: add it to ${field} in lib/pricing/price-table.ts`);
  return price;
}

/**
 * us-east-1's on-demand hourly price of `instanceType`, or undefined when the table lacks it: the
 * ceiling a spot max price is checked against at synth, whatever the Region (the others' prices
 * differ by a few percent).
 */
export function spotMaxPriceCeilingUsdPerHour(instanceType: string): number | undefined {
  const table = PRICE_TABLE['us-east-1'].ec2OnDemandUsdPerHour;
  return Object.prototype.hasOwnProperty.call(table, instanceType) ? table[instanceType] : undefined;
}

/** EC2's on-demand hourly price of `instanceType` in `prices`, or an error naming it. */
export function ec2OnDemandUsdPerHour(prices: RegionPrices, instanceType: string): number {
  return lookup(prices.ec2OnDemandUsdPerHour, instanceType, 'EC2 on-demand', 'ec2OnDemandUsdPerHour');
}

/** SageMaker's hourly price of `instanceType` in `prices`, or an error naming it. */
export function sageMakerUsdPerHour(prices: RegionPrices, instanceType: string): number {
  return lookup(prices.sageMakerUsdPerHour, instanceType, 'SageMaker', 'sageMakerUsdPerHour');
}

/** EKS Auto Mode's hourly fee for `instanceType` in `prices`, or an error naming it. */
export function eksAutoModeUsdPerHour(prices: RegionPrices, instanceType: string): number {
  return lookup(prices.eksAutoModeUsdPerHour, instanceType, 'EKS Auto Mode', 'eksAutoModeUsdPerHour');
}

/** The assumed spot discount of `instanceType`'s family, or an error naming it. */
export function spotDiscount(prices: RegionPrices, instanceType: string): number {
  const discount = prices.spotDiscountByFamily[instanceFamily(instanceType)];
  if (discount === undefined) throw new Error(`no spot discount assumed for ${instanceType}: add its family to spotDiscountByFamily in lib/pricing/price-table.ts or pass --spot-discount`);
  return discount;
}
