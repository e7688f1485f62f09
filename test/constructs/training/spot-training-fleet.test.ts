import { Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SpotTrainingFleet, SpotTrainingFleetProps } from '../../../lib/constructs/training/spot-training-fleet';
import { stackWithCluster } from './fixtures';

function build(props: Partial<SpotTrainingFleetProps> = {}) {
  const { stack, vpc, cluster } = stackWithCluster();
  const fleet = new SpotTrainingFleet(stack, 'SpotFleet', {
    cluster,
    instanceTypes: ['g6.12xlarge', 'g5.12xlarge', 'p4d.24xlarge'],
    targetCapacity: 2,
    ...props,
  });
  return { stack, vpc, cluster, fleet };
}

describe('SpotTrainingFleet', () => {
  const { stack, vpc, cluster, fleet } = build();
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

  test('its instances publish GPUUtilization under the cluster group\'s name, so the cluster\'s idle alarm sees them', () => {
    expect(userData).toMatch(/systemd-run --unit=gpu-utilization-metric --property=Restart=always --property=RestartSec=10 --setenv=AUTO_SCALING_GROUP_NAME='",\{"Ref":"ClusterAutoScalingGroupASG/);
  });

  test('shares the cluster\'s role and security group', () => {
    expect(fleet.grantPrincipal).toBe(cluster.grantPrincipal);
    expect(fleet.connections).toBe(cluster.connections);
    const [, lt] = Object.entries(fleetLaunchTemplate).find(([id]) => id.startsWith('SpotFleet')) ?? [];
    expect(lt?.Properties.LaunchTemplateData.IamInstanceProfile).toEqual({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^SpotFleetTemplateLaunchTemplateProfile/), 'Arn'] } });
  });

  test('sits at 0 unless targetCapacity says otherwise', () => {
    const { stack: s, cluster: c } = stackWithCluster();
    new SpotTrainingFleet(s, 'Fleet', { cluster: c, instanceTypes: ['g5.12xlarge'] });
    Template.fromStack(s).hasResourceProperties('AWS::EC2::EC2Fleet', { TargetCapacitySpecification: Match.objectLike({ TotalTargetCapacity: 0 }) });
  });

  test('its id is the fleet\'s Ref', () => {
    expect(stack.resolve(fleet.fleetId)).toEqual({ Ref: expect.stringMatching(/^SpotFleet/) });
  });

  test.each([
    [{ instanceTypes: [] }, /instanceTypes is empty: list at least one value/],
    [{ instanceTypes: ['m5.large'] }, /instanceTypes\[0\] \("m5\.large"\) is not a supported NVIDIA GPU instance type/],
    [{ instanceTypes: ['g5.12xlarge', 'g5.12xlarge'] }, /instanceTypes/],
    [{ instanceTypes: ['g5.12xlarge', 'p3dn.24xlarge'] }, /instanceTypes\[1\] \("p3dn\.24xlarge"\) has volta GPUs, which the Deep Learning Base OSS Nvidia Driver AMI does not support/],
    [{ targetCapacity: -1 }, /targetCapacity \(-1\) must be a whole number >= 0/],
    [{ rootVolumeSizeGiB: 20 }, /rootVolumeSizeGiB \(20\) must be between 30 and 16384/],
  ])('rejects %o', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
