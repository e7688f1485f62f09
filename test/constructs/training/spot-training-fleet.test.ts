import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SpotTrainingFleet, SpotTrainingFleetProps } from '../../../lib/constructs/training/spot-training-fleet';
import { TrainingCluster } from '../../../lib/constructs/training/training-cluster';
import { bareStack } from './fixtures';

function build(props: Partial<SpotTrainingFleetProps> = {}) {
  const { stack, vpc, buckets } = bareStack();
  const cluster = new TrainingCluster(stack, 'Cluster', {
    vpc,
    maxNodes: 2,
    checkpointBucket: buckets.checkpointBucket,
    datasetBucket: buckets.datasetBucket,
  });
  const fleet = new SpotTrainingFleet(stack, 'SpotFleet', {
    vpc,
    vpcSubnets: { subnets: [vpc.privateSubnets[0]] },
    placementGroup: cluster.placementGroup,
    instanceTypes: ['g6.12xlarge', 'g5.12xlarge', 'p4d.24xlarge'],
    targetCapacity: 2,
    role: cluster.role,
    securityGroup: cluster.securityGroup,
    checkpointBucket: buckets.checkpointBucket,
    jobName: 'llm-finetune',
    trainingCommand: "exec python3 /opt/train/train.py --run 'a b'",
    ...props,
  });
  return { stack, vpc, fleet };
}

describe('SpotTrainingFleet', () => {
  const { stack, vpc, fleet } = build();
  Tags.of(stack).add('team', 'ml-platform');
  Tags.of(stack).add('cost_center', 'ml-1');
  const template = Template.fromStack(stack);
  const fleetLaunchTemplate = template.findResources('AWS::EC2::LaunchTemplate', {
    Properties: { LaunchTemplateData: { InstanceType: 'g6.12xlarge', UserData: Match.anyValue() } },
  });
  const userData = JSON.stringify(
    Object.entries(fleetLaunchTemplate).find(([id]) => id.startsWith('SpotFleet'))?.[1].Properties.LaunchTemplateData.UserData,
  );

  test('is an EC2 Fleet of type maintain with spot as the default capacity type', () => {
    template.hasResourceProperties('AWS::EC2::EC2Fleet', {
      Type: 'maintain',
      TargetCapacitySpecification: { TotalTargetCapacity: 2, OnDemandTargetCapacity: 0, DefaultTargetCapacityType: 'spot' },
    });
  });

  test('overrides the launch template with every instance type in the one subnet', () => {
    const subnetId = stack.resolve(vpc.privateSubnets[0].subnetId);
    template.hasResourceProperties('AWS::EC2::EC2Fleet', {
      LaunchTemplateConfigs: [
        {
          LaunchTemplateSpecification: { LaunchTemplateId: { Ref: Match.stringLikeRegexp('^SpotFleet') }, Version: Match.anyValue() },
          Overrides: ['g6.12xlarge', 'g5.12xlarge', 'p4d.24xlarge'].map((InstanceType) => ({ InstanceType, SubnetId: subnetId })),
        },
      ],
    });
  });

  test('allocates spot price-capacity-optimized with capacity rebalancing (launch)', () => {
    template.hasResourceProperties('AWS::EC2::EC2Fleet', {
      SpotOptions: { AllocationStrategy: 'price-capacity-optimized', MaintenanceStrategies: { CapacityRebalance: { ReplacementStrategy: 'launch' } } },
    });
  });

  test('takes capacity-optimized', () => {
    Template.fromStack(build({ allocationStrategy: 'capacity-optimized' }).stack).hasResourceProperties('AWS::EC2::EC2Fleet', {
      SpotOptions: Match.objectLike({ AllocationStrategy: 'capacity-optimized' }),
    });
  });

  test('tags applied with Tags.of reach the fleet', () => {
    template.hasResourceProperties('AWS::EC2::EC2Fleet', {
      TagSpecifications: [{ ResourceType: 'fleet', Tags: [{ Key: 'cost_center', Value: 'ml-1' }, { Key: 'team', Value: 'ml-platform' }] }],
    });
  });

  test("tags applied with Tags.of reach the fleet's instances through its launch template", () => {
    const [, lt] = Object.entries(fleetLaunchTemplate).find(([id]) => id.startsWith('SpotFleet')) ?? [];
    expect(lt?.Properties.LaunchTemplateData.TagSpecifications).toEqual(
      expect.arrayContaining([
        { ResourceType: 'instance', Tags: expect.arrayContaining([{ Key: 'team', Value: 'ml-platform' }, { Key: 'cost_center', Value: 'ml-1' }]) },
      ]),
    );
  });

  test('an untagged fleet renders no TagSpecifications', () => {
    Template.fromStack(build().stack).hasResourceProperties('AWS::EC2::EC2Fleet', { TagSpecifications: Match.absent() });
  });

  test("the fleet's launch template uses the cluster's placement group", () => {
    const [, lt] = Object.entries(fleetLaunchTemplate).find(([id]) => id.startsWith('SpotFleet')) ?? [];
    expect(lt?.Properties.LaunchTemplateData.Placement).toEqual({ GroupName: { 'Fn::GetAtt': [expect.stringMatching(/^ClusterPlacementGroup/), 'GroupName'] } });
  });

  test('user data runs the checkpoint script with CHECKPOINT_URI s3://bucket/checkpoints/{job}/', () => {
    expect(userData).toContain('systemd-run --unit=train-with-checkpoints');
    expect(userData).toContain("--setenv=CHECKPOINT_URI='s3://");
    expect(userData).toContain('/checkpoints/llm-finetune/');
    expect(stack.resolve(fleet.checkpointUri)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^BucketsCheckpoints/) }, '/checkpoints/llm-finetune/']] });
  });

  test('user data passes the training command shell-quoted', () => {
    expect(userData).toContain(JSON.stringify("--setenv=TRAINING_COMMAND='exec python3 /opt/train/train.py --run '\\''a b'\\'''").slice(1, -1));
  });

  test('user data carries the script from lib/runtime/training verbatim', () => {
    const script = readFileSync(join(__dirname, '../../../lib/runtime/training/train-with-checkpoints.sh'), 'utf8').trimEnd();
    expect(userData).toContain(JSON.stringify(script).slice(1, -1));
  });

  test('the script resumes from the latest checkpoint, polls IMDSv2 for spot notices and signals SIGUSR1', () => {
    expect(userData).toContain('aws s3 sync --only-show-errors \\"${CHECKPOINT_URI}\\"');
    expect(userData).toContain('meta-data/spot/instance-action');
    expect(userData).toContain('X-aws-ec2-metadata-token');
    expect(userData).toContain('kill -USR1');
  });

  test('publishes no GPU metric unless gpuMetricGroupName is given', () => {
    expect(userData).not.toContain('gpu-utilization-metric');
  });

  test('with gpuMetricGroupName, publishes GPUUtilization under that group name', () => {
    const { stack: s } = build({ gpuMetricGroupName: 'cluster-group' });
    const data = JSON.stringify(Template.fromStack(s).findResources('AWS::EC2::LaunchTemplate'));
    expect(data).toContain("systemd-run --unit=gpu-utilization-metric --property=Restart=always --property=RestartSec=10 --setenv=AUTO_SCALING_GROUP_NAME='cluster-group'");
  });

  test.each([
    [{ instanceTypes: [] }, /instanceTypes is empty: list at least one value/],
    [{ instanceTypes: ['m5.large'] }, /instanceTypes\[0\] \("m5\.large"\) is not a supported NVIDIA GPU instance type/],
    [{ instanceTypes: ['g5.12xlarge', 'p3dn.24xlarge'] }, /instanceTypes\[1\] \("p3dn\.24xlarge"\) has volta GPUs, which the Deep Learning Base OSS Nvidia Driver AMI does not support/],
    [{ targetCapacity: -1 }, /targetCapacity \(-1\) must be a whole number >= 0/],
    [{ jobName: 'My Job' }, /jobName \("My Job"\) must be lower-case letters, digits and hyphens/],
    [{ trainingCommand: ' ' }, /trainingCommand is empty/],
    [{ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }, /vpcSubnets selects 2 subnets: a cluster placement group lives in one Availability Zone/],
  ])('rejects %o', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
