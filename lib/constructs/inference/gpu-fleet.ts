import { Annotations, Arn, ArnFormat, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  Problem,
  checkGpuInstanceType,
  checkInRange,
  checkMinMax,
  checkNonEmptyList,
  checkNotEmpty,
  checkSpotMaxPrice,
  checkWholeNumberAtLeast,
  throwIfProblems,
} from '../../validation';
import { GpuLaunchTemplate } from './gpu-launch-template';

/** CloudWatch namespace of the metrics the instances publish (`GPUUtilization`, ...). */
export const INSTANCE_METRICS_NAMESPACE = 'AI/Custom';

/** Name of the launch lifecycle hook: the instance completes it once its model is warm. */
export const LAUNCH_LIFECYCLE_HOOK_NAME = 'model-warm';
/** Name of the termination lifecycle hook: the instance completes it once drained. */
export const TERMINATION_LIFECYCLE_HOOK_NAME = 'drain';

/** Tag that identifies this fleet's group in the instance role's policy. */
const FLEET_TAG_KEY = 'ai-infra:fleet';

/** Lifecycle hook heartbeat timeouts must lie between these (seconds). */
const HEARTBEAT_MIN_SECONDS = 30;
const HEARTBEAT_MAX_SECONDS = 7200;

/** Props of {@link GpuFleet}. */
export interface GpuFleetProps {
  /** VPC of the fleet. */
  readonly vpc: ec2.IVpc;
  /** Subnets the instances launch in. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Security group of the instances. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Boot script: it must complete the launch lifecycle action once the model is warm. */
  readonly userData: ec2.UserData;
  /** GPU instance types of the mixed instances policy, most preferred first. */
  readonly instanceTypes: string[];
  /** MinSize of the group as deployed (0 allowed; see FleetSchedule when a schedule owns it). */
  readonly minCapacity: number;
  /** MaxSize of the group. */
  readonly maxCapacity: number;
  /**
   * On-demand instances kept before any spot capacity.
   * @default 0
   */
  readonly onDemandBaseCapacity?: number;
  /**
   * Percentage of capacity above the base that is on-demand; the rest is spot.
   * @default 0 (all spot above the base)
   */
  readonly onDemandPercentageAboveBaseCapacity?: number;
  /**
   * Highest spot price to pay, USD per hour; must be below every type's on-demand price.
   * @default - the current spot price, capped at on-demand
   */
  readonly spotMaxPriceUsdPerHour?: number;
  /**
   * Size of the encrypted gp3 root volume.
   * @default 100
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * The AMI.
   * @default - the Deep Learning OSS Nvidia driver AMI on Amazon Linux 2023 (see GpuLaunchTemplate)
   */
  readonly machineImage?: ec2.IMachineImage;
  /** Version of the model served; a change rolls the fleet through an instance refresh. */
  readonly modelVersion: string;
  /** Seconds from boot until the model is loaded: launch hook heartbeat and default instance warmup (30-7200). */
  readonly modelWarmupSeconds: number;
  /** Longest job; the termination hook waits this long (capped at 7200 s) for a drain. */
  readonly maxJobDurationSeconds: number;
  /**
   * Grace period before ELB health checks count; it starts once the launch hook completes.
   * @default Duration.minutes(2)
   */
  readonly healthCheckGracePeriod?: Duration;
  /**
   * Not supported: AWS rejects warm pools on groups that launch spot or have a mixed instances
   * policy, and this fleet always has one. It is a prop only so that passing one fails at synth
   * with the reason.
   * @default - none (the only accepted value)
   */
  readonly warmPool?: autoscaling.WarmPoolOptions;
  /**
   * Not supported: a placement group would pin this multi-AZ, multi-type spot fleet to one
   * rack. It is a prop only so that passing one fails at synth with the reason.
   * @default - none (the only accepted value)
   */
  readonly placementGroup?: ec2.IPlacementGroup;
}

function warmPoolProblem(warmPool: autoscaling.WarmPoolOptions | undefined, onDemandPercentageAboveBaseCapacity: number): Problem {
  if (!warmPool) return undefined;
  if (onDemandPercentageAboveBaseCapacity < 100) {
    return `warmPool cannot be combined with spot (onDemandPercentageAboveBaseCapacity is ${onDemandPercentageAboveBaseCapacity}): AWS rejects warm pools on groups that launch spot; remove warmPool`;
  }
  return 'warmPool cannot be used on this fleet: AWS rejects warm pools on groups with a mixed instances policy, which this fleet always has; remove warmPool';
}

/**
 * The GPU Auto Scaling group: a mixed instances policy over the GPU types (price-capacity-
 * optimized spot, an on-demand base, capacity rebalancing), a launch hook `model-warm` (ABANDON
 * unless the instance completes it once its model is loaded) and a termination hook `drain`
 * (CONTINUE after the instance returned its jobs), ELB health checks, group metrics, scaling
 * notifications to SNS, and an instance refresh when the launch template or the model version
 * changes. It never sets DesiredCapacity: scaling policies and schedules own it.
 */
export class GpuFleet extends Construct {
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The instance role: the instance runtime grants itself reads of its assets through it. */
  public readonly role: iam.IRole;
  /** Topic receiving launch, terminate and failure notifications. */
  public readonly notificationTopic: sns.ITopic;
  /** Name of the launch lifecycle hook the instance completes when its model is warm. */
  public readonly launchLifecycleHookName = LAUNCH_LIFECYCLE_HOOK_NAME;
  /** Name of the termination lifecycle hook the instance completes when drained. */
  public readonly terminationLifecycleHookName = TERMINATION_LIFECYCLE_HOOK_NAME;

  constructor(scope: Construct, id: string, props: GpuFleetProps) {
    super(scope, id);
    const onDemandBaseCapacity = props.onDemandBaseCapacity ?? 0;
    const onDemandPercentageAboveBaseCapacity = props.onDemandPercentageAboveBaseCapacity ?? 0;
    throwIfProblems(
      checkNonEmptyList('instanceTypes', props.instanceTypes),
      ...props.instanceTypes.map((type, n) => checkGpuInstanceType(`instanceTypes[${n}]`, type)),
      checkWholeNumberAtLeast('minCapacity', props.minCapacity, 0),
      checkWholeNumberAtLeast('maxCapacity', props.maxCapacity, 1),
      checkMinMax('maxCapacity', props.maxCapacity, 'minCapacity', props.minCapacity),
      checkWholeNumberAtLeast('onDemandBaseCapacity', onDemandBaseCapacity, 0),
      checkInRange('onDemandPercentageAboveBaseCapacity', onDemandPercentageAboveBaseCapacity, 0, 100),
      checkSpotMaxPrice('spotMaxPriceUsdPerHour', props.spotMaxPriceUsdPerHour, props.instanceTypes),
      checkNotEmpty('modelVersion', props.modelVersion),
      checkInRange('modelWarmupSeconds', props.modelWarmupSeconds, HEARTBEAT_MIN_SECONDS, HEARTBEAT_MAX_SECONDS),
      checkWholeNumberAtLeast('maxJobDurationSeconds', props.maxJobDurationSeconds, 1),
      warmPoolProblem(props.warmPool, onDemandPercentageAboveBaseCapacity),
      props.placementGroup
        ? 'placementGroup is not supported on the inference fleet: it spans AZs and instance types on spot, which a placement group would confine to one rack; remove placementGroup (the training cluster uses one)'
        : undefined,
    );
    const drainSeconds = Math.min(Math.max(props.maxJobDurationSeconds, HEARTBEAT_MIN_SECONDS), HEARTBEAT_MAX_SECONDS);
    if (props.maxJobDurationSeconds > HEARTBEAT_MAX_SECONDS) {
      Annotations.of(this).addWarningV2(
        'ai-infra:drainHeartbeatCapped',
        `maxJobDurationSeconds (${props.maxJobDurationSeconds}) exceeds the ${HEARTBEAT_MAX_SECONDS} s lifecycle hook heartbeat limit: the instance agent must record lifecycle heartbeats while draining`,
      );
    }

    const template = new GpuLaunchTemplate(this, 'LaunchTemplate', {
      securityGroup: props.securityGroup,
      userData: props.userData,
      rootVolumeSizeGiB: props.rootVolumeSizeGiB,
      machineImage: props.machineImage,
    });
    // A new tag value makes a new launch template version, which starts the instance refresh.
    Tags.of(template.launchTemplate).add('model-version', props.modelVersion);
    this.role = template.role;

    this.notificationTopic = new sns.Topic(this, 'Notifications', { enforceSSL: true });
    const asg = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      mixedInstancesPolicy: {
        launchTemplate: template.launchTemplate,
        launchTemplateOverrides: props.instanceTypes.map((type) => ({ instanceType: new ec2.InstanceType(type) })),
        instancesDistribution: {
          onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
          onDemandBaseCapacity,
          onDemandPercentageAboveBaseCapacity,
          spotAllocationStrategy: autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
          spotMaxPrice: props.spotMaxPriceUsdPerHour?.toString(),
        },
      },
      capacityRebalance: true,
      defaultInstanceWarmup: Duration.seconds(props.modelWarmupSeconds),
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: props.healthCheckGracePeriod ?? Duration.minutes(2),
      }),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: [{ topic: this.notificationTopic }],
      updatePolicy: autoscaling.UpdatePolicy.instanceRefresh({
        strategy: autoscaling.InstanceRefreshStrategy.ROLLING,
        minHealthyPercentage: 100,
        maxHealthyPercentage: 200,
        skipMatching: true,
        scaleInProtectedInstances: autoscaling.ScaleInProtectedInstances.WAIT,
        standbyInstances: autoscaling.StandbyInstances.IGNORE,
      }),
    });
    // The L2 renders only the subnets; their zones too declare the group multi-AZ (CT.AUTOSCALING.PR.1).
    (asg.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones = props.vpc.selectSubnets(props.vpcSubnets).availabilityZones;
    // Hooks must exist when the group launches its first instances, so they go into the group
    // itself (LifecycleHookSpecificationList); the L2 addLifecycleHook creates them afterwards.
    (asg.node.defaultChild as autoscaling.CfnAutoScalingGroup).lifecycleHookSpecificationList = [
      {
        lifecycleHookName: this.launchLifecycleHookName,
        lifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
        defaultResult: 'ABANDON',
        heartbeatTimeout: props.modelWarmupSeconds,
      },
      {
        lifecycleHookName: this.terminationLifecycleHookName,
        lifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
        defaultResult: 'CONTINUE',
        heartbeatTimeout: drainSeconds,
      },
    ];
    Validations.of(asg).acknowledge({
      id: 'AwsSolutions-EC26',
      reason: 'cdk-nag 3.0.2 reads only the group\'s LaunchTemplate property and throws on a MixedInstancesPolicy; the launch template in the policy encrypts its only (root) volume.',
    });
    this.autoScalingGroup = asg;
    this.grantInstanceSelfManagement();
    const policy = this.role.node.findChild('DefaultPolicy');
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:autoscaling:<AWS::Region>:<AWS::AccountId>:autoScalingGroup:*:autoScalingGroupName/*]',
      reason: 'Lifecycle actions and instance protection are limited to this group by its ai-infra:fleet tag (a condition): naming the group would make a dependency cycle (group -> launch template -> role policy -> group).',
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:PutMetricData, autoscaling:DescribeAutoScalingInstances and ec2:DescribeTags have no resource-level permissions; PutMetricData is conditioned on the AI/Custom namespace.',
    });
  }

  /** What every instance needs on its own group and for its metrics, whatever it runs. */
  private grantInstanceSelfManagement(): void {
    // The statement names the group by a tag, not by its name: the group depends on the launch
    // template, the template on this role, so the role's policy cannot reference the group.
    Tags.of(this.autoScalingGroup).add(FLEET_TAG_KEY, this.node.addr, { applyToLaunchedInstances: false });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'autoscaling:CompleteLifecycleAction',
          'autoscaling:RecordLifecycleActionHeartbeat',
          'autoscaling:SetInstanceProtection',
        ],
        resources: [
          Arn.format(
            { service: 'autoscaling', resource: 'autoScalingGroup', resourceName: '*:autoScalingGroupName/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME },
            Stack.of(this),
          ),
        ],
        conditions: { StringEquals: { [`autoscaling:ResourceTag/${FLEET_TAG_KEY}`]: this.node.addr } },
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['autoscaling:DescribeAutoScalingInstances'], resources: ['*'] }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': INSTANCE_METRICS_NAMESPACE } },
      }),
    );
    // The CloudWatch agent reads the instance's group tag to add the AutoScalingGroupName
    // dimension the GPU alarms use.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeTags'], resources: ['*'] }));
  }
}
