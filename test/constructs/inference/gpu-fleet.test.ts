import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GpuFleet, GpuFleetProps } from '../../../lib/constructs/inference/gpu-fleet';
import { fleetProps, networkStack } from './fixtures';

function newFleet(overrides: Partial<GpuFleetProps> = {}): GpuFleet {
  const { stack, vpc, securityGroup } = networkStack();
  return new GpuFleet(stack, 'Fleet', { ...fleetProps(vpc, securityGroup), ...overrides });
}

describe('GpuFleet', () => {
  const fleet = newFleet({ spotMaxPriceUsdPerHour: 0.5 });
  const template = Template.fromStack(fleet.autoScalingGroup.stack);
  const group = () => Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'))[0];

  test('min and max come from the props', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0', MaxSize: '4' });
  });

  test('names the Availability Zones of its subnets, one per subnet', () => {
    const properties = group().Properties;
    expect(properties.AvailabilityZones).toHaveLength(2);
    expect(properties.AvailabilityZones).toHaveLength(properties.VPCZoneIdentifier.length);
    expect(new Set(properties.AvailabilityZones.map((zone: unknown) => JSON.stringify(zone))).size).toBe(2);
  });

  test('never sets DesiredCapacity', () => {
    expect(group().Properties.DesiredCapacity).toBeUndefined();
  });

  test('mixes the GPU types with price-capacity-optimized spot above an on-demand base', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MixedInstancesPolicy: {
        InstancesDistribution: {
          OnDemandBaseCapacity: 1,
          OnDemandPercentageAboveBaseCapacity: 20,
          SpotAllocationStrategy: 'price-capacity-optimized',
          SpotMaxPrice: '0.5',
        },
        LaunchTemplate: { Overrides: [{ InstanceType: 'g5.xlarge' }, { InstanceType: 'g4dn.xlarge' }] },
      },
    });
  });

  test('rebalances capacity before spot interruptions', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { CapacityRebalance: true });
  });

  test('default instance warmup is the model warm-up time', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { DefaultInstanceWarmup: 300 });
  });

  test('the launch hook abandons an instance whose model is not warm in time', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LifecycleHookSpecificationList: Match.arrayWith([
        { LifecycleHookName: 'model-warm', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', DefaultResult: 'ABANDON', HeartbeatTimeout: 300 },
      ]),
    });
    expect(fleet.launchLifecycleHookName).toBe('model-warm');
  });

  test('the termination hook waits for the longest job, then continues', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LifecycleHookSpecificationList: Match.arrayWith([
        { LifecycleHookName: 'drain', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', DefaultResult: 'CONTINUE', HeartbeatTimeout: 600 },
      ]),
    });
    expect(fleet.terminationLifecycleHookName).toBe('drain');
  });

  test('ELB health checks with a grace period', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { HealthCheckType: 'ELB', HealthCheckGracePeriod: 120 });
  });

  test('collects group metrics', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MetricsCollection: [{ Granularity: '1Minute' }] });
  });

  test('notifies scaling activity to its TLS-only topic', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      NotificationConfigurations: [Match.objectLike({ TopicARN: { Ref: Match.stringLikeRegexp('FleetNotifications') } })],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('a new launch template version rolls the fleet through an instance refresh', () => {
    expect(group().UpdatePolicy.AutoScalingInstanceRefresh).toMatchObject({
      Strategy: 'Rolling',
      Preferences: { MinHealthyPercentage: 100, SkipMatching: true, ScaleInProtectedInstances: 'Wait' },
    });
  });

  test('a deploy keeps the sizes that scheduled actions set', () => {
    expect(group().UpdatePolicy.AutoScalingScheduledAction).toEqual({ IgnoreUnmodifiedGroupSizeProperties: true });
  });

  test('the model version is part of the launch template, so a new version rolls the fleet', () => {
    const instanceTags = (t: Template) =>
      JSON.stringify(Object.values(t.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData.TagSpecifications);
    const next = instanceTags(Template.fromStack(newFleet({ modelVersion: '2.0.0' }).autoScalingGroup.stack));
    expect(next).toContain('{"Key":"model-version","Value":"2.0.0"}');
    expect(next).not.toEqual(instanceTags(template));
  });

  test('the role completes lifecycle actions and protects instances only on a group carrying its tag', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat', 'autoscaling:SetInstanceProtection'],
            Resource: Match.anyValue(),
            Condition: { StringEquals: { 'autoscaling:ResourceTag/ai-infra:fleet': fleet.node.addr } },
          },
        ]),
      },
    });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([{ Key: 'ai-infra:fleet', Value: fleet.node.addr, PropagateAtLaunch: false }]),
    });
  });

  test('the role publishes metrics only to the AI/Custom namespace', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'AI/Custom' } } },
        ]),
      },
    });
  });

  test('the role may read tags, for the AutoScalingGroupName dimension of the GPU metrics', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'ec2:DescribeTags', Resource: '*' }]) },
    });
  });

  test('no statement allows every action, or every action of a service', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('"autoscaling:CompleteLifecycleAction"');
    expect(policies).not.toMatch(/"Action":(\[[^\]]*)?"\*"/);
    expect(policies).not.toMatch(/"[a-z0-9-]+:\*"/);
  });

  test('jobs longer than the hook limit cap the drain at 7200 s and warn', () => {
    const long = newFleet({ maxJobDurationSeconds: 10_000 });
    const longTemplate = Template.fromStack(long.autoScalingGroup.stack);
    longTemplate.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LifecycleHookSpecificationList: Match.arrayWith([Match.objectLike({ LifecycleHookName: 'drain', HeartbeatTimeout: 7200 })]),
    });
    Annotations.fromStack(long.autoScalingGroup.stack).hasWarning('/Test/Fleet', Match.stringLikeRegexp('must record lifecycle heartbeats'));
  });

  describe('rejects', () => {
    test('min above max', () => {
      expect(() => newFleet({ minCapacity: 5, maxCapacity: 2 })).toThrow(/maxCapacity \(2\) must be >= minCapacity \(5\)/);
    });

    test('a spot max price above an on-demand price', () => {
      expect(() => newFleet({ spotMaxPriceUsdPerHour: 0.6 })).toThrow(/spotMaxPriceUsdPerHour \(0.6\) must be below the on-demand price of every instance type \(g4dn.xlarge costs 0.526/);
    });

    test('a non-GPU instance type', () => {
      expect(() => newFleet({ instanceTypes: ['g5.xlarge', 'm5.large'] })).toThrow(/instanceTypes\[1\] \("m5.large"\) is not a supported GPU instance type/);
    });

    test('no instance type', () => {
      expect(() => newFleet({ instanceTypes: [] })).toThrow(/instanceTypes is empty/);
    });

    test('a warm pool together with spot', () => {
      expect(() => newFleet({ warmPool: {} })).toThrow(/warmPool cannot be combined with spot \(onDemandPercentageAboveBaseCapacity is 20\)/);
    });

    test('a warm pool on an all on-demand fleet, which still has a mixed instances policy', () => {
      expect(() => newFleet({ onDemandPercentageAboveBaseCapacity: 100, warmPool: { minSize: 1 } })).toThrow(
        /warmPool cannot be used on this fleet: AWS rejects warm pools on groups with a mixed instances policy/,
      );
    });

    test('a placement group', () => {
      const { stack, vpc, securityGroup } = networkStack();
      const placementGroup = new ec2.PlacementGroup(stack, 'Pg', { strategy: ec2.PlacementGroupStrategy.CLUSTER });
      expect(() => new GpuFleet(stack, 'Fleet', { ...fleetProps(vpc, securityGroup), placementGroup })).toThrow(
        /placementGroup is not supported on the inference fleet/,
      );
    });

    test('a warm-up outside the lifecycle hook heartbeat limits', () => {
      expect(() => newFleet({ modelWarmupSeconds: 7201 })).toThrow(/modelWarmupSeconds \(7201\) must be between 30 and 7200/);
    });

    test('an on-demand percentage above 100', () => {
      expect(() => newFleet({ onDemandPercentageAboveBaseCapacity: 101 })).toThrow(/onDemandPercentageAboveBaseCapacity \(101\) must be between 0 and 100/);
    });

    test('a negative minimum', () => {
      expect(() => newFleet({ minCapacity: -1 })).toThrow(/minCapacity \(-1\) must be a whole number >= 0/);
    });

    test('a maximum of 0', () => {
      expect(() => newFleet({ maxCapacity: 0 })).toThrow(/maxCapacity \(0\) must be a whole number >= 1/);
    });

    test('a negative on-demand base', () => {
      expect(() => newFleet({ onDemandBaseCapacity: -1 })).toThrow(/onDemandBaseCapacity \(-1\) must be a whole number >= 0/);
    });

    test('an empty model version', () => {
      expect(() => newFleet({ modelVersion: ' ' })).toThrow(/modelVersion is empty/);
    });

    test('a job duration below one second', () => {
      expect(() => newFleet({ maxJobDurationSeconds: 0 })).toThrow(/maxJobDurationSeconds \(0\) must be a whole number >= 1/);
    });
  });
});
