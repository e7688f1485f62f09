import { CfnResource, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENVIRONMENTS, EnvironmentConfig, mergeConfig } from '../../lib/config';
import { dev } from '../../lib/config/dev';
import { imageProcessorOf } from '../../lib/gpu/accelerated-instance-types';
import { RenderedDashboard, renderDashboards } from '../helpers/dashboard';
import { EXAMPLE_STACK, REGION, resolve } from '../helpers/fake-cloudformation';
import { SynthesizedStage, synthStage } from '../helpers/synth-stage';
import { TRAINING_CONSTRUCT_IDS } from '../../lib/stacks/training-stack';
import { DEFAULT_TRAINING_INSTANCE_TYPE } from '../../lib/constructs/training/training-cluster';

/** Bucket logical ids: a change here replaces (and orphans or empties) a bucket of data. */
const PINNED_BUCKETS = ['BucketsCheckpoints180497C2', 'BucketsDatasets939DDD85', 'BucketsArtifactsB9EE6400', 'BucketsAccessLogsA5F88218'];

const OUTPUTS = [
  'EndpointName', 'ExecutionRoleArn', 'CheckpointBucketName', 'DatasetBucketName', 'ArtifactBucketName',
  'ClusterAutoScalingGroupName', 'SpotFleetId', 'IdleShutdownTopicArn', 'TrainingLogGroupName', 'DefaultTrainingImage', 'DefaultSageMakerTrainingImage',
  'DashboardUrl', 'SageMakerDashboardUrl',
];

/** The dashboard a `<...>DashboardUrl` output links, rendered. */
function linkedDashboard(template: Template, output: string): RenderedDashboard {
  const url = String(resolve(template.toJSON().Outputs[output].Value, EXAMPLE_STACK));
  return renderDashboards(template)[url.split('#dashboards:name=')[1]];
}

/** Every environment with its model published, synthesized once. */
const PUBLISHED = new Map<string, SynthesizedStage>(ENVIRONMENTS.map((config) => [config.name, synthStage(mergeConfig(config, { modelPublished: true }))]));

/** The ids of the Training stack's constructs that hold resources. */
const resourceHolders = (stage: Stage) => stage.node.findChild('Training').node.children
  .filter((child) => child.node.findAll().some(CfnResource.isCfnResource))
  .map((child) => child.node.id);

describe('a new environment, its model not yet published', () => {
  const unpublished = synthStage(dev);
  const template = unpublished.templates.Training;

  test('publishing the model adds the endpoint and its dashboard only, the constructs the cost to try counts as published', () => {
    const published = resourceHolders(PUBLISHED.get(dev.name)!.stage);
    const added = published.filter((id) => !resourceHolders(unpublished.stage).includes(id));
    expect(added.sort()).toEqual([TRAINING_CONSTRUCT_IDS.sageMakerEndpoint, TRAINING_CONSTRUCT_IDS.sageMakerDashboard].sort());
  });

  test('has no SageMaker endpoint: it could not load the model and CloudFormation would roll back', () => {
    template.resourceCountIs('AWS::SageMaker::Endpoint', 0);
  });

  test('has no EndpointName output, nor the endpoint\'s dashboard', () => {
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('EndpointName');
    expect(Object.keys(template.toJSON().Outputs)).not.toContain('SageMakerDashboardUrl');
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe.each(ENVIRONMENTS.map((config) => [config.name, mergeConfig(config, { modelPublished: true })] as const))('%s TrainingStack, model published', (name, config: EnvironmentConfig) => {
  const { templates } = PUBLISHED.get(name)!;
  const template: Template = templates.Training;
  const resources = template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }>;

  test('pins the logical ids of its buckets', () => {
    const buckets = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket').map(([id]) => id).sort();
    expect(buckets).toEqual([...PINNED_BUCKETS].sort());
  });

  test('buckets follow the config removal policy', () => {
    const expected = config.removalPolicy === 'retain' ? 'Retain' : 'Delete';
    expect(PINNED_BUCKETS.map((id) => resources[id].DeletionPolicy)).toEqual(PINNED_BUCKETS.map(() => expected));
  });

  test('noncurrent checkpoint versions expire after checkpointNoncurrentVersionDays', () => {
    expect(resources.BucketsCheckpoints180497C2.Properties.LifecycleConfiguration).toEqual({
      Rules: [expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: config.training.checkpointNoncurrentVersionDays } })],
    });
  });

  test('has exactly the stack outputs other tools read, besides the exports of other stacks\' references', () => {
    expect(Object.keys(template.toJSON().Outputs).filter((id) => !id.startsWith('ExportsOutput')).sort()).toEqual([...OUTPUTS].sort());
  });

  test('exports its instance and SageMaker execution roles only where the ML platform logs their MLflow runs', () => {
    const exported = Object.keys(template.toJSON().Outputs).filter((id) => id.startsWith('ExportsOutput'));
    expect(exported.map((id) => id.replace(/^ExportsOutputRef(\w+?Role)[0-9A-F]{8}[0-9A-F]{8}$/, '$1')).sort())
      .toEqual(config.mlPlatform.enabled ? ['ClusterInstanceRole', 'SageMakerExecutionRole'] : []);
  });

  test('the training dashboard is <stack>-<Region>, linked by DashboardUrl, and draws the cluster\'s group', () => {
    const dashboard = linkedDashboard(template, 'DashboardUrl');
    expect(dashboard.name).toBe(`${config.name}-Training-${config.region ?? REGION}`);
    const group = (template.toJSON().Outputs.ClusterAutoScalingGroupName.Value as { Ref: string }).Ref;
    expect(dashboard.widgets[0].metrics.filter((m) => m.metricName).map((m) => m.dimensions.AutoScalingGroupName)).toEqual([group, group, group]);
  });

  test('the endpoint\'s dashboard is <stack>-SageMaker-<Region>, linked by SageMakerDashboardUrl, and draws the endpoint\'s variants', () => {
    const dashboard = linkedDashboard(template, 'SageMakerDashboardUrl');
    expect(dashboard.name).toBe(`${config.name}-Training-SageMaker-${config.region ?? REGION}`);
    const endpoint = resolve(template.toJSON().Outputs.EndpointName.Value, EXAMPLE_STACK);
    expect(dashboard.widgets[0].metrics.map((m) => [m.dimensions.EndpointName, m.dimensions.VariantName])).toEqual(
      config.sageMaker.endpoint.variants.map((v) => [endpoint, v.name]),
    );
  });

  test('EndpointName is the SageMaker endpoint', () => {
    template.hasOutput('EndpointName', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SageMakerEndpoint'), 'EndpointName'] } });
  });

  test('each variant runs the Deep Learning Container build of its instance type: -cpu- on a CPU type, -gpu- on an NVIDIA GPU type', () => {
    const [endpointConfig] = Object.values(resources).filter((r) => r.Type === 'AWS::SageMaker::EndpointConfig');
    const variants = endpointConfig.Properties.ProductionVariants as Array<{ InstanceType: string; ModelName: { 'Fn::GetAtt': [string, string] } }>;
    const imageOf = (modelId: string) => JSON.stringify((resources[modelId].Properties.PrimaryContainer as { Image: unknown }).Image);
    expect(variants.map((v) => [v.InstanceType, /-(cpu|gpu)-/.exec(imageOf(v.ModelName['Fn::GetAtt'][0]))?.[1]]))
      .toEqual(variants.map((v) => [v.InstanceType, imageProcessorOf(v.InstanceType)]));
  });

  test("uses the environment's network, with no VPC and no custom resource of its own", () => {
    template.resourceCountIs('AWS::EC2::VPC', 0);
    expect(Object.values(resources).filter((r) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource')).toEqual([]);
  });

  test('the cluster group and the fleet share one private subnet', () => {
    const [group] = Object.values(resources).filter((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup');
    const [fleet] = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::EC2Fleet');
    const subnets = group.Properties.VPCZoneIdentifier as unknown[];
    expect(subnets).toHaveLength(1);
    expect(JSON.stringify(subnets[0])).toMatch(/privateSubnet1Subnet/);
    const overrides = (fleet.Properties.LaunchTemplateConfigs as Array<{ Overrides: Array<{ SubnetId: unknown }> }>)[0].Overrides;
    expect(overrides).toHaveLength(config.training.spotFleet.instanceTypes.length);
    expect(overrides.map((o) => o.SubnetId)).toEqual(overrides.map(() => subnets[0]));
  });

  test('the cluster runs the config instance type, 0..maxNodes, in a cluster placement group', () => {
    template.hasResourceProperties('AWS::EC2::PlacementGroup', { Strategy: 'cluster' });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ InstanceType: config.training.cluster.instanceType ?? DEFAULT_TRAINING_INSTANCE_TYPE }),
    });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0', MaxSize: String(config.training.cluster.maxNodes), DesiredCapacity: Match.absent() });
  });

  test('the fleet follows the config', () => {
    template.hasResourceProperties('AWS::EC2::EC2Fleet', {
      Type: 'maintain',
      TargetCapacitySpecification: Match.objectLike({ TotalTargetCapacity: config.training.spotFleet.targetCapacity ?? 0, DefaultTargetCapacityType: 'spot' }),
      SpotOptions: Match.objectLike({ AllocationStrategy: config.training.spotFleet.allocationStrategy ?? 'price-capacity-optimized' }),
      LaunchTemplateConfigs: [Match.objectLike({ Overrides: config.training.spotFleet.instanceTypes.map((t) => Match.objectLike({ InstanceType: t })) })],
    });
  });

  test('the fleet carries the four cost tags', () => {
    template.hasResourceProperties('AWS::EC2::EC2Fleet', {
      TagSpecifications: [
        {
          ResourceType: 'fleet',
          Tags: Match.arrayWith([
            { Key: 'cost_center', Value: config.tags.costCenter },
            { Key: 'environment', Value: config.name },
            { Key: 'project', Value: config.tags.project },
            { Key: 'team', Value: config.tags.team },
          ]),
        },
      ],
    });
  });

  test("the fleet's instances carry the four cost tags", () => {
    const fleetTemplates = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::EC2::LaunchTemplate' && id.startsWith('SpotFleet'));
    expect(fleetTemplates).toHaveLength(1);
    const specs = (fleetTemplates[0][1].Properties.LaunchTemplateData as { TagSpecifications: Array<{ ResourceType: string; Tags: unknown[] }> }).TagSpecifications;
    expect(specs.find((s) => s.ResourceType === 'instance')?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'environment', Value: config.name },
        { Key: 'team', Value: config.tags.team },
        { Key: 'cost_center', Value: config.tags.costCenter },
        { Key: 'project', Value: config.tags.project },
      ]),
    );
  });

  test("fleet instances report GPU utilization under the cluster group's name", () => {
    const [fleetTemplate] = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::EC2::LaunchTemplate' && id.startsWith('SpotFleet'));
    const userData = JSON.stringify(fleetTemplate[1].Properties.LaunchTemplateData);
    expect(userData).toMatch(/--setenv=AUTO_SCALING_GROUP_NAME='",\{"Ref":"ClusterAutoScalingGroupASG/);
  });

  test('the idle alarm uses the config threshold and duration, on GPU utilization and the job heartbeat', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'gpu + 100 * heartbeat' }),
        Match.objectLike({ Id: 'gpu', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GPUUtilization' }), Period: 60 }) }),
        Match.objectLike({ Id: 'heartbeat', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'TrainingJobHeartbeat' }), Period: 60 }) }),
      ]),
      ComparisonOperator: 'LessThanThreshold',
      Threshold: config.training.idleShutdown.gpuUtilizationThresholdPercent,
      EvaluationPeriods: config.training.idleShutdown.idleDuration.toMinutes(),
      DatapointsToAlarm: config.training.idleShutdown.idleDuration.toMinutes(),
    });
  });

  test('the endpoint serves the fleet\'s model archive from the model bucket', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ ModelDataUrl: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([`/models/${config.inference[config.sageMaker.service].model.name}/${config.inference[config.sageMaker.service].model.version}/model.tar.gz`])] }) }),
    });
  });

  test('the endpoint has the config variants and scales each one', () => {
    const endpoint = config.sageMaker.endpoint;
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: endpoint.variants.map((v) =>
        Match.objectLike({ VariantName: v.name, InstanceType: v.instanceType, InitialInstanceCount: v.initialInstanceCount, InitialVariantWeight: v.initialVariantWeight }),
      ),
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', endpoint.variants.length);
    template.allResourcesProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: endpoint.minCapacity,
      MaxCapacity: endpoint.maxCapacity,
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', endpoint.variants.length);
    template.allResourcesProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        TargetValue: endpoint.maxRequestsPerSecond * (endpoint.safetyFactor ?? 0.5) * 60,
      }),
    });
  });

  test('a SageMaker storage key exists only where the config asks, beside the logs key', () => {
    template.resourceCountIs('AWS::KMS::Key', config.sageMaker.endpoint.customerManagedKey ? 2 : 1);
  });

  test('the idle-shutdown log group is encrypted with the stack\'s own logs key', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] } });
  });

  test('no role carries a managed policy', () => {
    const managed = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Role' && r.Properties.ManagedPolicyArns !== undefined);
    expect(managed).toEqual([]);
  });
});
