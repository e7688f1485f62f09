import * as ec2 from 'aws-cdk-lib/aws-ec2';

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
