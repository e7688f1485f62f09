import { CfnAutoScalingGroup, CfnScalingPolicy, CfnScheduledAction } from 'aws-cdk-lib/aws-autoscaling';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnEC2Fleet, CfnLaunchTemplate, CfnPlacementGroup } from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** L1 GPU fleets for rule and app tests: small, explicit, one knob per property a rule reads. */

export interface GpuGroupOptions {
  readonly instanceTypes?: string[];
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly spotMaxPrice?: string;
  readonly clusterPlacement?: boolean;
}

/** A launch template and an Auto Scaling group with a mixed instances policy over GPU types. */
export function gpuGroup(scope: Construct, id: string, options: GpuGroupOptions = {}): CfnAutoScalingGroup {
  const template = new CfnLaunchTemplate(scope, `${id}Template`, {
    launchTemplateData: {
      imageId: 'ami-12345678',
      blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeType: 'gp3', volumeSize: 100, encrypted: true } }],
    },
  });
  const placementGroup = options.clusterPlacement ? new CfnPlacementGroup(scope, `${id}Placement`, { strategy: 'cluster' }) : undefined;
  return new CfnAutoScalingGroup(scope, id, {
    minSize: String(options.minSize ?? 0),
    maxSize: String(options.maxSize ?? 2),
    vpcZoneIdentifier: ['subnet-12345678'],
    placementGroup: placementGroup?.ref,
    mixedInstancesPolicy: {
      launchTemplate: {
        launchTemplateSpecification: { launchTemplateId: template.ref, version: template.attrLatestVersionNumber },
        overrides: (options.instanceTypes ?? ['g4dn.xlarge', 'g5.xlarge']).map((instanceType) => ({ instanceType })),
      },
      instancesDistribution: { spotMaxPrice: options.spotMaxPrice },
    },
  });
}

/** A scheduled action taking the group to MinSize 0 at 22:00. */
export function scaleDownAtNight(scope: Construct, id: string, group: CfnAutoScalingGroup): CfnScheduledAction {
  return new CfnScheduledAction(scope, id, {
    autoScalingGroupName: group.ref,
    minSize: 0,
    maxSize: 0,
    recurrence: '0 22 * * *',
    timeZone: 'Europe/Berlin',
  });
}

export interface IdleAlarmOptions {
  /** @default 'LessThanThreshold' */
  readonly comparisonOperator?: string;
  /** @default 'StepScaling' */
  readonly policyType?: 'StepScaling' | 'SimpleScaling';
  /** @default 'ExactCapacity' */
  readonly adjustmentType?: 'ChangeInCapacity' | 'ExactCapacity' | 'PercentChangeInCapacity';
  /** One step (or the simple policy's adjustment) per value. @default [0] */
  readonly adjustments?: readonly number[];
}

/** A scaling policy of the group: by default a step policy setting it to 0. */
export function scalingPolicy(scope: Construct, id: string, group: CfnAutoScalingGroup, options: IdleAlarmOptions = {}): CfnScalingPolicy {
  const adjustments = options.adjustments ?? [0];
  const step = (options.policyType ?? 'StepScaling') === 'StepScaling';
  return new CfnScalingPolicy(scope, id, {
    autoScalingGroupName: group.ref,
    policyType: options.policyType ?? 'StepScaling',
    adjustmentType: options.adjustmentType ?? 'ExactCapacity',
    stepAdjustments: step ? adjustments.map((scalingAdjustment, i) => ({ metricIntervalUpperBound: -i * 10, scalingAdjustment })) : undefined,
    scalingAdjustment: step ? undefined : adjustments[0],
  });
}

/** A GPUUtilization alarm, by default below 20 %, with `actions` as its alarm actions. */
export function gpuUtilizationAlarm(scope: Construct, id: string, actions: string[], comparisonOperator = 'LessThanThreshold'): CfnAlarm {
  return new CfnAlarm(scope, id, {
    namespace: 'AI/Custom',
    metricName: 'GPUUtilization',
    statistic: 'Average',
    period: 300,
    evaluationPeriods: 3,
    threshold: 20,
    comparisonOperator,
    alarmActions: actions,
  });
}

/** A low-GPU-utilization alarm on the group driving a scaling policy of it (by default: set it to 0). */
export function idleShutdownAlarm(scope: Construct, id: string, group: CfnAutoScalingGroup, options: IdleAlarmOptions = {}): CfnAlarm {
  const policy = scalingPolicy(scope, `${id}Policy`, group, options);
  const alarm = gpuUtilizationAlarm(scope, id, [policy.ref], options.comparisonOperator);
  alarm.dimensions = [{ name: 'AutoScalingGroupName', value: group.ref }];
  return alarm;
}

export interface ShutdownFunctionOptions {
  /** What its `FLEET_ID` environment variable holds. @default the fleet's Ref */
  readonly environmentValue?: string;
  /** Actions its role allows. @default the action that lowers the fleet's capacity */
  readonly actions?: readonly string[];
  /** The resource ARN those actions are allowed on. @default an ARN referencing the fleet */
  readonly resource?: string;
}

/** A Lambda function told the fleet's id, with a role allowing `actions` on `resource`. */
export function shutdownFunction(scope: Construct, id: string, fleet: CfnAutoScalingGroup | CfnEC2Fleet, options: ShutdownFunctionOptions = {}): lambda.Function {
  const lowering = fleet instanceof CfnEC2Fleet ? 'ec2:ModifyFleet' : 'autoscaling:SetDesiredCapacity';
  const fn = new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => undefined;'),
    environment: { FLEET_ID: options.environmentValue ?? fleet.ref },
  });
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: [...(options.actions ?? [lowering])],
    resources: [options.resource ?? `arn:aws:service:eu-central-1:123456789012:fleet/${fleet.ref}`],
  }));
  return fn;
}

/** A low-GPU-utilization alarm invoking a shutdown Lambda of the fleet. */
export function lambdaIdleShutdown(scope: Construct, id: string, fleet: CfnAutoScalingGroup | CfnEC2Fleet, options: ShutdownFunctionOptions = {}): CfnAlarm {
  return gpuUtilizationAlarm(scope, id, [shutdownFunction(scope, `${id}Function`, fleet, options).functionArn]);
}

export interface GpuFleetOptions {
  readonly totalTargetCapacity?: number;
  readonly instanceTypes?: string[];
  readonly type?: 'maintain' | 'request' | 'instant';
  readonly maxPrice?: string;
}

/** An EC2 Fleet over GPU types, with launch template overrides. */
export function gpuFleet(scope: Construct, id: string, options: GpuFleetOptions = {}): CfnEC2Fleet {
  return new CfnEC2Fleet(scope, id, {
    type: options.type ?? 'maintain',
    targetCapacitySpecification: { totalTargetCapacity: options.totalTargetCapacity ?? 0, defaultTargetCapacityType: 'spot' },
    launchTemplateConfigs: [{
      launchTemplateSpecification: { launchTemplateId: 'lt-0123456789abcdef0', version: '1' },
      overrides: (options.instanceTypes ?? ['g5.xlarge']).map((instanceType) => ({ instanceType, maxPrice: options.maxPrice })),
    }],
  });
}
