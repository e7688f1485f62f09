import { Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { Problem, checkEfaSupported, checkGpuInstanceType, checkInRange, checkWholeNumberAtLeast, throwIfProblems } from '../../validation';
import { checkDeepLearningAmiSupports } from '../../gpu/deep-learning-ami';
import { runBootScript } from './boot-script';
import { acknowledgeWildcards, resourceFinding, S3_READ_ACTION_FINDINGS, S3_WRITE_ACTION_FINDINGS } from './nag-findings';
import { selectPlacementSubnet } from './placement-subnet';
import { TrainingBuckets } from './training-buckets';
import { TrainingLaunchTemplate } from './training-launch-template';

/** The cluster's settings: plain values an environment config holds. */
export type TrainingClusterSettings = Pick<TrainingClusterProps, 'instanceType' | 'maxNodes' | 'efa' | 'rootVolumeSizeGiB'>;

/**
 * The rules of {@link TrainingClusterSettings}, each problem naming its field; the instance type
 * must run the default Deep Learning AMI unless a `machineImage` is given.
 */
export function trainingClusterSettingsProblems(settings: TrainingClusterSettings & Pick<TrainingClusterProps, 'machineImage'>): Problem[] {
  const instanceType = settings.instanceType ?? DEFAULT_TRAINING_INSTANCE_TYPE;
  return [
    checkGpuInstanceType('instanceType', instanceType),
    settings.machineImage ? undefined : checkDeepLearningAmiSupports('instanceType', instanceType),
    checkWholeNumberAtLeast('maxNodes', settings.maxNodes, 1),
    checkEfaSupported('efa', settings.efa ?? false, 'instanceType', instanceType),
    checkInRange('rootVolumeSizeGiB', settings.rootVolumeSizeGiB ?? 100, 30, 16_384),
  ];
}

/** The cluster's instance type unless configured: 4 NVIDIA A10G GPUs on Nitro, supported by the current Deep Learning AMI. */
export const DEFAULT_TRAINING_INSTANCE_TYPE = 'g5.12xlarge';

/** Props of {@link TrainingCluster}. */
export interface TrainingClusterProps {
  /** VPC of the cluster. */
  readonly vpc: ec2.IVpc;
  /**
   * The one subnet of the cluster: a cluster placement group lives in one Availability Zone.
   * @default - the VPC's first private subnet
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * GPU instance type of the nodes.
   * @default 'g5.12xlarge' (DEFAULT_TRAINING_INSTANCE_TYPE)
   */
  readonly instanceType?: string;
  /** Most nodes the on-demand group may run; it sits at 0 when not training. */
  readonly maxNodes: number;
  /**
   * Attach an Elastic Fabric Adapter; the instance type must support it.
   * @default false
   */
  readonly efa?: boolean;
  /**
   * Root volume size (encrypted gp3).
   * @default 100
   */
  readonly rootVolumeSizeGiB?: number;
  /** Bucket the nodes read and write checkpoints in, under `checkpoints/`. */
  readonly checkpointBucket: s3.IBucket;
  /** Bucket the nodes read training data from, under `datasets/`. */
  readonly datasetBucket: s3.IBucket;
  /**
   * AMI of the nodes.
   * @default - the Deep Learning Base GPU AMI from its public SSM parameter, which runs Turing and newer GPUs only (no p3)
   */
  readonly machineImage?: ec2.IMachineImage;
}

/**
 * An on-demand GPU training cluster: a cluster placement group, a GPU launch template and an
 * Auto Scaling group of 0..maxNodes in one subnet with no desired capacity, so it sits at 0 until
 * a training run sets it. Nodes publish AI/Custom GPUUtilization for the idle-shutdown alarm.
 * The instance role and security group are exposed so a spot fleet can share them.
 */
export class TrainingCluster extends Construct {
  /** The cluster placement group. */
  public readonly placementGroup: ec2.PlacementGroup;
  /** Security group of the nodes; allows all traffic between them (NCCL, EFA). */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Instance role, scoped to the checkpoint and dataset prefixes. */
  public readonly role: iam.Role;
  /** The GPU launch template. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The on-demand group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The subnet the cluster launches into. */
  public readonly subnet: ec2.ISubnet;

  constructor(scope: Construct, id: string, props: TrainingClusterProps) {
    super(scope, id);
    const { subnet, problem } = selectPlacementSubnet(
      'vpcSubnets',
      props.vpc,
      props.vpcSubnets ?? { subnets: [props.vpc.privateSubnets[0]] },
    );
    throwIfProblems(problem, ...trainingClusterSettingsProblems(props));
    this.subnet = subnet as ec2.ISubnet;

    this.placementGroup = new ec2.PlacementGroup(this, 'PlacementGroup', {
      strategy: ec2.PlacementGroupStrategy.CLUSTER,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Training nodes: all traffic between nodes (NCCL, EFA), outbound to S3 and AWS APIs',
      allowAllOutbound: true,
    });
    this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.allTraffic(), 'All traffic between training nodes');

    this.role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Training nodes: checkpoints read/write, datasets read, GPU metrics',
    });
    props.checkpointBucket.grantReadWrite(this.role, `${TrainingBuckets.CHECKPOINT_PREFIX}*`);
    props.datasetBucket.grantRead(this.role, `${TrainingBuckets.DATASET_PREFIX}*`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'AI/Custom' } },
      }),
    );
    acknowledgeWildcards(
      this.role,
      [...S3_READ_ACTION_FINDINGS, ...S3_WRITE_ACTION_FINDINGS],
      'CDK grant action groups on one bucket and one key prefix each: reading, replacing and cleaning up checkpoints needs the whole group.',
    );
    acknowledgeWildcards(
      this.role,
      [
        resourceFinding(this.role, props.checkpointBucket.arnForObjects(`${TrainingBuckets.CHECKPOINT_PREFIX}*`)),
        resourceFinding(this.role, props.datasetBucket.arnForObjects(`${TrainingBuckets.DATASET_PREFIX}*`)),
      ],
      'Scoped to the checkpoints/ and datasets/ key prefixes: job names and dataset files are chosen at training time, not deploy time.',
    );
    acknowledgeWildcards(
      this.role,
      ['Resource::*'],
      'cloudwatch:PutMetricData supports no resource-level permissions; the cloudwatch:namespace condition limits it to AI/Custom.',
    );

    const userData = ec2.UserData.forLinux();
    runBootScript(userData, 'gpu-utilization-metric', {}, { restartAlways: true });

    this.launchTemplate = new TrainingLaunchTemplate(this, 'Template', {
      instanceType: props.instanceType ?? DEFAULT_TRAINING_INSTANCE_TYPE,
      role: this.role,
      securityGroup: this.securityGroup,
      userData,
      efa: props.efa,
      rootVolumeSizeGiB: props.rootVolumeSizeGiB,
      machineImage: props.machineImage,
      placementGroup: this.placementGroup,
    }).launchTemplate;

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc: props.vpc,
      vpcSubnets: { subnets: [this.subnet] },
      launchTemplate: this.launchTemplate,
      minCapacity: 0,
      maxCapacity: props.maxNodes,
    });
    Validations.of(this.autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason: 'The cluster scales only when an operator sets its desired capacity for a training run or the idle-shutdown Lambda sets it to 0, which reports on its own SNS topic; launch failures show in the group activity history.',
    });
    exemptFromControlTower(this, this.autoScalingGroup, {
      control: 'CT.AUTOSCALING.PR.1',
      reason: 'The training cluster launches into a cluster placement group, which lives in one Availability Zone: that is what gives its nodes the low-latency network distributed training needs.',
    });
    exemptFromControlTower(this, this.autoScalingGroup, {
      control: 'CT.AUTOSCALING.PR.6',
      reason: 'Distributed training needs identical nodes (one GPU type in one placement group); the spot training fleet is where several instance types compete for capacity.',
    });
  }
}
