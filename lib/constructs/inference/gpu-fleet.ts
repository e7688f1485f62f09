import { Annotations, Arn, ArnFormat, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AutoScalingGroupMetricName, autoScalingGroupMetric } from '../../auto-scaling-group-metrics';
import { withDefaults } from '../../defaults';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { nitroTypesOffControlList } from '../../compliance/nitro-types-off-control-list';
import { FleetProcessor, fleetProcessorOf } from '../../gpu/fleet-processor';
import { PUT_INSTANCE_METRICS_CONDITION, cpuUtilizationMetric, gpuUtilizationMetric } from '../../gpu/gpu-metrics';
import { checkNotEmpty, checkTagValue, checkWholeDuration, throwIfProblems } from '../../validation';
import { BOOT_IMAGE_TAG, BootImageStrategy, EXPECTED_BOOT_SECONDS_TAG } from './boot-time';
import { BOOT_HEARTBEAT_TIMEOUT, GPU_FLEET_DEFAULTS, GpuFleetSettings, bootImageOf, expectedBootTimeOf, gpuFleetSettingsProblems } from './gpu-fleet-settings';
import { resourceFinding } from '../training/nag-findings';
import { GpuLaunchTemplate } from './gpu-launch-template';

// The settings, their defaults and rules live beside the construct; importers of this module keep finding them here.
export * from './gpu-fleet-settings';

/** Name of the launch lifecycle hook: the instance completes it once its model is warm. */
export const LAUNCH_LIFECYCLE_HOOK_NAME = 'model-warm';
/** Name of the termination lifecycle hook: the instance completes it once drained. */
export const TERMINATION_LIFECYCLE_HOOK_NAME = 'drain';

/** Tag that identifies this fleet's group in the instance role's policy. */
const FLEET_TAG_KEY = 'ai-infra:fleet';

/** Auto Scaling accepts lifecycle hook heartbeat timeouts from 30 s to 7200 s. */
const HEARTBEAT_MIN = Duration.seconds(30);
const HEARTBEAT_MAX = Duration.seconds(7200);

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
   * @default - the processor's (see GpuLaunchTemplate): the Deep Learning OSS Nvidia driver AMI on Amazon Linux 2023 for GPU
   * types, which runs Turing and newer GPUs only (no p3); plain Amazon Linux 2023 for CPU types
   */
  readonly machineImage?: ec2.IMachineImage;
  /** Version of the model served; a change rolls the fleet through an instance refresh. */
  readonly modelVersion: string;
  /** Longest job; the termination hook waits this long (capped at 7200 s) for a drain. */
  readonly maxJobDuration: Duration;
}

/**
 * The inference fleet's Auto Scaling group: a mixed instances policy over its instance types, NVIDIA
 * GPU types or (for development) CPU types (price-capacity-optimized spot, an on-demand base,
 * capacity rebalancing), a launch hook `model-warm` (ABANDON
 * unless the instance completes it once its model is loaded; the boot keeps it alive with
 * heartbeats for up to `bootBudget`) and a termination hook `drain` (CONTINUE after the instance
 * returned its jobs), ELB health checks, group metrics, scaling notifications to SNS, and an
 * instance refresh when the launch template or the model version changes. It never sets
 * DesiredCapacity: scaling policies and schedules own it.
 *
 * Software binds to it (`InferenceRuntime.bind(fleet)`) through its user data, its role
 * (`IGrantable`) and its security group (`IConnectable`); it reads `processor` for the image's build,
 * `--gpus all` and the metrics. The class keeps its name for CPU fleets: it is the library's exported
 * API (and `InferenceService.fleet`'s type), and a class name changes no logical id.
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
  /** What the instances compute on, from their types: NVIDIA GPUs or CPUs only. */
  public readonly processor: FleetProcessor;
  /** The instance types of the mixed instances policy, most preferred first. */
  public readonly instanceTypes: readonly string[];
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
    this.instanceTypes = [...props.instanceTypes];
    this.processor = fleetProcessorOf(props.instanceTypes);
    this.bootImage = bootImageOf(props);
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
      // Per processor: a new description replaces the group, so the GPU fleets' stays as it was.
      description: `${this.processor === 'gpu' ? 'GPU' : 'CPU'} inference instances: HTTPS out to AWS APIs and the image registry`,
      allowAllOutbound: true,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    this.userData = ec2.UserData.forLinux();
    const template = new GpuLaunchTemplate(this, 'LaunchTemplate', {
      securityGroup,
      userData: this.userData,
      rootVolumeSizeGiB: settings.rootVolumeSizeGiB,
      processor: this.processor,
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
      reason: 'cloudwatch:PutMetricData, autoscaling:DescribeAutoScalingInstances, ecr:GetAuthorizationToken and (GPU fleets) ec2:DescribeTags have no resource-level permissions; PutMetricData is conditioned on the AI/Custom namespace.',
    });
  }

  /** Average GPU utilization (percent) of the fleet's instances, as they publish it; a CPU fleet publishes none. */
  public metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (this.processor !== 'gpu') {
      throw new Error(`${this.node.path} runs CPU instance types, which publish no GPUUtilization: use metricUtilization() or metricCpuUtilization()`);
    }
    return gpuUtilizationMetric(this.autoScalingGroup.autoScalingGroupName, props);
  }

  /** Average CPU utilization (percent) of the fleet's instances, as EC2 aggregates it per group (AWS/EC2, see cpuUtilizationMetric). */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return cpuUtilizationMetric(this.autoScalingGroup.autoScalingGroupName, props);
  }

  /** The utilization of what the fleet computes on: GPU utilization for GPU types, CPU utilization for CPU types. */
  public metricUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.processor === 'gpu' ? this.metricGpuUtilization(props) : this.metricCpuUtilization(props);
  }

  /** Instances InService (the group metric; collected every minute). */
  public metricInServiceInstances(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricGroup('GroupInServiceInstances', props);
  }

  /** One of the group's metrics (every group metric is collected, every minute). */
  public metricGroup(metricName: AutoScalingGroupMetricName, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return autoScalingGroupMetric(this.autoScalingGroup.autoScalingGroupName, metricName, props);
  }

  /** The group's desired capacity (the group metric; collected every minute). */
  public metricDesiredCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/AutoScaling',
      metricName: 'GroupDesiredCapacity',
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

  /** What every instance needs on its own group and for its metrics, whatever it runs; returns the groups' ARN pattern it names. */
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
    // dimension the GPU alarms use; a CPU fleet's CloudWatch agent publishes no metric.
    if (this.processor === 'gpu') {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeTags'], resources: ['*'] }));
    }
    return groups;
  }
}
