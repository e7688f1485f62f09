import { ITaggable, Lazy, TagManager, TagType } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { nitroTypesOffControlList } from '../../compliance/nitro-types-off-control-list';
import {
  Problem, checkGpuInstanceType, checkInRange, checkNoDuplicates, checkNonEmptyList, checkWholeNumberAtLeast, throwIfProblems,
} from '../../validation';
import { checkDeepLearningAmiSupports } from '../../gpu/deep-learning-ami';
import { runBootScript } from './boot-script';
import { ITrainingCapacity } from './training-capacity';
import { TrainingCluster } from './training-cluster';
import { TrainingLaunchTemplate } from './training-launch-template';

/** Spot allocation strategies of an EC2 Fleet that favour capacity over the lowest price. */
export type SpotAllocationStrategy = 'price-capacity-optimized' | 'capacity-optimized';

/** The fleet's settings: plain values an environment config holds. */
export type SpotTrainingFleetSettings = Pick<SpotTrainingFleetProps, 'instanceTypes' | 'targetCapacity' | 'allocationStrategy' | 'rootVolumeSizeGiB'>;

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
    checkWholeNumberAtLeast('targetCapacity', settings.targetCapacity ?? 0, 0),
    checkInRange('rootVolumeSizeGiB', settings.rootVolumeSizeGiB ?? 100, 30, 16_384),
  ];
}

/** Props of {@link SpotTrainingFleet}. */
export interface SpotTrainingFleetProps {
  /**
   * The cluster the fleet runs beside: in its placement group and subnet, with its instance role
   * and security group, its instances publishing GPU utilization under the cluster's group name
   * so the cluster's idle shutdown sees them.
   */
  readonly cluster: TrainingCluster;
  /** GPU instance types the fleet may launch, one launch template override each. */
  readonly instanceTypes: readonly string[];
  /**
   * Instances the fleet maintains as deployed. A run's target is operational state that
   * `npm run train -- start --on spot` sets; a deploy that changes the fleet resets it to this.
   * @default 0
   */
  readonly targetCapacity?: number;
  /**
   * Spot allocation strategy.
   * @default 'price-capacity-optimized'
   */
  readonly allocationStrategy?: SpotAllocationStrategy;
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
 * rebalancing, beside a training cluster. A run started on it (`npm run train -- start --on
 * spot`) resumes from its latest S3 checkpoint on every instance the fleet launches, and flushes
 * a checkpoint on a spot interruption notice (see `TrainingRuntime`).
 *
 * Taggable: tags applied with `Tags.of(...)` reach the fleet's `TagSpecifications` (the L1 is
 * not taggable itself); its instances get them from the launch template.
 */
export class SpotTrainingFleet extends Construct implements ITrainingCapacity, ITaggable {
  /** `npm run train -- start --on spot` runs on this fleet. */
  public readonly trainingTarget = 'spot';
  /** Tags of the fleet, rendered into its `TagSpecifications`. */
  public readonly tags = new TagManager(TagType.KEY_VALUE, 'AWS::EC2::EC2Fleet');
  /** The fleet (L1: EC2 Fleet has no L2). */
  public readonly fleet: ec2.CfnEC2Fleet;
  /** The instance role (the cluster's), as a grantee. */
  public readonly grantPrincipal: iam.IRole;
  /** The instances' security group (the cluster's). */
  public readonly connections: ec2.Connections;
  /** The instances' boot script: software binding to the fleet appends its commands. */
  public readonly userData: ec2.UserData;

  constructor(scope: Construct, id: string, props: SpotTrainingFleetProps) {
    super(scope, id);
    throwIfProblems(...spotTrainingFleetSettingsProblems(props));
    const { cluster } = props;
    this.grantPrincipal = cluster.grantPrincipal;
    this.connections = cluster.connections;

    this.userData = ec2.UserData.forLinux();
    runBootScript(this.userData, 'gpu-utilization-metric', { AUTO_SCALING_GROUP_NAME: cluster.autoScalingGroupName }, { restartAlways: true });

    const launchTemplate = new TrainingLaunchTemplate(this, 'Template', {
      instanceType: props.instanceTypes[0],
      role: cluster.grantPrincipal,
      securityGroup: cluster.connections.securityGroups[0],
      userData: this.userData,
      rootVolumeSizeGiB: props.rootVolumeSizeGiB,
      machineImage: props.machineImage,
      placementGroup: cluster.placementGroup,
    }).launchTemplate;

    this.fleet = new ec2.CfnEC2Fleet(this, 'Fleet', {
      type: 'maintain',
      replaceUnhealthyInstances: true,
      excessCapacityTerminationPolicy: 'termination',
      targetCapacitySpecification: {
        totalTargetCapacity: props.targetCapacity ?? 0,
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
            launchTemplateId: launchTemplate.launchTemplateId,
            version: launchTemplate.latestVersionNumber,
          },
          overrides: props.instanceTypes.map((instanceType) => ({ instanceType, subnetId: cluster.subnet.subnetId })),
        },
      ],
      // A maintain fleet takes only the `fleet` resource type here; instances are tagged by the launch template.
      tagSpecifications: Lazy.any({ produce: () => this.renderFleetTags() }, { omitEmptyArray: true }),
    });
    for (const control of ['CT.EC2.PR.18', 'CT.EC2.PR.20']) {
      exemptFromControlTower(this, this.fleet, nitroTypesOffControlList(control, props.instanceTypes));
    }
  }

  /** The fleet's id, e.g. `fleet-0123...`: what `ModifyFleet` and `DescribeFleetInstances` take. */
  public get fleetId(): string {
    return this.fleet.ec2FleetRef.fleetId;
  }

  private renderFleetTags(): ec2.CfnEC2Fleet.TagSpecificationProperty[] {
    const tags = Object.entries(this.tags.tagValues()).map(([key, value]) => ({ key, value }));
    return tags.length === 0 ? [] : [{ resourceType: 'fleet', tags }];
  }
}
