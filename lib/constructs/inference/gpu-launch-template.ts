import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { encryptedGp3RootVolume } from '../../gpu/deep-learning-ami';
import { fleetMachineImage } from '../../gpu/fleet-ami';
import { FLEET_PROCESSOR_LABELS, FleetProcessor } from '../../gpu/fleet-processor';
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
   * What the instances compute on: it picks the default AMI.
   * @default 'gpu'
   */
  readonly processor?: FleetProcessor;
  /**
   * The AMI.
   * @default - the processor's, resolved from its public SSM parameter at deploy time (`fleetAmiParameter`): the Deep
   * Learning OSS Nvidia driver AMI on Amazon Linux 2023 for `gpu`, plain Amazon Linux 2023 for `cpu`
   */
  readonly machineImage?: ec2.IMachineImage;
}

/**
 * Launch template of an inference instance: the Deep Learning AMI (GPU) or Amazon Linux 2023 (CPU), IMDSv2 only with a hop limit of 1 (the
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
    const processor = props.processor ?? 'gpu';
    throwIfProblems(checkInRange('rootVolumeSizeGiB', rootVolumeSizeGiB, 30, 16_384));

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `${FLEET_PROCESSOR_LABELS[processor]} inference instance`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'Session Manager access instead of SSH; AWS maintains this policy as the minimum an instance needs for SSM.',
    });
    this.role = role;
    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: props.machineImage ?? fleetMachineImage(processor),
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
