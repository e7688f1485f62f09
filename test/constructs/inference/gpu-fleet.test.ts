import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BOOT_HEARTBEAT_TIMEOUT, GpuFleet, GpuFleetProps } from '../../../lib/constructs/inference/gpu-fleet';
import { fleetProps, networkStack } from './fixtures';

function newFleet(overrides: Partial<GpuFleetProps> = {}): GpuFleet {
  const { stack, vpc } = networkStack();
  return new GpuFleet(stack, 'Fleet', { ...fleetProps(vpc), ...overrides });
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

  test('default instance warmup comes from instanceWarmup', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { DefaultInstanceWarmup: 300 });
  });

  test('the launch hook abandons an instance whose model is not warm in time', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LifecycleHookSpecificationList: Match.arrayWith([
        { LifecycleHookName: 'model-warm', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', DefaultResult: 'ABANDON', HeartbeatTimeout: BOOT_HEARTBEAT_TIMEOUT.toSeconds() },
      ]),
    });
    expect(fleet.launchLifecycleHookName).toBe('model-warm');
  });

  test('the launch hook times out after 5 minutes without a boot heartbeat, whatever the boot budget', () => {
    const slow = Template.fromStack(newFleet({ bootBudget: Duration.hours(2) }).autoScalingGroup.stack);
    slow.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LifecycleHookSpecificationList: Match.arrayWith([Match.objectLike({ LifecycleHookName: 'model-warm', HeartbeatTimeout: 300 })]),
    });
    expect(fleet.bootHeartbeatTimeout.toSeconds()).toBe(300);
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

  test('notifies launch and terminate failures, not every launch, to its TLS-only topic', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      NotificationConfigurations: [{
        TopicARN: { Ref: Match.stringLikeRegexp('FleetNotifications') },
        NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH_ERROR', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR'],
      }],
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('lets CloudWatch alarms of this account publish to the topic', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  test('notifyAction() sends an alarm to the fleet topic', () => {
    const other = newFleet();
    const stack = Stack.of(other);
    const alarm = new cloudwatch.Alarm(stack, 'NotifiedAlarm', { metric: other.metricInServiceInstances(), threshold: 1, evaluationPeriods: 1 });
    alarm.addAlarmAction(other.notifyAction());
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('FleetNotifications') }],
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
    const long = newFleet({ maxJobDuration: Duration.seconds(10_000) });
    const longTemplate = Template.fromStack(long.autoScalingGroup.stack);
    longTemplate.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      LifecycleHookSpecificationList: Match.arrayWith([Match.objectLike({ LifecycleHookName: 'drain', HeartbeatTimeout: 7200 })]),
    });
    Annotations.fromStack(long.autoScalingGroup.stack).hasWarning('/Test/Fleet', Match.stringLikeRegexp('must record lifecycle heartbeats'));
  });

  test('takes a Volta type with a machineImage of its own', () => {
    const machineImage = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });
    expect(() => newFleet({ instanceTypes: ['p3.8xlarge'], machineImage })).not.toThrow();
  });

  describe('rejects', () => {
    test('min above max', () => {
      expect(() => newFleet({ minCapacity: 5, maxCapacity: 2 })).toThrow(/maxCapacity \(2\) must be >= minCapacity \(5\)/);
    });

    test('a spot max price above an on-demand price', () => {
      expect(() => newFleet({ spotMaxPriceUsdPerHour: 0.6 })).toThrow(/spotMaxPriceUsdPerHour \(0.6\) must be below the on-demand price of every instance type \(g4dn.xlarge costs 0.526/);
    });

    test('an NVIDIA type the catalog does not have', () => {
      expect(() => newFleet({ instanceTypes: ['g5.xlarge', 'p4de.24xlarge'] })).toThrow(/instanceTypes\[1\] \("p4de.24xlarge"\) is not a supported NVIDIA GPU instance type/);
    });

    test('no instance type', () => {
      expect(() => newFleet({ instanceTypes: [] })).toThrow(/instanceTypes is empty/);
    });

    test('a boot budget shorter than one heartbeat timeout', () => {
      expect(() => newFleet({ bootBudget: Duration.minutes(4) })).toThrow(/bootBudget \(4 minutes\) must be between 5 minutes and 8 hours 20 minutes/);
    });

    test('a boot budget longer than 100 heartbeat timeouts', () => {
      expect(() => newFleet({ bootBudget: Duration.hours(9) })).toThrow(/bootBudget \(9 hours\) must be between 5 minutes and 8 hours 20 minutes/);
    });

    test('a boot budget of fractional seconds', () => {
      expect(() => newFleet({ bootBudget: Duration.millis(600_500) })).toThrow(/bootBudget \(10 minutes 500 millis\) must be a whole number of seconds/);
    });

    test('a job duration of fractional seconds', () => {
      expect(() => newFleet({ maxJobDuration: Duration.millis(1500) })).toThrow(/maxJobDuration \(1 second 500 millis\) must be a whole number of seconds/);
    });

    test('an empty model version', () => {
      expect(() => newFleet({ modelVersion: '' })).toThrow(/modelVersion is empty/);
    });

    test('a model version AWS rejects as a tag value', () => {
      expect(() => newFleet({ modelVersion: '1#0' })).toThrow(/modelVersion \("1#0"\) must be at most 256 letters/);
    });

    test('an instance warmup above one hour', () => {
      expect(() => newFleet({ instanceWarmup: Duration.minutes(61) })).toThrow(/instanceWarmup \(1 hour 1 minute\) must be between 0 seconds and 1 hour/);
    });

    test('a health check grace period above two hours', () => {
      expect(() => newFleet({ healthCheckGracePeriod: Duration.minutes(121) })).toThrow(/healthCheckGracePeriod \(2 hours 1 minute\) must be between 0 seconds and 2 hours/);
    });

    test('a Volta type the default Deep Learning AMI cannot drive', () => {
      expect(() => newFleet({ instanceTypes: ['g5.xlarge', 'p3.8xlarge'] })).toThrow(
        /instanceTypes\[1\] \("p3\.8xlarge"\) has volta GPUs, which the Deep Learning Base OSS Nvidia Driver AMI does not support \(turing and newer only\): use a type of g4dn, g5, .*, or give the construct a machineImage/,
      );
    });

    test('an instance type listed twice', () => {
      expect(() => newFleet({ instanceTypes: ['g5.xlarge', 'g5.xlarge'] })).toThrow(/instanceTypes lists "g5.xlarge" twice: list each value once/);
    });

    test('an on-demand base above the maximum', () => {
      expect(() => newFleet({ onDemandBaseCapacity: 5 })).toThrow(/maxCapacity \(4\) must be >= onDemandBaseCapacity \(5\)/);
    });

    test('a root volume below 30 GiB', () => {
      expect(() => newFleet({ rootVolumeSizeGiB: 20 })).toThrow(/rootVolumeSizeGiB \(20\) must be between 30 and 16384/);
    });

    test('a non-positive spot max price', () => {
      expect(() => newFleet({ spotMaxPriceUsdPerHour: 0 })).toThrow(/spotMaxPriceUsdPerHour \(0\) must be > 0 USD per hour/);
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

  });
});

describe('GpuFleet as a grantee, a connectable and a metric source', () => {
  const fleet = newFleet();
  const stack = Stack.of(fleet);
  const peer = new ec2.SecurityGroup(stack, 'Peer', { vpc: stack.node.findChild('Vpc') as ec2.Vpc });
  fleet.connections.allowTo(peer, ec2.Port.tcp(443), 'fleet to peer');
  const bucket = new s3.Bucket(stack, 'Data');
  bucket.grantRead(fleet);
  const template = Template.fromStack(stack);

  test('a rule through its connections is a rule of its own security group', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Peer'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetSecurityGroup'), 'GroupId'] },
    });
  });

  test('the launch template uses that security group', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetSecurityGroup'), 'GroupId'] }],
      }),
    });
  });

  test('a grant to the fleet lands in the instance role policy', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FleetLaunchTemplate.*Role') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']), Resource: Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Data'), 'Arn'] }]) }),
        ]),
      },
    });
    expect(fleet.grantPrincipal).toBe(fleet.role);
  });

  test('metricGpuUtilization() is the AI/Custom average by group name', () => {
    const config = fleet.metricGpuUtilization().toMetricConfig().metricStat;
    expect(config).toMatchObject({ namespace: 'AI/Custom', metricName: 'GPUUtilization', statistic: 'Average' });
    expect(stack.resolve(config?.dimensions)).toEqual([
      { name: 'AutoScalingGroupName', value: stack.resolve(fleet.autoScalingGroup.autoScalingGroupName) },
    ]);
  });

  test('metricInServiceInstances() is the group metric per minute', () => {
    const config = fleet.metricInServiceInstances().toMetricConfig().metricStat;
    expect(config).toMatchObject({ namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances', statistic: 'Average' });
    expect(config?.period.toSeconds()).toBe(60);
    expect(stack.resolve(config?.dimensions)).toEqual([
      { name: 'AutoScalingGroupName', value: stack.resolve(fleet.autoScalingGroup.autoScalingGroupName) },
    ]);
  });
});

describe('GpuFleet boot image', () => {
  test('rejects bakedImage without the baked machineImage', () => {
    expect(() => newFleet({ bakedImage: {} })).toThrow(/bakedImage needs machineImage, the baked image's/);
  });

  test('exposes the expected boot time of its boot image, or the configured one', () => {
    expect(newFleet().expectedBootTime.toSeconds()).toBe(300);
    expect(newFleet({ expectedBootTime: Duration.seconds(200) }).expectedBootTime.toSeconds()).toBe(200);
  });
});
