/** What the project needs to know about one EC2 GPU instance type. */
export interface GpuInstanceTypeInfo {
  /** Number of NVIDIA GPUs. */
  readonly gpus: number;
  /** Linux on-demand price in us-east-1, USD per hour: the ceiling a spot max price is checked against. */
  readonly onDemandUsdPerHour: number;
  /** Whether the type supports Elastic Fabric Adapter network interfaces. */
  readonly efa: boolean;
}

/**
 * The GPU instance types this project supports. Prices are us-east-1 Linux on-demand list
 * prices; other regions differ by a few percent, so they bound a spot max price, not a bill.
 */
export const GPU_INSTANCE_TYPES: Readonly<Record<string, GpuInstanceTypeInfo>> = {
  'g4dn.xlarge': { gpus: 1, onDemandUsdPerHour: 0.526, efa: false },
  'g4dn.2xlarge': { gpus: 1, onDemandUsdPerHour: 0.752, efa: false },
  'g4dn.4xlarge': { gpus: 1, onDemandUsdPerHour: 1.204, efa: false },
  'g4dn.8xlarge': { gpus: 1, onDemandUsdPerHour: 2.176, efa: true },
  'g4dn.12xlarge': { gpus: 4, onDemandUsdPerHour: 3.912, efa: true },
  'g4dn.16xlarge': { gpus: 1, onDemandUsdPerHour: 4.352, efa: true },
  'g5.xlarge': { gpus: 1, onDemandUsdPerHour: 1.006, efa: false },
  'g5.2xlarge': { gpus: 1, onDemandUsdPerHour: 1.212, efa: false },
  'g5.4xlarge': { gpus: 1, onDemandUsdPerHour: 1.624, efa: false },
  'g5.8xlarge': { gpus: 1, onDemandUsdPerHour: 2.448, efa: true },
  'g5.12xlarge': { gpus: 4, onDemandUsdPerHour: 5.672, efa: true },
  'g5.48xlarge': { gpus: 8, onDemandUsdPerHour: 16.288, efa: true },
  'g6.xlarge': { gpus: 1, onDemandUsdPerHour: 0.8048, efa: false },
  'g6.2xlarge': { gpus: 1, onDemandUsdPerHour: 0.9776, efa: false },
  'g6.4xlarge': { gpus: 1, onDemandUsdPerHour: 1.3232, efa: false },
  'g6.12xlarge': { gpus: 4, onDemandUsdPerHour: 4.6016, efa: true },
  'g6e.xlarge': { gpus: 1, onDemandUsdPerHour: 1.861, efa: false },
  'g6e.2xlarge': { gpus: 1, onDemandUsdPerHour: 2.242, efa: false },
  'p3.2xlarge': { gpus: 1, onDemandUsdPerHour: 3.06, efa: false },
  'p3.8xlarge': { gpus: 4, onDemandUsdPerHour: 12.24, efa: false },
  'p3.16xlarge': { gpus: 8, onDemandUsdPerHour: 24.48, efa: false },
  'p3dn.24xlarge': { gpus: 8, onDemandUsdPerHour: 31.212, efa: true },
  'p4d.24xlarge': { gpus: 8, onDemandUsdPerHour: 32.7726, efa: true },
  'p5.48xlarge': { gpus: 8, onDemandUsdPerHour: 55.04, efa: true },
};

/** The catalog entry of `instanceType`, or undefined when it is not a supported GPU type. */
export function gpuInstanceType(instanceType: string): GpuInstanceTypeInfo | undefined {
  return Object.prototype.hasOwnProperty.call(GPU_INSTANCE_TYPES, instanceType)
    ? GPU_INSTANCE_TYPES[instanceType]
    : undefined;
}
