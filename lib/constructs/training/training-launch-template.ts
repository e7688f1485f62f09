import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { checkDeepLearningAmiSupports, deepLearningAmi, encryptedGp3RootVolume } from '../../gpu/deep-learning-ami';
import { checkEfaSupported, checkGpuInstanceType, checkInRange, throwIfProblems } from '../../validation';

/** Props of {@link TrainingLaunchTemplate}. */
export interface TrainingLaunchTemplateProps {
  /** GPU instance type, e.g. `g5.12xlarge`; a fleet may override it. */
  readonly instanceType: string;
  /** Instance role. */
  readonly role: iam.IRole;
  /** Security group of the instances (EFA needs one that allows all traffic to itself). */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Boot script. */
  readonly userData: ec2.UserData;
  /**
   * Attach an Elastic Fabric Adapter as the primary network interface; `instanceType` must support it.
   * @default false
   */
  readonly efa?: boolean;
  /**
   * Root volume size (encrypted gp3).
   * @default 100
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * AMI: resolved at deploy time, never a hard-coded id. Give one whose driver supports the
   * instance type's GPUs when the default does not (Volta).
   * @default - the Deep Learning Base GPU AMI from `DEEP_LEARNING_AMI_PARAMETER` (Turing and newer GPUs)
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Placement group the instances launch into.
   * @default - none
   */
  readonly placementGroup?: ec2.IPlacementGroup;
}

/**
 * A GPU launch template for training: Deep Learning AMI from its public SSM parameter,
 * encrypted gp3 root volume, IMDSv2 only, optional EFA.
 */
export class TrainingLaunchTemplate extends Construct {
  /** The launch template. */
  public readonly launchTemplate: ec2.LaunchTemplate;

  constructor(scope: Construct, id: string, props: TrainingLaunchTemplateProps) {
    super(scope, id);
    const rootVolumeSizeGiB = props.rootVolumeSizeGiB ?? 100;
    const efa = props.efa ?? false;
    throwIfProblems(
      checkGpuInstanceType('instanceType', props.instanceType),
      props.machineImage ? undefined : checkDeepLearningAmiSupports('instanceType', props.instanceType),
      checkInRange('rootVolumeSizeGiB', rootVolumeSizeGiB, 30, 16_384),
      checkEfaSupported('efa', efa, 'instanceType', props.instanceType),
    );

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(props.instanceType),
      machineImage: props.machineImage ?? deepLearningAmi(),
      role: props.role,
      securityGroup: props.securityGroup,
      userData: props.userData,
      requireImdsv2: true,
      // The training scripts run on the host; a container cannot reach IMDS and its role (CT.EC2.PR.2).
      httpPutResponseHopLimit: 1,
      // One-minute EC2 metrics cost cents a month next to a GPU node's hourly price (CT.EC2.PR.10).
      detailedMonitoring: true,
      placementGroup: props.placementGroup,
      blockDevices: [encryptedGp3RootVolume(rootVolumeSizeGiB)],
    });

    if (efa) {
      // The L2 launch template cannot declare network interfaces; EFA needs InterfaceType efa,
      // and with explicit interfaces the security groups move onto the interface.
      const cfn = this.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate;
      cfn.addPropertyOverride('LaunchTemplateData.NetworkInterfaces', [
        { DeviceIndex: 0, InterfaceType: 'efa', Groups: [props.securityGroup.securityGroupId], DeleteOnTermination: true },
      ]);
      cfn.addPropertyDeletionOverride('LaunchTemplateData.SecurityGroupIds');
    }
  }
}
