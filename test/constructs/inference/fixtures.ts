import { App, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { GpuFleetProps } from '../../../lib/constructs/inference/gpu-fleet';

/** A bare stack for one construct under test. */
export function bareStack(): Stack {
  return new Stack(new App(), 'Test');
}

/** A bare stack with a VPC and a security group, what the fleet-side constructs need. */
export function networkStack(): { stack: Stack; vpc: ec2.Vpc; securityGroup: ec2.SecurityGroup } {
  const stack = bareStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc });
  return { stack, vpc, securityGroup };
}

/** Props of a valid GPU fleet in `stack`, to spread and override. */
export function fleetProps(vpc: ec2.IVpc, securityGroup: ec2.ISecurityGroup): GpuFleetProps {
  return {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroup,
    userData: ec2.UserData.forLinux(),
    instanceTypes: ['g5.xlarge', 'g4dn.xlarge'],
    minCapacity: 0,
    maxCapacity: 4,
    onDemandBaseCapacity: 1,
    onDemandPercentageAboveBaseCapacity: 20,
    modelVersion: '1.0.0',
    modelWarmupSeconds: 300,
    maxJobDurationSeconds: 600,
  };
}

/** A plain group and queue for the scaling constructs. */
export function groupAndQueue(): { stack: Stack; group: autoscaling.AutoScalingGroup; queue: sqs.Queue } {
  const { stack, vpc } = networkStack();
  const group = new autoscaling.AutoScalingGroup(stack, 'Group', {
    vpc,
    instanceType: new ec2.InstanceType('g5.xlarge'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    maxCapacity: 4,
  });
  const queue = new sqs.Queue(stack, 'Queue');
  return { stack, group, queue };
}
