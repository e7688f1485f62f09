import { ITaggable, Lazy, TagManager, TagType } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { nitroTypesOffControlList } from '../../compliance/nitro-types-off-control-list';
import {
  Problem, checkGpuInstanceType, checkInRange, checkJobName, checkNoDuplicates, checkNonEmptyList, checkNotEmpty, checkWholeNumberAtLeast, throwIfProblems,
} from '../../validation';
import { checkDeepLearningAmiSupports } from '../../gpu/deep-learning-ami';
import { runBootScript } from './boot-script';
import { selectPlacementSubnet } from './placement-subnet';
import { TrainingBuckets } from './training-buckets';
import { TrainingLaunchTemplate } from './training-launch-template';

/** Spot allocation strategies of an EC2 Fleet that favour capacity over the lowest price. */
export type SpotAllocationStrategy = 'price-capacity-optimized' | 'capacity-optimized';

/** The fleet's settings: plain values an environment config holds. */
export type SpotTrainingFleetSettings = Pick<SpotTrainingFleetProps, 'instanceTypes' | 'targetCapacity' | 'allocationStrategy' | 'jobName' | 'trainingCommand' | 'rootVolumeSizeGiB'>;

/**
 * The rules of {@link SpotTrainingFleetSettings}, each problem naming its field; the instance
 * types must run the default Deep Learning AMI unless a `machineImage` is given.
 */
export function spotTrainingFleetSettingsProblems(settings: SpotTrainingFleetSettings & Pick<SpotTrainingFleetProps, 'machineImage'>): Problem[] {
  return [
    checkNonEmptyList('instanceTypes', settings.instanceTypes),
    ...settings.instanceTypes.map((type, n) => checkGpuInstanceType(`instanceTypes[${n}]`, type)),
    ...(settings.machineImage ? [] : settings.instanceTypes.map((type, n) => checkDeepLearningAmiSupports(`instanceTypes[${n}]`, type))),
    checkNoDuplicates('instanceTypes', settings.instanceTypes),
    checkWholeNumberAtLeast('targetCapacity', settings.targetCapacity, 0),
    checkJobName('jobName', settings.jobName),
    checkNotEmpty('trainingCommand', settings.trainingCommand),
    checkInRange('rootVolumeSizeGiB', settings.rootVolumeSizeGiB ?? 100, 30, 16_384),
  ];
}

/** Props of {@link SpotTrainingFleet}. */
export interface SpotTrainingFleetProps {
  /** VPC of the fleet. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the fleet; exactly one when `placementGroup` is set.
   * @default - the VPC's first private subnet
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** GPU instance types the fleet may launch, one launch template override each. */
  readonly instanceTypes: readonly string[];
  /** Instances the fleet maintains; 0 keeps it idle. */
  readonly targetCapacity: number;
  /**
   * Spot allocation strategy.
   * @default 'price-capacity-optimized'
   */
  readonly allocationStrategy?: SpotAllocationStrategy;
  /** Instance role (e.g. the training cluster's), with access to the checkpoint prefix. */
  readonly role: iam.IRole;
  /** Security group of the instances. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Bucket of the checkpoints: `CHECKPOINT_URI` is `s3://{bucket}/checkpoints/{jobName}/`. */
  readonly checkpointBucket: s3.IBucket;
  /** Name of the training job; names its checkpoint prefix. */
  readonly jobName: string;
  /** Command that starts training (run with `bash -c`); it must honour the checkpoint contract. */
  readonly trainingCommand: string;
  /**
   * Publish the instances' GPU utilization as `AI/Custom` `GPUUtilization` with this
   * `AutoScalingGroupName` dimension, so the idle alarm of that (cluster) group also sees the fleet.
   * @default - the instances publish no GPU metric
   */
  readonly gpuMetricGroupName?: string;
  /**
   * Cluster placement group of the instances.
   * @default - none
   */
  readonly placementGroup?: ec2.IPlacementGroup;
  /**
   * Root volume size (encrypted gp3).
   * @default 100
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * AMI of the instances.
   * @default - the Deep Learning Base GPU AMI from its public SSM parameter, which runs Turing and newer GPUs only (no p3)
   */
  readonly machineImage?: ec2.IMachineImage;
}

/**
 * A spot EC2 Fleet of type `maintain` over several GPU instance types, with capacity
 * rebalancing, whose instances resume the job from its latest S3 checkpoint and flush a
 * checkpoint on a spot interruption notice (`lib/runtime/training/train-with-checkpoints.sh`).
 *
 * Taggable: tags applied with `Tags.of(...)` reach the fleet's `TagSpecifications` (the L1 is
 * not taggable itself); its instances get them from the launch template.
 */
export class SpotTrainingFleet extends Construct implements ITaggable {
  /** Tags of the fleet, rendered into its `TagSpecifications`. */
  public readonly tags = new TagManager(TagType.KEY_VALUE, 'AWS::EC2::EC2Fleet');
  /** The fleet (L1: EC2 Fleet has no L2). */
  public readonly fleet: ec2.CfnEC2Fleet;
  /** The fleet's launch template. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** S3 URI of the job's checkpoints. */
  public readonly checkpointUri: string;

  constructor(scope: Construct, id: string, props: SpotTrainingFleetProps) {
    super(scope, id);
    const selection = props.vpcSubnets ?? { subnets: [props.vpc.privateSubnets[0]] };
    const placement = props.placementGroup ? selectPlacementSubnet('vpcSubnets', props.vpc, selection) : undefined;
    throwIfProblems(...spotTrainingFleetSettingsProblems(props), placement?.problem);
    const subnets = placement?.subnet ? [placement.subnet] : props.vpc.selectSubnets(selection).subnets;

    this.checkpointUri = `s3://${props.checkpointBucket.bucketName}/${TrainingBuckets.CHECKPOINT_PREFIX}${props.jobName}/`;
    const userData = ec2.UserData.forLinux();
    runBootScript(
      userData,
      'train-with-checkpoints',
      { CHECKPOINT_URI: this.checkpointUri, TRAINING_COMMAND: props.trainingCommand },
      { restartAlways: false },
    );
    if (props.gpuMetricGroupName !== undefined) {
      runBootScript(userData, 'gpu-utilization-metric', { AUTO_SCALING_GROUP_NAME: props.gpuMetricGroupName }, { restartAlways: true });
    }

    this.launchTemplate = new TrainingLaunchTemplate(this, 'Template', {
      instanceType: props.instanceTypes[0],
      role: props.role,
      securityGroup: props.securityGroup,
      userData,
      rootVolumeSizeGiB: props.rootVolumeSizeGiB,
      machineImage: props.machineImage,
      placementGroup: props.placementGroup,
    }).launchTemplate;

    this.fleet = new ec2.CfnEC2Fleet(this, 'Fleet', {
      type: 'maintain',
      replaceUnhealthyInstances: true,
      excessCapacityTerminationPolicy: 'termination',
      targetCapacitySpecification: {
        totalTargetCapacity: props.targetCapacity,
        onDemandTargetCapacity: 0,
        defaultTargetCapacityType: 'spot',
      },
      spotOptions: {
        allocationStrategy: props.allocationStrategy ?? 'price-capacity-optimized',
        instanceInterruptionBehavior: 'terminate',
        maintenanceStrategies: { capacityRebalance: { replacementStrategy: 'launch' } },
      },
      launchTemplateConfigs: [
        {
          launchTemplateSpecification: {
            launchTemplateId: this.launchTemplate.launchTemplateId,
            version: this.launchTemplate.latestVersionNumber,
          },
          overrides: props.instanceTypes.flatMap((instanceType) =>
            subnets.map((subnet) => ({ instanceType, subnetId: subnet.subnetId })),
          ),
        },
      ],
      // A maintain fleet takes only the `fleet` resource type here; instances are tagged by the launch template.
      tagSpecifications: Lazy.any({ produce: () => this.renderFleetTags() }, { omitEmptyArray: true }),
    });
    for (const control of ['CT.EC2.PR.18', 'CT.EC2.PR.20']) {
      exemptFromControlTower(this, this.fleet, nitroTypesOffControlList(control, props.instanceTypes));
    }
  }

  private renderFleetTags(): ec2.CfnEC2Fleet.TagSpecificationProperty[] {
    const tags = Object.entries(this.tags.tagValues()).map(([key, value]) => ({ key, value }));
    return tags.length === 0 ? [] : [{ resourceType: 'fleet', tags }];
  }
}
