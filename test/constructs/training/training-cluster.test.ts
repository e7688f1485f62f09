import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { TrainingCluster, TrainingClusterProps } from '../../../lib/constructs/training/training-cluster';
import { bareStack } from './fixtures';

function build(props: Partial<TrainingClusterProps> = {}) {
  const { stack, vpc, buckets } = bareStack();
  const cluster = new TrainingCluster(stack, 'Cluster', {
    vpc,
    maxNodes: 4,
    checkpointBucket: buckets.checkpointBucket,
    datasetBucket: buckets.datasetBucket,
    ...props,
  });
  return { stack, vpc, cluster };
}

describe('TrainingCluster', () => {
  const { stack, vpc } = build();
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

  const statements: Array<{ Action: string | string[]; Resource: unknown }> = Object.values(template.findResources('AWS::IAM::Policy'))[0]
    .Properties.PolicyDocument.Statement;
  const statementOn = (prefix: string) => statements.find((s) => JSON.stringify(s.Resource).includes(`"/${prefix}*"`));

  test('the instance role reads and writes checkpoints/ only under that prefix', () => {
    expect(statementOn('checkpoints/')?.Action).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:PutObject', 's3:DeleteObject*']));
  });

  test('the instance role only reads datasets/', () => {
    expect(statementOn('datasets/')?.Action).toEqual(['s3:GetObject*', 's3:GetBucket*', 's3:List*']);
  });

  test('the instance role has no object access outside those prefixes', () => {
    const objectResources = statements
      .flatMap((s) => [s.Resource].flat())
      .map((r) => JSON.stringify(r))
      .filter((r) => r.includes('Fn::Join'));
    expect(objectResources).toEqual([expect.stringContaining('"/checkpoints/*"'), expect.stringContaining('"/datasets/*"')]);
  });

  test('the instance role may put metrics only into AI/Custom', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'cloudwatch:PutMetricData', Effect: 'Allow', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'AI/Custom' } } },
        ]),
      },
    });
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
