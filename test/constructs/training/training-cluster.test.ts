import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SESSION_MANAGER_ACTIONS } from '../../../lib/constructs/training/training-capacity';
import { TrainingCluster, TrainingClusterProps } from '../../../lib/constructs/training/training-cluster';
import { bareStack } from './fixtures';

function build(props: Partial<TrainingClusterProps> = {}) {
  const { stack, vpc } = bareStack();
  const cluster = new TrainingCluster(stack, 'Cluster', { vpc, maxNodes: 4, ...props });
  return { stack, vpc, cluster };
}

describe('TrainingCluster', () => {
  const { stack, vpc, cluster } = build();
  const template = Template.fromStack(stack);

  test('creates a cluster placement group', () => {
    template.resourceCountIs('AWS::EC2::PlacementGroup', 1);
    template.hasResourceProperties('AWS::EC2::PlacementGroup', { Strategy: 'cluster' });
  });

  test('launches g5.12xlarge by default into the placement group', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { InstanceType: 'g5.12xlarge', Placement: { GroupName: { 'Fn::GetAtt': [Match.stringLikeRegexp('PlacementGroup'), 'GroupName'] } } },
    });
  });

  test('the group runs 0..maxNodes with no desired capacity, in one private subnet', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '0',
      MaxSize: '4',
      DesiredCapacity: Match.absent(),
      VPCZoneIdentifier: [stack.resolve(vpc.privateSubnets[0].subnetId)],
    });
  });

  test('nodes publish their GPU utilization from the boot script', () => {
    const [launchTemplate] = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
    const userData = JSON.stringify(launchTemplate.Properties.LaunchTemplateData.UserData);
    expect(userData).toContain('--metric-name GPUUtilization');
    expect(userData).toContain('systemd-run --unit=gpu-utilization-metric --property=Restart=always');
  });

  test('nodes talk to each other on all ports (NCCL, EFA)', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: '-1',
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ClusterSecurityGroup'), 'GroupId'] },
    });
  });

  const statements: Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> = Object.values(template.findResources('AWS::IAM::Policy'))[0]
    .Properties.PolicyDocument.Statement;

  test('the instance role may only publish metrics into AI/Custom, name its group and serve Session Manager: no data access of its own', () => {
    expect(statements).toEqual([
      { Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'AI/Custom' } } },
      { Action: 'autoscaling:DescribeAutoScalingInstances', Effect: 'Allow', Resource: '*' },
      { Action: [...SESSION_MANAGER_ACTIONS], Effect: 'Allow', Resource: '*' },
    ]);
  });

  test('operators reach the nodes with Session Manager through the narrow policy, no managed policy', () => {
    expect(SESSION_MANAGER_ACTIONS).toEqual([
      'ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel',
    ]);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('is a grantee: a grant lands on the instance role', () => {
    const grantStack = build();
    iam.Grant.addToPrincipal({ grantee: grantStack.cluster, actions: ['s3:GetObject'], resourceArns: ['arn:aws:s3:::b/k'] });
    Template.fromStack(grantStack.stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::b/k' }]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^ClusterInstanceRole') }],
    });
  });

  test('is connectable through the nodes\' security group', () => {
    expect(stack.resolve(cluster.connections.securityGroups.map((g) => g.securityGroupId))).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^ClusterSecurityGroup/), 'GroupId'] }]);
  });

  test('its metrics name the group: GPU utilization, the job heartbeat, and how busy it is', () => {
    const group = stack.resolve(cluster.autoScalingGroupName);
    expect(stack.resolve(cluster.metricGpuUtilization().dimensions)).toEqual({ AutoScalingGroupName: group });
    expect([cluster.metricJobHeartbeat().metricName, cluster.metricJobHeartbeat().statistic]).toEqual(['TrainingJobHeartbeat', 'Maximum']);
    expect(stack.resolve(cluster.metricJobHeartbeat().dimensions)).toEqual({ AutoScalingGroupName: group });
    expect(cluster.metricBusy().expression).toBe('gpu + 100 * heartbeat');
  });

  test('takes instanceType and rootVolumeSizeGiB', () => {
    const t = Template.fromStack(build({ instanceType: 'g5.12xlarge', rootVolumeSizeGiB: 200 }).stack);
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { InstanceType: 'g5.12xlarge', BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: 200 }) })] },
    });
  });

  test('rejects a placement group asked to span several AZs', () => {
    expect(() => build({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } })).toThrow(
      /vpcSubnets selects 2 subnets: a cluster placement group lives in one Availability Zone and cannot span several AZs or subnets; select exactly one/,
    );
  });

  test.each([
    [{ maxNodes: 0 }, /maxNodes \(0\) must be a whole number >= 1/],
    [{ efa: true, instanceType: 'g5.xlarge' }, /efa \(true\) needs an instance type with EFA, and instanceType \("g5\.xlarge"\) has none/],
    [{ instanceType: 'p3.8xlarge' }, /instanceType \("p3\.8xlarge"\) has volta GPUs, which the Deep Learning Base OSS Nvidia Driver AMI does not support/],
  ])('rejects %o', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('takes a Volta type with a machineImage of its own', () => {
    const machineImage = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' });
    expect(() => build({ instanceType: 'p3.8xlarge', machineImage })).not.toThrow();
  });
});
