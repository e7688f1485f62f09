import { Annotations, Arn, ArnFormat, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { nitroTypesOffControlList } from '../../compliance/nitro-types-off-control-list';
import { checkDeepLearningAmiSupports } from '../../gpu/deep-learning-ami';
import { PUT_INSTANCE_METRICS_CONDITION, gpuUtilizationMetric } from '../../gpu/gpu-metrics';
import {
  Problem,
  checkDurationBetween,
  checkGpuInstanceType,
  checkInRange,
  checkMinMax,
  checkNoDuplicates,
  checkNonEmptyList,
  checkNotEmpty,
  checkSpotMaxPrice,
  checkTagValue,
  checkWholeDuration,
  checkWholeNumberAtLeast,
  throwIfProblems,
  withPath,
} from '../../validation';
import { BakedImageSettings, bakedImageSettingsProblems } from './baked-image-settings';
import { BOOT_IMAGE_TAG, BootImageStrategy, EXPECTED_BOOT_SECONDS_TAG, EXPECTED_BOOT_TIME } from './boot-time';
import { resourceFinding } from '../training/nag-findings';
import { GpuLaunchTemplate } from './gpu-launch-template';

/** Name of the launch lifecycle hook: the instance completes it once its model is warm. */
export const LAUNCH_LIFECYCLE_HOOK_NAME = 'model-warm';
/** Name of the termination lifecycle hook: the instance completes it once drained. */
export const TERMINATION_LIFECYCLE_HOOK_NAME = 'drain';

/** Tag that identifies this fleet's group in the instance role's policy. */
const FLEET_TAG_KEY = 'ai-infra:fleet';

/** Auto Scaling accepts lifecycle hook heartbeat timeouts from 30 s to 7200 s. */
const HEARTBEAT_MIN = Duration.seconds(30);
const HEARTBEAT_MAX = Duration.seconds(7200);

/**
 * The launch hook's heartbeat timeout: the boot records a heartbeat at least this often while it
 * makes progress, so a stuck boot is abandoned this soon while a slow one runs its whole budget.
 */
export const BOOT_HEARTBEAT_TIMEOUT = Duration.minutes(5);

/** The fleet's sizing, purchasing and boot settings: plain values an environment config holds. */
export interface GpuFleetSettings {
  /** NVIDIA GPU instance types of the mixed instances policy, most preferred first, each once. */
  readonly instanceTypes: string[];
  /** MinSize of the group (0 allowed). */
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
   * Size of the encrypted gp3 root volume (30-16384).
   * @default 100
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * Longest a boot may take, from launch until the model is warm (packages, cache, model
   * download, image pull, health): the boot abandons itself past it. At most 100 heartbeat
   * timeouts (Auto Scaling's limit on extending a lifecycle action).
   * @default Duration.minutes(30)
   */
  readonly bootBudget?: Duration;
  /**
   * Launch to InService as scaling plans for it: predictive scaling launches instances this
   * early, and the simulator boots them this long (it reads the group's
   * `ai-infra:expected-boot-seconds` tag). Whole seconds, at most `bootBudget`.
   * @default - per boot image (EXPECTED_BOOT_TIME): 300 s from the Deep Learning AMI, 150 s from a baked image
   */
  readonly expectedBootTime?: Duration;
  /**
   * Boot from an AMI with the packages and the serving image baked in (EC2 Image Builder, see
   * BakedImage), built by the inference service at deploy.
   * @default - none: instances boot the Deep Learning AMI, then install the packages and pull the image
   */
  readonly bakedImage?: BakedImageSettings;
  /**
   * Time after an instance goes InService before its metrics count for scaling. The instance
   * is InService only once its model is warm, so this covers the first jobs, not the boot.
   * @default Duration.minutes(2)
   */
  readonly instanceWarmup?: Duration;
  /**
   * Grace period before ELB health checks count; it starts once the launch hook completes.
   * @default Duration.minutes(2)
   */
  readonly healthCheckGracePeriod?: Duration;
}

/** The defaults of {@link GpuFleetSettings}. */
// expectedBootTime defaults per boot image (expectedBootTimeOf); no spot price cap and no baked image unless set.
export const GPU_FLEET_DEFAULTS: Defaults<Omit<GpuFleetSettings, 'spotMaxPriceUsdPerHour' | 'expectedBootTime' | 'bakedImage'>> = {
  onDemandBaseCapacity: 0,
  onDemandPercentageAboveBaseCapacity: 0,
  rootVolumeSizeGiB: 100,
  bootBudget: Duration.minutes(30),
  instanceWarmup: Duration.minutes(2),
  healthCheckGracePeriod: Duration.minutes(2),
};

/** Props of {@link GpuFleet}. */
export interface GpuFleetProps extends GpuFleetSettings {
  /** VPC of the fleet. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets the instances launch in.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The AMI; required with `bakedImage` (the baked image's `machineImage`).
   * @default - the Deep Learning OSS Nvidia driver AMI on Amazon Linux 2023 (see GpuLaunchTemplate), which runs Turing and newer GPUs only (no p3)
   */
  readonly machineImage?: ec2.IMachineImage;
  /** Version of the model served; a change rolls the fleet through an instance refresh. */
  readonly modelVersion: string;
  /** Longest job; the termination hook waits this long (capped at 7200 s) for a drain. */
  readonly maxJobDuration: Duration;
}

/** The fleet's expected boot time: the settings', or the assumption of its boot image. */
export function expectedBootTimeOf(settings: GpuFleetSettings): Duration {
  return settings.expectedBootTime ?? EXPECTED_BOOT_TIME[settings.bakedImage ? 'bakedImage' : 'deepLearningAmi'];
}

/**
 * The rules of {@link GpuFleetSettings}, each problem naming its field; the instance types must
 * run the default Deep Learning AMI unless a `machineImage` is given.
 */
export function gpuFleetSettingsProblems(settings: GpuFleetSettings & Pick<GpuFleetProps, 'machineImage'>): Problem[] {
  const { onDemandBaseCapacity, bootBudget } = withDefaults(settings, GPU_FLEET_DEFAULTS);
  return [
    checkNonEmptyList('instanceTypes', settings.instanceTypes),
    ...settings.instanceTypes.map((type, n) => checkGpuInstanceType(`instanceTypes[${n}]`, type)),
    ...(settings.machineImage ? [] : settings.instanceTypes.map((type, n) => checkDeepLearningAmiSupports(`instanceTypes[${n}]`, type))),
    checkNoDuplicates('instanceTypes', settings.instanceTypes),
    checkWholeNumberAtLeast('minCapacity', settings.minCapacity, 0),
    checkWholeNumberAtLeast('maxCapacity', settings.maxCapacity, 1),
    checkMinMax('maxCapacity', settings.maxCapacity, 'minCapacity', settings.minCapacity),
    checkWholeNumberAtLeast('onDemandBaseCapacity', settings.onDemandBaseCapacity, 0),
    checkMinMax('maxCapacity', settings.maxCapacity, 'onDemandBaseCapacity', onDemandBaseCapacity),
    checkInRange('onDemandPercentageAboveBaseCapacity', settings.onDemandPercentageAboveBaseCapacity, 0, 100),
    checkSpotMaxPrice('spotMaxPriceUsdPerHour', settings.spotMaxPriceUsdPerHour, settings.instanceTypes),
    checkInRange('rootVolumeSizeGiB', settings.rootVolumeSizeGiB, 30, 16_384),
    checkDurationBetween('bootBudget', settings.bootBudget, BOOT_HEARTBEAT_TIMEOUT, Duration.minutes(BOOT_HEARTBEAT_TIMEOUT.toMinutes() * 100)),
    checkWholeDuration('bootBudget', settings.bootBudget, 'seconds'),
    // Against a valid budget only: a fractional one has its own problem above.
    Number.isInteger(bootBudget.toSeconds({ integral: false }))
      ? checkDurationBetween('expectedBootTime', expectedBootTimeOf(settings), Duration.seconds(1), bootBudget)
      : undefined,
    checkWholeDuration('expectedBootTime', expectedBootTimeOf(settings), 'seconds'),
    ...(settings.bakedImage ? withPath('bakedImage', bakedImageSettingsProblems(settings.bakedImage)) : []),
    checkDurationBetween('instanceWarmup', settings.instanceWarmup, Duration.seconds(0), Duration.hours(1)),
    checkDurationBetween('healthCheckGracePeriod', settings.healthCheckGracePeriod, Duration.seconds(0), Duration.hours(2)),
  ];
}

/**
 * The GPU Auto Scaling group: a mixed instances policy over the GPU types (price-capacity-
 * optimized spot, an on-demand base, capacity rebalancing), a launch hook `model-warm` (ABANDON
 * unless the instance completes it once its model is loaded; the boot keeps it alive with
 * heartbeats for up to `bootBudget`) and a termination hook `drain` (CONTINUE after the instance
 * returned its jobs), ELB health checks, group metrics, scaling notifications to SNS, and an
 * instance refresh when the launch template or the model version changes. It never sets
 * DesiredCapacity: scaling policies and schedules own it.
 *
 * Software binds to it (`InferenceRuntime.bind(fleet)`) through its user data, its role
 * (`IGrantable`) and its security group (`IConnectable`).
 */
export class GpuFleet extends Construct implements iam.IGrantable, ec2.IConnectable {
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The instance role. */
  public readonly role: iam.IRole;
  /** The instance role, as a grantee. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The instances' security group: allow traffic to and from the fleet through it. */
  public readonly connections: ec2.Connections;
  /** The instances' boot script: software binding to the fleet appends its commands. */
  public readonly userData: ec2.UserData;
  /** Topic receiving launch and terminate failures and the alarms of the fleet's service: subscribe people here. */
  public readonly notificationTopic: sns.ITopic;
  /** Name of the launch lifecycle hook the instance completes when its model is warm. */
  public readonly launchLifecycleHookName = LAUNCH_LIFECYCLE_HOOK_NAME;
  /** Name of the termination lifecycle hook the instance completes when drained. */
  public readonly terminationLifecycleHookName = TERMINATION_LIFECYCLE_HOOK_NAME;
  /** How long the boot may take in all. */
  public readonly bootBudget: Duration;
  /** The group's MaxSize: the most instances any scaling policy can ask for. */
  public readonly maxCapacity: number;
  /** Most time between two heartbeats of a boot before Auto Scaling abandons it. */
  public readonly bootHeartbeatTimeout = BOOT_HEARTBEAT_TIMEOUT;
  /** How the instances get their software: installed at boot, or baked into the AMI. */
  public readonly bootImage: BootImageStrategy;
  /** Launch to InService as scaling plans for it (see `GpuFleetSettings.expectedBootTime`). */
  public readonly expectedBootTime: Duration;

  constructor(scope: Construct, id: string, props: GpuFleetProps) {
    super(scope, id);
    throwIfProblems(
      ...gpuFleetSettingsProblems(props),
      checkWholeDuration('maxJobDuration', props.maxJobDuration, 'seconds'),
      checkTagValue('modelVersion', props.modelVersion),
      checkNotEmpty('modelVersion', props.modelVersion),
      props.bakedImage && !props.machineImage ? 'bakedImage needs machineImage, the baked image\'s (InferenceService passes it; see BakedImage)' : undefined,
    );
    const settings = withDefaults(props, GPU_FLEET_DEFAULTS);
    this.bootBudget = settings.bootBudget;
    this.bootImage = props.bakedImage ? 'bakedImage' : 'deepLearningAmi';
    this.expectedBootTime = expectedBootTimeOf(props);
    const drainSeconds = Math.min(Math.max(props.maxJobDuration.toSeconds(), HEARTBEAT_MIN.toSeconds()), HEARTBEAT_MAX.toSeconds());
    if (props.maxJobDuration.toSeconds() > HEARTBEAT_MAX.toSeconds()) {
      Annotations.of(this).addWarningV2(
        'ai-infra:drainHeartbeatCapped',
        `maxJobDuration (${props.maxJobDuration.toHumanString()}) exceeds the ${HEARTBEAT_MAX.toHumanString()} lifecycle hook heartbeat limit: the instance agent must record lifecycle heartbeats while draining`,
      );
    }

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'GPU inference instances: HTTPS out to AWS APIs and the image registry',
      allowAllOutbound: true,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    this.userData = ec2.UserData.forLinux();
    const template = new GpuLaunchTemplate(this, 'LaunchTemplate', {
      securityGroup,
      userData: this.userData,
      rootVolumeSizeGiB: settings.rootVolumeSizeGiB,
      machineImage: props.machineImage,
    });
    // A new tag value makes a new launch template version, which starts the instance refresh.
    Tags.of(template.launchTemplate).add('model-version', props.modelVersion);
    this.role = template.role;
    this.grantPrincipal = template.role;

    const topic = new sns.Topic(this, 'Notifications', { enforceSSL: true });
    // The topic's policy (TLS only) replaces SNS's default one, so the service's alarms need an explicit grant.
    topic.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['sns:Publish'],
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
    this.notificationTopic = topic;

    this.maxCapacity = props.maxCapacity;
    const asg = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      mixedInstancesPolicy: {
        launchTemplate: template.launchTemplate,
        launchTemplateOverrides: props.instanceTypes.map((type) => ({ instanceType: new ec2.InstanceType(type) })),
        instancesDistribution: {
          onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
          onDemandBaseCapacity: settings.onDemandBaseCapacity,
          onDemandPercentageAboveBaseCapacity: settings.onDemandPercentageAboveBaseCapacity,
          spotAllocationStrategy: autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED,
          spotMaxPrice: props.spotMaxPriceUsdPerHour?.toString(),
        },
      },
      capacityRebalance: true,
      defaultInstanceWarmup: settings.instanceWarmup,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: settings.healthCheckGracePeriod,
      }),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      // Failures only: the topic reaches people (the environment's notifications), and a
      // queue-scaled fleet launches and terminates instances all day.
      notifications: [{ topic, scalingEvents: autoscaling.ScalingEvents.ERRORS }],
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
        heartbeatTimeout: BOOT_HEARTBEAT_TIMEOUT.toSeconds(),
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
    Validations.of(asg).acknowledge({
      id: 'AwsSolutions-AS3',
      reason: 'The topic reaches people (the environment\'s notifications): it gets the launch and terminate failures, not the launches and terminations a queue-scaled fleet makes all day, which the group\'s activity history and its GroupInServiceInstances metric show.',
    });
    for (const control of ['CT.AUTOSCALING.PR.10', 'CT.AUTOSCALING.PR.11']) {
      exemptFromControlTower(this, asg, nitroTypesOffControlList(control, props.instanceTypes));
    }
    this.autoScalingGroup = asg;
    // Warm pools would cut the boot further, but AWS refuses them on groups with a mixed
    // instances policy or spot instances, which this fleet always has
    // (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html#warm-pools-limitations).
    for (const [key, value] of [[BOOT_IMAGE_TAG, this.bootImage], [EXPECTED_BOOT_SECONDS_TAG, String(this.expectedBootTime.toSeconds())]]) {
      Tags.of(asg).add(key, value, { applyToLaunchedInstances: false });
    }
    const groups = this.grantInstanceSelfManagement();
    const policy = this.role.node.findChild('DefaultPolicy');
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[${resourceFinding(policy, groups)}]`,
      reason: 'Lifecycle actions and instance protection are limited to this group by its ai-infra:fleet tag (a condition): naming the group would make a dependency cycle (group -> launch template -> role policy -> group).',
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:PutMetricData, autoscaling:DescribeAutoScalingInstances, ec2:DescribeTags and ecr:GetAuthorizationToken have no resource-level permissions; PutMetricData is conditioned on the AI/Custom namespace.',
    });
  }

  /** Average GPU utilization (percent) of the fleet's instances, as they publish it. */
  public metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return gpuUtilizationMetric(this.autoScalingGroup.autoScalingGroupName, props);
  }

  /** Instances InService (the group metric; collected every minute). */
  public metricInServiceInstances(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/AutoScaling',
      metricName: 'GroupInServiceInstances',
      dimensionsMap: { AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /** An alarm action that notifies the fleet's topic. */
  public notifyAction(): cloudwatch.IAlarmAction {
    return new cwActions.SnsAction(this.notificationTopic);
  }

  /** What every instance needs on its own group and for its metrics; returns the groups' ARN pattern it names. */
  private grantInstanceSelfManagement(): string {
    // The statement names the group by a tag, not by its name: the group depends on the launch
    // template, the template on this role, so the role's policy cannot reference the group.
    Tags.of(this.autoScalingGroup).add(FLEET_TAG_KEY, this.node.addr, { applyToLaunchedInstances: false });
    const groups = Arn.format(
      { service: 'autoscaling', resource: 'autoScalingGroup', resourceName: '*:autoScalingGroupName/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME },
      Stack.of(this),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'autoscaling:CompleteLifecycleAction',
          'autoscaling:RecordLifecycleActionHeartbeat',
          'autoscaling:SetInstanceProtection',
        ],
        resources: [groups],
        conditions: { StringEquals: { [`autoscaling:ResourceTag/${FLEET_TAG_KEY}`]: this.node.addr } },
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['autoscaling:DescribeAutoScalingInstances'], resources: ['*'] }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: PUT_INSTANCE_METRICS_CONDITION }),
    );
    // The CloudWatch agent reads the instance's group tag to add the AutoScalingGroupName
    // dimension the GPU alarms use.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeTags'], resources: ['*'] }));
    return groups;
  }
}
