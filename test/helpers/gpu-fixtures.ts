import { CfnAutoScalingGroup, CfnScalingPolicy, CfnScheduledAction } from 'aws-cdk-lib/aws-autoscaling';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { CfnEC2Fleet, CfnLaunchTemplate, CfnPlacementGroup } from 'aws-cdk-lib/aws-ec2';
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

/** A low-GPU-utilization alarm on the group driving a scale-in step policy of it. */
export function idleShutdownAlarm(scope: Construct, id: string, group: CfnAutoScalingGroup): CfnAlarm {
  const policy = new CfnScalingPolicy(scope, `${id}Policy`, {
    autoScalingGroupName: group.ref,
    policyType: 'StepScaling',
    adjustmentType: 'ExactCapacity',
    stepAdjustments: [{ metricIntervalUpperBound: 0, scalingAdjustment: 0 }],
  });
  return new CfnAlarm(scope, id, {
    namespace: 'AI/Custom',
    metricName: 'GPUUtilization',
    dimensions: [{ name: 'AutoScalingGroupName', value: group.ref }],
    statistic: 'Average',
    period: 300,
    evaluationPeriods: 3,
    threshold: 20,
    comparisonOperator: 'LessThanThreshold',
    alarmActions: [policy.ref],
  });
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
