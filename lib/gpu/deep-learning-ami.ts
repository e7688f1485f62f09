import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Problem } from '../validation';
import { ACCELERATED_INSTANCE_TYPES, GPU_ARCHITECTURES, GpuArchitecture, acceleratedInstanceType } from './accelerated-instance-types';

/** Public SSM parameter of the latest AWS Deep Learning Base OSS Nvidia Driver GPU AMI (Amazon Linux 2023). */
export const DEEP_LEARNING_AMI_PARAMETER =
  '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id';

/** The Deep Learning AMI, resolved from its public SSM parameter at deploy time: no lookup, no hard-coded id. */
export function deepLearningAmi(): ec2.IMachineImage {
  return ec2.MachineImage.fromSsmParameter(DEEP_LEARNING_AMI_PARAMETER, { os: ec2.OperatingSystemType.LINUX });
}

/** The AMI's root volume as this project sizes it: encrypted gp3, deleted with the instance. */
export function encryptedGp3RootVolume(sizeGiB: number): ec2.BlockDevice {
  return {
    deviceName: '/dev/xvda',
    volume: ec2.BlockDeviceVolume.ebs(sizeGiB, {
      volumeType: ec2.EbsDeviceVolumeType.GP3,
      encrypted: true,
      deleteOnTermination: true,
    }),
  };
}

/**
 * The oldest GPU architecture the AMI of DEEP_LEARNING_AMI_PARAMETER runs. Its driver is NVIDIA's
 * open kernel modules, which support Turing and newer only
 * (https://docs.nvidia.com/datacenter/tesla/driver-installation-guide/kernel-modules.html); its
 * release notes list G4dn, G5, G6, Gr6, G6e, P4d, P4de, P5, P5e, P5en and P6 and no P3 or P3dn
 * (https://docs.aws.amazon.com/dlami/latest/devguide/aws-deep-learning-ami-gpubaseoss-al2023-2026-05-20.html),
 * which only the proprietary-driver Amazon Linux 2 DLAMI supports.
 */
export const DEEP_LEARNING_AMI_OLDEST_ARCHITECTURE: GpuArchitecture = 'turing';

/** Whether the default Deep Learning AMI runs GPUs of `architecture`. */
export function deepLearningAmiRuns(architecture: GpuArchitecture): boolean {
  return GPU_ARCHITECTURES.indexOf(architecture) >= GPU_ARCHITECTURES.indexOf(DEEP_LEARNING_AMI_OLDEST_ARCHITECTURE);
}

/**
 * A catalogued NVIDIA type whose GPUs the default Deep Learning AMI cannot drive (Volta: p3,
 * p3dn) fails at synth, naming `field`: the instance would boot without a working GPU driver.
 * A construct given its own `machineImage` skips this check.
 */
export function checkDeepLearningAmiSupports(field: string, instanceType: string): Problem {
  const architecture = Token.isUnresolved(instanceType) ? undefined : acceleratedInstanceType(instanceType)?.gpuArchitecture;
  if (architecture === undefined || deepLearningAmiRuns(architecture)) return undefined;
  const supported = Object.entries(ACCELERATED_INSTANCE_TYPES)
    .filter(([, info]) => info.gpuArchitecture !== undefined && deepLearningAmiRuns(info.gpuArchitecture))
    .map(([type]) => type.split('.')[0]);
  return `${field} ("${instanceType}") has ${architecture} GPUs, which the Deep Learning Base OSS Nvidia Driver AMI does not support `
    + `(${DEEP_LEARNING_AMI_OLDEST_ARCHITECTURE} and newer only): use a type of ${[...new Set(supported)].join(', ')}, `
    + 'or give the construct a machineImage whose driver supports it';
}
