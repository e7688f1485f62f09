import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Public SSM parameter of the latest AWS Deep Learning Base OSS Nvidia Driver GPU AMI (Amazon Linux 2023). */
export const DEEP_LEARNING_AMI_PARAMETER =
  '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id';

/** The Deep Learning AMI, resolved from its public SSM parameter at deploy time: no lookup, no hard-coded id. */
export function deepLearningAmi(): ec2.IMachineImage {
  return ec2.MachineImage.fromSsmParameter(DEEP_LEARNING_AMI_PARAMETER, { os: ec2.OperatingSystemType.LINUX });
}
