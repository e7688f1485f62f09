import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DEEP_LEARNING_AMI_PARAMETER } from './deep-learning-ami';
import { FleetProcessor } from './fleet-processor';

/**
 * Public SSM parameter of the latest Amazon Linux 2023 AMI for x86_64 with AWS's default kernel
 * (https://docs.aws.amazon.com/linux/al2023/ug/ec2.html). A CPU fleet needs no GPU driver: this
 * AMI is smaller and boots faster than the Deep Learning AMI, and AL2023 ships Docker in its core
 * repositories (https://docs.aws.amazon.com/linux/al2023/ug/ecs.html), which boot.sh installs.
 */
export const AMAZON_LINUX_2023_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/** The public SSM parameter of the AMI a fleet of `processor` boots (or bakes its image from). */
export function fleetAmiParameter(processor: FleetProcessor): string {
  return processor === 'gpu' ? DEEP_LEARNING_AMI_PARAMETER : AMAZON_LINUX_2023_PARAMETER;
}

/**
 * The AMI a fleet of `processor` boots, resolved from its public SSM parameter at deploy time (a
 * CloudFormation parameter: no lookup, no hard-coded id): the Deep Learning OSS Nvidia driver AMI
 * for GPUs, Amazon Linux 2023 for CPUs.
 */
export function fleetMachineImage(processor: FleetProcessor): ec2.IMachineImage {
  return ec2.MachineImage.fromSsmParameter(fleetAmiParameter(processor), { os: ec2.OperatingSystemType.LINUX });
}
