/** The kind of accelerator an instance type carries. */
export type AcceleratorKind = 'nvidia-gpu' | 'inferentia' | 'trainium' | 'gaudi';

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

const nvidia = (accelerators: number, onDemandUsdPerHour: number, efa: boolean, nitro = true): AcceleratedInstanceTypeInfo =>
  ({ accelerator: 'nvidia-gpu', accelerators, onDemandUsdPerHour, efa, nitro });

/**
 * The accelerated instance types this project supports. Prices are us-east-1 Linux on-demand
 * list prices (AWS price list, 2026-11); other regions differ by a few percent, so they bound a
 * spot max price and estimate a bill, they do not quote one.
 */
export const ACCELERATED_INSTANCE_TYPES: Readonly<Record<string, AcceleratedInstanceTypeInfo>> = {
  'g4dn.xlarge': nvidia(1, 0.526, false),
  'g4dn.2xlarge': nvidia(1, 0.752, false),
  'g4dn.4xlarge': nvidia(1, 1.204, false),
  'g4dn.8xlarge': nvidia(1, 2.176, true),
  'g4dn.12xlarge': nvidia(4, 3.912, true),
  'g4dn.16xlarge': nvidia(1, 4.352, true),
  'g5.xlarge': nvidia(1, 1.006, false),
  'g5.2xlarge': nvidia(1, 1.212, false),
  'g5.4xlarge': nvidia(1, 1.624, false),
  'g5.8xlarge': nvidia(1, 2.448, true),
  'g5.12xlarge': nvidia(4, 5.672, true),
  'g5.48xlarge': nvidia(8, 16.288, true),
  'g6.xlarge': nvidia(1, 0.8048, false),
  'g6.2xlarge': nvidia(1, 0.9776, false),
  'g6.4xlarge': nvidia(1, 1.3232, false),
  'g6.12xlarge': nvidia(4, 4.6016, true),
  'g6e.xlarge': nvidia(1, 1.861, false),
  'g6e.2xlarge': nvidia(1, 2.242, false),
  'p3.2xlarge': nvidia(1, 3.06, false, false),
  'p3.8xlarge': nvidia(4, 12.24, false, false),
  'p3.16xlarge': nvidia(8, 24.48, false, false),
  'p3dn.24xlarge': nvidia(8, 31.212, true),
  'p4d.24xlarge': nvidia(8, 32.7726, true),
  'p5.48xlarge': nvidia(8, 55.04, true),
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
