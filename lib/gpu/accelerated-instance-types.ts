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
  /** Linux on-demand price in us-east-1, USD per hour: the ceiling a spot max price is checked against. */
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

const nvidia = (architecture: GpuArchitecture, accelerators: number, onDemandUsdPerHour: number, efa: boolean, nitro = true): AcceleratedInstanceTypeInfo =>
  ({ accelerator: 'nvidia-gpu', gpuArchitecture: architecture, accelerators, onDemandUsdPerHour, efa, nitro });

/**
 * The accelerated instance types this project supports. Prices are us-east-1 Linux on-demand
 * list prices (AWS price list, 2026-11); other regions differ by a few percent, so they bound a
 * spot max price and estimate a bill, they do not quote one.
 */
export const ACCELERATED_INSTANCE_TYPES: Readonly<Record<string, AcceleratedInstanceTypeInfo>> = {
  'g4dn.xlarge': nvidia('turing', 1, 0.526, false),
  'g4dn.2xlarge': nvidia('turing', 1, 0.752, false),
  'g4dn.4xlarge': nvidia('turing', 1, 1.204, false),
  'g4dn.8xlarge': nvidia('turing', 1, 2.176, true),
  'g4dn.12xlarge': nvidia('turing', 4, 3.912, true),
  'g4dn.16xlarge': nvidia('turing', 1, 4.352, true),
  'g5.xlarge': nvidia('ampere', 1, 1.006, false),
  'g5.2xlarge': nvidia('ampere', 1, 1.212, false),
  'g5.4xlarge': nvidia('ampere', 1, 1.624, false),
  'g5.8xlarge': nvidia('ampere', 1, 2.448, true),
  'g5.12xlarge': nvidia('ampere', 4, 5.672, true),
  'g5.48xlarge': nvidia('ampere', 8, 16.288, true),
  'g6.xlarge': nvidia('ada-lovelace', 1, 0.8048, false),
  'g6.2xlarge': nvidia('ada-lovelace', 1, 0.9776, false),
  'g6.4xlarge': nvidia('ada-lovelace', 1, 1.3232, false),
  'g6.12xlarge': nvidia('ada-lovelace', 4, 4.6016, true),
  'g6e.xlarge': nvidia('ada-lovelace', 1, 1.861, false),
  'g6e.2xlarge': nvidia('ada-lovelace', 1, 2.242, false),
  'p3.2xlarge': nvidia('volta', 1, 3.06, false, false),
  'p3.8xlarge': nvidia('volta', 4, 12.24, false, false),
  'p3.16xlarge': nvidia('volta', 8, 24.48, false, false),
  'p3dn.24xlarge': nvidia('volta', 8, 31.212, true),
  'p4d.24xlarge': nvidia('ampere', 8, 32.7726, true),
  'p5.48xlarge': nvidia('hopper', 8, 55.04, true),
  'inf2.xlarge': { accelerator: 'inferentia', accelerators: 1, onDemandUsdPerHour: 0.7582, efa: false, nitro: true },
  'inf2.48xlarge': { accelerator: 'inferentia', accelerators: 12, onDemandUsdPerHour: 12.9813, efa: false, nitro: true },
  'trn1.2xlarge': { accelerator: 'trainium', accelerators: 1, onDemandUsdPerHour: 1.3438, efa: false, nitro: true },
  'trn1.32xlarge': { accelerator: 'trainium', accelerators: 16, onDemandUsdPerHour: 21.5, efa: true, nitro: true },
  'dl1.24xlarge': { accelerator: 'gaudi', accelerators: 8, onDemandUsdPerHour: 13.10904, efa: true, nitro: true },
};

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
