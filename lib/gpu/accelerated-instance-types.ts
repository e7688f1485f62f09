import { PRICE_TABLE, ec2OnDemandUsdPerHour } from '../pricing/price-table';

/** The kind of accelerator an instance type carries. */
export type AcceleratorKind = 'nvidia-gpu' | 'amd-gpu' | 'inferentia' | 'trainium' | 'gaudi' | 'qualcomm-ai100';

/**
 * NVIDIA GPU architectures, oldest first. NVIDIA's open GPU kernel modules, the driver of the
 * Deep Learning Base OSS Nvidia Driver AMI, support Turing and newer only
 * (https://docs.nvidia.com/datacenter/tesla/driver-installation-guide/kernel-modules.html).
 */
export const GPU_ARCHITECTURES = ['volta', 'turing', 'ampere', 'ada-lovelace', 'hopper'] as const;

/** One NVIDIA GPU architecture: Volta (V100), Turing (T4), Ampere (A10G, A100), Ada Lovelace (L4, L40S), Hopper (H100). */
export type GpuArchitecture = typeof GPU_ARCHITECTURES[number];

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
  /** The GPUs' architecture, for NVIDIA GPU types: which drivers, and so which AMIs, run them. */
  readonly gpuArchitecture?: GpuArchitecture;
}

/** The accelerator of every accelerated instance family, whether or not the catalog below prices its types. */
const FAMILY_ACCELERATORS: Readonly<Record<string, AcceleratorKind>> = {
  ...Object.fromEntries([
    'g3', 'g3s', 'g4dn', 'g5', 'g5g', 'g6', 'g6e', 'g6f', 'gr6', 'gr6f',
    'p2', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200',
  ].map((family) => [family, 'nvidia-gpu'])),
  g4ad: 'amd-gpu',
  inf1: 'inferentia',
  inf2: 'inferentia',
  trn1: 'trainium',
  trn1n: 'trainium',
  trn2: 'trainium',
  dl1: 'gaudi',
  dl2q: 'qualcomm-ai100',
};

/**
 * Instance families whose types carry accelerators, whether or not the catalog below prices
 * them: the guardrails treat every type of these families as GPU spend.
 */
export const ACCELERATED_FAMILIES: readonly string[] = Object.keys(FAMILY_ACCELERATORS);

/** us-east-1 on-demand prices, from the project's one price table. */
const US_EAST_1 = PRICE_TABLE['us-east-1'];
const accelerated = (instanceType: string, accelerator: AcceleratorKind, accelerators: number, efa: boolean, nitro = true): [string, AcceleratedInstanceTypeInfo] =>
  [instanceType, { accelerator, accelerators, onDemandUsdPerHour: ec2OnDemandUsdPerHour(US_EAST_1, instanceType), efa, nitro }];
const nvidia = (instanceType: string, architecture: GpuArchitecture, accelerators: number, efa: boolean, nitro = true): [string, AcceleratedInstanceTypeInfo] => {
  const [name, info] = accelerated(instanceType, 'nvidia-gpu', accelerators, efa, nitro);
  return [name, { ...info, gpuArchitecture: architecture }];
};

/**
 * The accelerated instance types this project supports. Prices are us-east-1 Linux on-demand
 * list prices from lib/pricing/price-table.ts; they bound a spot max price (the same ceiling
 * whatever the Region: other Regions' prices differ by a few percent).
 */
export const ACCELERATED_INSTANCE_TYPES: Readonly<Record<string, AcceleratedInstanceTypeInfo>> = Object.fromEntries([
  nvidia('g4dn.xlarge', 'turing', 1, false),
  nvidia('g4dn.2xlarge', 'turing', 1, false),
  nvidia('g4dn.4xlarge', 'turing', 1, false),
  nvidia('g4dn.8xlarge', 'turing', 1, true),
  nvidia('g4dn.12xlarge', 'turing', 4, true),
  nvidia('g4dn.16xlarge', 'turing', 1, true),
  nvidia('g5.xlarge', 'ampere', 1, false),
  nvidia('g5.2xlarge', 'ampere', 1, false),
  nvidia('g5.4xlarge', 'ampere', 1, false),
  nvidia('g5.8xlarge', 'ampere', 1, true),
  nvidia('g5.12xlarge', 'ampere', 4, true),
  nvidia('g5.48xlarge', 'ampere', 8, true),
  nvidia('g6.xlarge', 'ada-lovelace', 1, false),
  nvidia('g6.2xlarge', 'ada-lovelace', 1, false),
  nvidia('g6.4xlarge', 'ada-lovelace', 1, false),
  nvidia('g6.12xlarge', 'ada-lovelace', 4, true),
  nvidia('g6e.xlarge', 'ada-lovelace', 1, false),
  nvidia('g6e.2xlarge', 'ada-lovelace', 1, false),
  nvidia('p3.2xlarge', 'volta', 1, false, false),
  nvidia('p3.8xlarge', 'volta', 4, false, false),
  nvidia('p3.16xlarge', 'volta', 8, false, false),
  nvidia('p3dn.24xlarge', 'volta', 8, true),
  nvidia('p4d.24xlarge', 'ampere', 8, true),
  nvidia('p5.48xlarge', 'hopper', 8, true),
  accelerated('inf2.xlarge', 'inferentia', 1, false),
  accelerated('inf2.48xlarge', 'inferentia', 12, false),
  accelerated('trn1.2xlarge', 'trainium', 1, false),
  accelerated('trn1.32xlarge', 'trainium', 16, true),
  accelerated('dl1.24xlarge', 'gaudi', 8, true),
]);

/** The family of an instance type: `g5` of `g5.xlarge`. */
export function instanceFamilyOf(instanceType: string): string {
  return instanceType.split('.')[0];
}

/** Whether `instanceType` belongs to an accelerated family (GPU, Inferentia, Trainium, Gaudi), catalogued or not. */
export function isAcceleratedInstanceType(instanceType: string): boolean {
  return ACCELERATED_FAMILIES.includes(instanceFamilyOf(instanceType));
}

/**
 * What a serving image must be built for to use an instance type: `gpu` (CUDA) for NVIDIA GPU
 * types, `cpu` for types without accelerators, `other` for other accelerators (Inferentia,
 * Trainium, Gaudi, AMD), which need images of their own. Takes EC2 types and SageMaker
 * `ml.` types alike.
 */
export type ImageProcessor = 'gpu' | 'cpu' | 'other';

/** The {@link ImageProcessor} of `instanceType`, EC2 (`g5.xlarge`) or SageMaker (`ml.g5.xlarge`). */
export function imageProcessorOf(instanceType: string): ImageProcessor {
  const accelerator = FAMILY_ACCELERATORS[instanceFamilyOf(instanceType.replace(/^ml\./, ''))];
  if (accelerator === undefined) return 'cpu';
  return accelerator === 'nvidia-gpu' ? 'gpu' : 'other';
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
