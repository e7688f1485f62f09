import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { CfnEndpoint, CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { CostTaggingChecks } from '../../lib/nag/cost-tagging-checks';
import { GpuCostChecks } from '../../lib/nag/gpu-cost-checks';
import { markAsCheckpointBucket } from '../../lib/nag/checkpoint-bucket';
import { gpuGroup } from '../helpers/gpu-fixtures';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../helpers/nag-rule';
import { gpuNodePool, manifestResource } from '../helpers/node-pool-fixtures';

const GPU_COST_RULES = {
  'GpuCost-GpuFleetMaxSize': 'error',
  'GpuCost-EnvironmentGpuInstances': 'error',
  'GpuCost-GpuFleetScalesToZero': 'error',
  'GpuCost-InstanceTypeAllowed': 'error',
  'GpuCost-NodePoolGpuLimit': 'error',
  'GpuCost-NodePoolScalesToZero': 'error',
  'GpuCost-NodePoolInstanceTypesAllowed': 'error',
  'GpuCost-SpotMaxPriceBelowOnDemand': 'error',
  'GpuCost-EbsVolumeGp3': 'warning',
  'GpuCost-LogGroupRetention': 'error',
  'GpuCost-SageMakerEndpointScalableTarget': 'error',
  'GpuCost-TrainingClusterIdleShutdown': 'error',
  'GpuCost-CheckpointBucketNoncurrentExpiry': 'warning',
};

describe('GpuCostChecks', () => {
  test('is named GpuCost', () => {
    expect(new GpuCostChecks(undefined, FIXTURE_LIMITS).name).toBe('GpuCost');
  });

  test('applies every GPU cost rule outside prod', () => {
    expect(new GpuCostChecks(undefined, FIXTURE_LIMITS).ruleIds).toEqual(Object.keys(GPU_COST_RULES));
  });

  test('leaves out the scale-to-zero rule where it is not required (prod)', () => {
    expect(new GpuCostChecks(undefined, { ...FIXTURE_LIMITS, requireScaleToZero: false }).ruleIds)
      .toEqual(Object.keys(GPU_COST_RULES).filter((id) => !id.endsWith('ScalesToZero')));
  });

  test('reports each rule at its level', () => {
    const { app, stack } = bareStack();
    gpuGroup(stack, 'Everything', { maxSize: 9, minSize: 1, instanceTypes: ['p5.48xlarge'], spotMaxPrice: '99', clusterPlacement: true });
    new ec2.CfnVolume(stack, 'Gp2', { availabilityZone: 'us-east-1a', size: 10, volumeType: 'gp2' });
    new logs.CfnLogGroup(stack, 'Forever');
    const config = new CfnEndpointConfig(stack, 'Config', {
      productionVariants: [{ variantName: 'primary', modelName: 'm', instanceType: 'ml.m5.large', initialInstanceCount: 1, initialVariantWeight: 1 }],
    });
    new CfnEndpoint(stack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
    markAsCheckpointBucket(new s3.Bucket(stack, 'Checkpoints', { versioned: true }));
    const kubectlProvider = eks.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', { serviceToken: 'arn:aws:lambda:us-east-1:123456789012:function:k' });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'ml', kubectlProvider });
    const pool = gpuNodePool({ limits: { cpu: 64 }, replicas: 1 }, 'p5');
    pool.spec.template.spec.requirements[0] = { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p5.48xlarge'] };
    manifestResource(stack, 'NodePool', cluster, pool);
    const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));
    const levels = Object.fromEntries(
      result.findings.filter((f) => f.pluginName === 'GpuCost').map((f) => [f.ruleName.replace(/\[.*\]$/, ''), f.severity]),
    );
    expect(levels).toEqual(GPU_COST_RULES);
  });
});

describe('CostTaggingChecks', () => {
  test('is named CostTagging', () => {
    expect(new CostTaggingChecks().name).toBe('CostTagging');
  });

  test('reports CostTagging-CostAllocationTags as an error, one finding per tag', () => {
    const { app, stack } = bareStack();
    new logs.CfnLogGroup(stack, 'Untagged', { retentionInDays: 7 });
    const result = synthWithPack(app, new CostTaggingChecks(app, { tagKeys: ['team', 'project'] }));
    expect(result.findings.map((f) => [f.ruleName, f.severity])).toEqual([
      ['CostTagging-CostAllocationTags[team]', 'error'],
      ['CostTagging-CostAllocationTags[project]', 'error'],
    ]);
  });
});
