import { PRICE_TABLE, ec2OnDemandUsdPerHour } from '../pricing/price-table';

/** The kind of accelerator an instance type carries. */
export type AcceleratorKind = 'nvidia-gpu' | 'inferentia' | 'trainium' | 'gaudi';

/** What the project needs to know about one accelerated EC2 instance type. */
export interface AcceleratedInstanceTypeInfo {
  /** The accelerator: only `nvidia-gpu` types run the Deep Learning (NVIDIA driver) AMI and CUDA containers. */
  readonly accelerator: AcceleratorKind;
  /** Number of accelerators (GPUs, Inferentia or Trainium chips, Gaudi cards). */
  readonly accelerators: number;
  /** Linux on-demand price in us-east-1, USD per hour (lib/pricing/price-table.ts): the ceiling a spot max price is checked against. */
  readonly onDemandUsdPerHour: number;
  /** Whether the type supports Elastic Fabric Adapter network interfaces. */
  readonly efa: boolean;
  /** Whether the type runs on the AWS Nitro System (Control Tower and current AMIs expect it; p3 below 24xlarge is Xen). */
  readonly nitro: boolean;
}

/**
 * Instance families whose types carry accelerators, whether or not the catalog below prices
 * them: the guardrails treat every type of these families as GPU spend.
 */
export const ACCELERATED_FAMILIES: readonly string[] = [
  'g3', 'g3s', 'g4ad', 'g4dn', 'g5', 'g5g', 'g6', 'g6e', 'g6f', 'gr6', 'gr6f',
  'p2', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200',
  'inf1', 'inf2', 'trn1', 'trn1n', 'trn2', 'dl1', 'dl2q',
];

/** us-east-1 on-demand prices, from the project's one price table. */
const US_EAST_1 = PRICE_TABLE['us-east-1'];
const accelerated = (instanceType: string, accelerator: AcceleratorKind, accelerators: number, efa: boolean, nitro = true): [string, AcceleratedInstanceTypeInfo] =>
  [instanceType, { accelerator, accelerators, onDemandUsdPerHour: ec2OnDemandUsdPerHour(US_EAST_1, instanceType), efa, nitro }];
const nvidia = (instanceType: string, accelerators: number, efa: boolean, nitro = true) => accelerated(instanceType, 'nvidia-gpu', accelerators, efa, nitro);

/**
 * The accelerated instance types this project supports. Prices are us-east-1 Linux on-demand
 * list prices from lib/pricing/price-table.ts; they bound a spot max price (the same ceiling
 * whatever the Region: other Regions' prices differ by a few percent).
 */
export const ACCELERATED_INSTANCE_TYPES: Readonly<Record<string, AcceleratedInstanceTypeInfo>> = Object.fromEntries([
  nvidia('g4dn.xlarge', 1, false),
  nvidia('g4dn.2xlarge', 1, false),
  nvidia('g4dn.4xlarge', 1, false),
  nvidia('g4dn.8xlarge', 1, true),
  nvidia('g4dn.12xlarge', 4, true),
  nvidia('g4dn.16xlarge', 1, true),
  nvidia('g5.xlarge', 1, false),
  nvidia('g5.2xlarge', 1, false),
  nvidia('g5.4xlarge', 1, false),
  nvidia('g5.8xlarge', 1, true),
  nvidia('g5.12xlarge', 4, true),
  nvidia('g5.48xlarge', 8, true),
  nvidia('g6.xlarge', 1, false),
  nvidia('g6.2xlarge', 1, false),
  nvidia('g6.4xlarge', 1, false),
  nvidia('g6.12xlarge', 4, true),
  nvidia('g6e.xlarge', 1, false),
  nvidia('g6e.2xlarge', 1, false),
  nvidia('p3.2xlarge', 1, false, false),
  nvidia('p3.8xlarge', 4, false, false),
  nvidia('p3.16xlarge', 8, false, false),
  nvidia('p3dn.24xlarge', 8, true),
  nvidia('p4d.24xlarge', 8, true),
  nvidia('p5.48xlarge', 8, true),
  accelerated('inf2.xlarge', 'inferentia', 1, false, true),
  accelerated('inf2.48xlarge', 'inferentia', 12, false, true),
  accelerated('trn1.2xlarge', 'trainium', 1, false, true),
  accelerated('trn1.32xlarge', 'trainium', 16, true, true),
  accelerated('dl1.24xlarge', 'gaudi', 8, true, true),
]);

/** The family of an instance type: `g5` of `g5.xlarge`. */
export function instanceFamilyOf(instanceType: string): string {
  return instanceType.split('.')[0];
}

/** Whether `instanceType` belongs to an accelerated family (GPU, Inferentia, Trainium, Gaudi), catalogued or not. */
export function isAcceleratedInstanceType(instanceType: string): boolean {
  return ACCELERATED_FAMILIES.includes(instanceFamilyOf(instanceType));
}

/** The catalog entry of `instanceType`, or undefined when the project does not support it. */
export function acceleratedInstanceType(instanceType: string): AcceleratedInstanceTypeInfo | undefined {
  return Object.prototype.hasOwnProperty.call(ACCELERATED_INSTANCE_TYPES, instanceType)
    ? ACCELERATED_INSTANCE_TYPES[instanceType]
    : undefined;
}

/** The catalogued NVIDIA GPU types: the ones the Deep Learning AMI and CUDA containers run on. */
export function nvidiaGpuInstanceTypes(): string[] {
  return Object.entries(ACCELERATED_INSTANCE_TYPES).filter(([, info]) => info.accelerator === 'nvidia-gpu').map(([type]) => type);
}
