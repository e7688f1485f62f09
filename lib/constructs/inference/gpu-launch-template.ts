import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { deepLearningAmi, encryptedGp3RootVolume } from '../../gpu/deep-learning-ami';
import { checkInRange, throwIfProblems } from '../../validation';

/** Props of {@link GpuLaunchTemplate}. */
export interface GpuLaunchTemplateProps {
  /** Security group of the instances. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Boot script of the instances. */
  readonly userData: ec2.UserData;
  /** Size of the encrypted gp3 root volume (30-16384); the fleet's `rootVolumeSizeGiB`. */
  readonly rootVolumeSizeGiB: number;
  /**
   * The AMI.
   * @default - the Deep Learning OSS Nvidia driver AMI on Amazon Linux 2023, resolved from its
   * public SSM parameter at deploy time (`DEEP_LEARNING_AMI_PARAMETER`)
   */
  readonly machineImage?: ec2.IMachineImage;
}

/**
 * Launch template of a GPU instance: Deep Learning AMI, IMDSv2 only with a hop limit of 1 (the
 * inference container never sees the instance role), encrypted gp3 root volume, detailed monitoring, and
 * an instance role that starts with SSM Session Manager only: callers grant the rest.
 * It sets no instance type: the Auto Scaling group's mixed instances policy picks them.
 */
export class GpuLaunchTemplate extends Construct {
  /** The launch template. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The instance role. */
  public readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: GpuLaunchTemplateProps) {
    super(scope, id);
    const { rootVolumeSizeGiB } = props;
    throwIfProblems(checkInRange('rootVolumeSizeGiB', rootVolumeSizeGiB, 30, 16_384));

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'GPU inference instance',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'Session Manager access instead of SSH; AWS maintains this policy as the minimum an instance needs for SSM.',
    });
    this.role = role;
    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: props.machineImage ?? deepLearningAmi(),
      userData: props.userData,
      role,
      securityGroup: props.securityGroup,
      requireImdsv2: true,
      // Only the host (boot script, agent) reads IMDS; a container cannot reach it (CT.EC2.PR.2).
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      blockDevices: [encryptedGp3RootVolume(rootVolumeSizeGiB)],
    });
  }
}
