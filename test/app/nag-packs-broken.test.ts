import { CfnResource, RemovalPolicy, Tags } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { CfnLaunchTemplate, CfnVolume } from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnEndpoint, CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { IConstruct } from 'constructs';
import { markAsCheckpointBucket } from '../../lib/nag/checkpoint-bucket';
import { gpuGroup, scaleDownAtNight } from '../helpers/gpu-fixtures';
import { NagSynthResult, findingsOf, ruleFindingsAt, synthWithNag } from '../helpers/nag';
import { RealApp, realApp } from '../helpers/nag-app';
import { DEFAULT_SERVICE } from '../../lib/stacks/service-names';

interface BreakCase {
  /** The rule id, with its finding, the break must trip. */
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  /** What is broken, for the test name. */
  readonly what: string;
  /** Breaks one thing in the real app and returns the L1 resource that breaks the rule. */
  readonly breakIt: (app: RealApp) => IConstruct;
}

/**
 * One broken thing per rule, in the real app: a real resource broken where the app has one,
 * else a broken resource added to the stack where it would live.
 */
const CASES: BreakCase[] = [
  {
    rule: 'CostTagging-CostAllocationTags[cost_center]', severity: 'error', what: 'the cost_center tag dropped from the real dev job queue',
    breakIt: ({ stages: s }) => {
      const queue = s.dev.inference.services[DEFAULT_SERVICE].jobs.queue;
      Tags.of(queue).remove('cost_center');
      return queue.node.defaultChild as CfnResource;
    },
  },
  {
    rule: 'GpuCost-GpuFleetMaxSize', severity: 'error', what: 'the real prod inference fleet raised above the prod cap',
    breakIt: ({ stages: s }) => {
      const group = s.prod.inference.services[DEFAULT_SERVICE].fleet.autoScalingGroup.node.defaultChild as CfnAutoScalingGroup;
      group.maxSize = String(s.prod.config.guardrails.maxGpuInstancesPerFleet + 1);
      return group;
    },
  },
  {
    rule: 'CostTagging-CostAllocationTags[team]', severity: 'error', what: 'the team tag dropped from the GitHub diff role',
    breakIt: ({ rolesStack }) => {
      const role = rolesStack.node.findChild('DiffRole');
      Tags.of(role).remove('team');
      return role.node.defaultChild as CfnResource;
    },
  },
  {
    rule: 'AwsSolutions-IAM5[Action::s3:*]', severity: 'error', what: 'a wildcard action granted to the GitHub deploy role',
    breakIt: ({ rolesStack }) => {
      const policy = rolesStack.node.findChild('DeployRolePolicy') as iam.Policy;
      policy.addStatements(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::some-bucket'] }));
      return policy.node.defaultChild as CfnResource;
    },
  },
  {
    rule: 'CostTagging-CostAllocationTags[team]', severity: 'error', what: 'the team tag dropped from the dev budget topic',
    breakIt: ({ stages: s }) => {
      Tags.of(s.dev.cost.budget.topic).remove('team');
      return s.dev.cost.budget.topic.node.defaultChild as CfnResource;
    },
  },
  {
    rule: 'GpuCost-GpuFleetMaxSize', severity: 'error', what: 'a prod GPU group with MaxSize above the prod cap',
    breakIt: ({ stages: s }) => gpuGroup(s.prod.inference, 'BrokenMaxSize', { maxSize: s.prod.config.guardrails.maxGpuInstancesPerFleet + 1, instanceTypes: ['g5.xlarge'] }),
  },
  {
    rule: 'GpuCost-GpuFleetScalesToZero', severity: 'error', what: 'the real staging inference fleet without its night schedule and GPU idle alarm',
    breakIt: ({ stages: s }) => {
      for (const id of ['Schedule', 'GpuUtilization']) s.staging.inference.services[DEFAULT_SERVICE].node.tryRemoveChild(id);
      return s.staging.inference.services[DEFAULT_SERVICE].fleet.autoScalingGroup.node.defaultChild as CfnAutoScalingGroup;
    },
  },
  {
    rule: 'GpuCost-GpuFleetScalesToZero', severity: 'error', what: 'a dev GPU group without a night schedule',
    breakIt: ({ stages: s }) => gpuGroup(s.dev.inference, 'BrokenNoSchedule', { minSize: 0, maxSize: 2, instanceTypes: ['g5.xlarge'] }),
  },
  {
    rule: 'GpuCost-InstanceTypeAllowed[p5.48xlarge]', severity: 'error', what: 'a p5 launch template in dev',
    breakIt: ({ stages: s }) => new CfnLaunchTemplate(s.dev.training, 'BrokenP5', { launchTemplateData: { instanceType: 'p5.48xlarge' } }),
  },
  {
    rule: 'GpuCost-SpotMaxPriceBelowOnDemand[g4dn.xlarge]', severity: 'error', what: 'a staging spot max price above the g4dn on-demand price',
    breakIt: ({ stages: s }) => {
      const group = gpuGroup(s.staging.inference, 'BrokenSpotPrice', { spotMaxPrice: '0.60', instanceTypes: ['g4dn.xlarge', 'g5.xlarge'] });
      scaleDownAtNight(s.staging.inference, 'BrokenSpotPriceNight', group);
      return group;
    },
  },
  {
    rule: 'GpuCost-EbsVolumeGp3[gp2]', severity: 'warning', what: 'a gp2 volume in dev',
    breakIt: ({ stages: s }) => new CfnVolume(s.dev.training, 'BrokenGp2', { availabilityZone: 'eu-central-1a', size: 100, volumeType: 'gp2', encrypted: true }),
  },
  {
    rule: 'GpuCost-LogGroupRetention', severity: 'error', what: 'a staging log group kept forever',
    breakIt: ({ stages: s }) => new logs.LogGroup(s.staging.inference, 'BrokenRetention', {
      retention: logs.RetentionDays.INFINITE, removalPolicy: RemovalPolicy.DESTROY,
    }).node.defaultChild as CfnResource,
  },
  {
    rule: 'GpuCost-SageMakerEndpointScalableTarget[primary]', severity: 'error', what: 'a prod endpoint without autoscaling',
    breakIt: ({ stages: s }) => {
      const config = new CfnEndpointConfig(s.prod.training, 'BrokenEndpointConfig', {
        productionVariants: [{ variantName: 'primary', modelName: 'm', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 1 }],
      });
      return new CfnEndpoint(s.prod.training, 'BrokenEndpoint', { endpointConfigName: config.attrEndpointConfigName });
    },
  },
  {
    rule: 'GpuCost-TrainingClusterIdleShutdown', severity: 'error', what: 'a prod training cluster without idle shutdown',
    breakIt: ({ stages: s }) => gpuGroup(s.prod.training, 'BrokenCluster', { clusterPlacement: true, maxSize: 4, instanceTypes: ['p3.8xlarge'] }),
  },
  {
    rule: 'GpuCost-CheckpointBucketNoncurrentExpiry', severity: 'warning', what: 'a staging checkpoint bucket keeping every version',
    breakIt: ({ stages: s }) => {
      const bucket = new s3.Bucket(s.staging.training, 'BrokenCheckpoints', { versioned: true, enforceSSL: true });
      markAsCheckpointBucket(bucket);
      return bucket.node.defaultChild as CfnResource;
    },
  },
];

describe('the app with one thing broken per rule', () => {
  const real = realApp();
  const { app, stages } = real;
  const broken = CASES.map((c) => ({ ...c, constructPath: c.breakIt(real).node.path }));
  const withinCap = gpuGroup(stages.prod.inference, 'ProdSizedGroup', {
    maxSize: stages.prod.config.guardrails.maxGpuInstancesPerFleet, instanceTypes: ['g5.xlarge'],
  });
  // Dev's fleet runs CPU types: above the GPU cap, without its schedule and idle scale-in, it is still no GPU spend.
  const devService = stages.dev.inference.services[DEFAULT_SERVICE];
  for (const id of ['Schedule', 'CpuUtilization']) devService.node.tryRemoveChild(id);
  const devGroup = devService.fleet.autoScalingGroup.node.defaultChild as CfnAutoScalingGroup;
  devGroup.maxSize = String(stages.dev.config.guardrails.maxGpuInstancesPerFleet + 1);
  const result: NagSynthResult = synthWithNag(app);

  test('fails the synth', () => {
    expect(result.error?.message).toMatch(/ValidationFailed|GpuCost|CostTagging/);
  });

  test.each(broken)('$what trips $rule', ({ rule, severity, constructPath }) => {
    expect(findingsOf(result, rule, constructPath)).toEqual([expect.objectContaining({ severity })]);
  });

  test.each(broken.filter((c) => c.severity === 'error'))('the synth error names $rule', ({ rule }) => {
    expect(result.error?.message).toContain(rule);
  });

  test('an unacknowledged AwsSolutions finding is reported under the plugin name the clean run filters on', () => {
    expect(findingsOf(result, 'AwsSolutions-S1', 'staging/Training/BrokenCheckpoints/Resource')).toEqual([
      expect.objectContaining({ pluginName: 'AwsSolutions' }),
    ]);
  });

  test('the dev fleet of CPU types is no GPU spend: above the GPU cap and unable to reach 0, no GPU rule finds it', () => {
    expect(devService.fleet.processor).toBe('cpu');
    const rules = ['GpuCost-GpuFleetMaxSize', 'GpuCost-EnvironmentGpuInstances', 'GpuCost-GpuFleetScalesToZero', 'GpuCost-InstanceTypeAllowed'];
    expect(rules.flatMap((rule) => ruleFindingsAt(result, rule, devGroup.node.path))).toEqual([]);
  });

  test('each stage is held to its own cap: a group at the prod cap passes in prod although dev caps lower', () => {
    expect(ruleFindingsAt(result, 'GpuCost-GpuFleetMaxSize', withinCap.node.path)).toEqual([]);
  });
});
