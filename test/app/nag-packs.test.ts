import { App, CfnResource, CloudFormationValidatePlugin, RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { CfnLaunchTemplate, CfnVolume } from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CfnEndpoint, CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { IConstruct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS } from '../../lib/config';
import { markAsCheckpointBucket } from '../../lib/nag/checkpoint-bucket';
import { registerNagPacks } from '../../lib/nag/register-nag-packs';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { gpuGroup, scaleDownAtNight } from '../helpers/gpu-fixtures';
import { NagSynthResult, errorFindings, findingsOf, ruleFindingsAt, synthWithNag } from '../helpers/nag';

/** The app as `cdk synth` builds it: cdk.json's context, every stage, every pack. */
function buildApp(): { app: App; stages: Record<'dev' | 'staging' | 'prod', AiInfraStage> } {
  const { context } = JSON.parse(fs.readFileSync(path.join(__dirname, '../../cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ context });
  const stages = ENVIRONMENTS.map((config) => new AiInfraStage(app, config.name, { config }));
  registerNagPacks(app, stages);
  return { app, stages: Object.fromEntries(stages.map((s) => [s.config.name, s])) as Record<'dev' | 'staging' | 'prod', AiInfraStage> };
}

describe('all stages with all packs', () => {
  const { app } = buildApp();
  // The app turns CDK's schema validation off for speed; here it runs, and must find nothing.
  Validations.of(app).addPlugins(new CloudFormationValidatePlugin());
  const result = synthWithNag(app);

  test('have no error finding', () => {
    expect(errorFindings(result)).toEqual([]);
  });

  test('pass CloudFormation schema validation without a single finding', () => {
    expect(result.findings.filter((f) => f.pluginName === CloudFormationValidatePlugin.PLUGIN_NAME)).toEqual([]);
  });

  test('have no AwsSolutions finding', () => {
    expect(result.findings.filter((f) => f.pluginName === 'AwsSolutions')).toEqual([]);
  });
});

interface BreakCase {
  /** The rule id, with its finding, the break must trip. */
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  /** What is broken, for the test name. */
  readonly what: string;
  /** Breaks one thing in one stage and returns the L1 resource that breaks the rule. */
  readonly breakIt: (stages: Record<'dev' | 'staging' | 'prod', AiInfraStage>) => IConstruct;
}

/**
 * One broken thing per rule. Until the inference and training stacks land, the broken GPU
 * fleets are built here, inside the stage's stack; add cases that break the real resources
 * (e.g. `Tags.of(stages.dev.inference.fleet).remove('team')`) as they appear.
 */
const CASES: BreakCase[] = [
  {
    rule: 'CostTagging-CostAllocationTags[cost_center]', severity: 'error', what: 'the cost_center tag dropped from the real dev job queue',
    breakIt: (s) => {
      const queue = s.dev.inference.service.jobs.queue;
      Tags.of(queue).remove('cost_center');
      return queue.node.defaultChild as CfnResource;
    },
  },
  {
    rule: 'GpuCost-GpuFleetMaxSize', severity: 'error', what: 'the real prod inference fleet raised above the prod cap',
    breakIt: (s) => {
      const group = s.prod.inference.service.fleet.autoScalingGroup.node.defaultChild as CfnAutoScalingGroup;
      group.maxSize = String(s.prod.config.guardrails.maxGpuInstancesPerFleet + 1);
      return group;
    },
  },
  {
    rule: 'CostTagging-CostAllocationTags[team]', severity: 'error', what: 'the team tag dropped from the dev budget topic',
    breakIt: (s) => {
      Tags.of(s.dev.cost.budget.topic).remove('team');
      return s.dev.cost.budget.topic.node.defaultChild as CfnResource;
    },
  },
  {
    rule: 'GpuCost-GpuFleetMaxSize', severity: 'error', what: 'a prod GPU group with MaxSize above the prod cap',
    breakIt: (s) => gpuGroup(s.prod.inference, 'BrokenMaxSize', { maxSize: s.prod.config.guardrails.maxGpuInstancesPerFleet + 1, instanceTypes: ['g5.xlarge'] }),
  },
  {
    rule: 'GpuCost-GpuFleetScalesToZero', severity: 'error', what: 'the real dev inference fleet without its night schedule and GPU idle alarm',
    breakIt: (s) => {
      for (const id of ['Schedule', 'GpuUtilization']) s.dev.inference.service.node.tryRemoveChild(id);
      return s.dev.inference.service.fleet.autoScalingGroup.node.defaultChild as CfnAutoScalingGroup;
    },
  },
  {
    rule: 'GpuCost-GpuFleetScalesToZero', severity: 'error', what: 'a dev GPU group without a night schedule',
    breakIt: (s) => gpuGroup(s.dev.inference, 'BrokenNoSchedule', { minSize: 0, maxSize: 2, instanceTypes: ['g5.xlarge'] }),
  },
  {
    rule: 'GpuCost-InstanceTypeAllowed[p5.48xlarge]', severity: 'error', what: 'a p5 launch template in dev',
    breakIt: (s) => new CfnLaunchTemplate(s.dev.training, 'BrokenP5', { launchTemplateData: { instanceType: 'p5.48xlarge' } }),
  },
  {
    rule: 'GpuCost-SpotMaxPriceBelowOnDemand[g4dn.xlarge]', severity: 'error', what: 'a staging spot max price above the g4dn on-demand price',
    breakIt: (s) => {
      const group = gpuGroup(s.staging.inference, 'BrokenSpotPrice', { spotMaxPrice: '0.60', instanceTypes: ['g4dn.xlarge', 'g5.xlarge'] });
      scaleDownAtNight(s.staging.inference, 'BrokenSpotPriceNight', group);
      return group;
    },
  },
  {
    rule: 'GpuCost-EbsVolumeGp3[gp2]', severity: 'warning', what: 'a gp2 volume in dev',
    breakIt: (s) => new CfnVolume(s.dev.training, 'BrokenGp2', { availabilityZone: 'eu-central-1a', size: 100, volumeType: 'gp2', encrypted: true }),
  },
  {
    rule: 'GpuCost-LogGroupRetention', severity: 'error', what: 'a staging log group kept forever',
    breakIt: (s) => new logs.LogGroup(s.staging.inference, 'BrokenRetention', {
      retention: logs.RetentionDays.INFINITE, removalPolicy: RemovalPolicy.DESTROY,
    }).node.defaultChild as CfnResource,
  },
  {
    rule: 'GpuCost-SageMakerEndpointScalableTarget[primary]', severity: 'error', what: 'a prod endpoint without autoscaling',
    breakIt: (s) => {
      const config = new CfnEndpointConfig(s.prod.training, 'BrokenEndpointConfig', {
        productionVariants: [{ variantName: 'primary', modelName: 'm', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 1 }],
      });
      return new CfnEndpoint(s.prod.training, 'BrokenEndpoint', { endpointConfigName: config.attrEndpointConfigName });
    },
  },
  {
    rule: 'GpuCost-TrainingClusterIdleShutdown', severity: 'error', what: 'a prod training cluster without idle shutdown',
    breakIt: (s) => gpuGroup(s.prod.training, 'BrokenCluster', { clusterPlacement: true, maxSize: 4, instanceTypes: ['p3.8xlarge'] }),
  },
  {
    rule: 'GpuCost-CheckpointBucketNoncurrentExpiry', severity: 'warning', what: 'a staging checkpoint bucket keeping every version',
    breakIt: (s) => {
      const bucket = new s3.Bucket(s.staging.training, 'BrokenCheckpoints', { versioned: true, enforceSSL: true });
      markAsCheckpointBucket(bucket);
      return bucket.node.defaultChild as CfnResource;
    },
  },
];

describe('one thing broken per rule', () => {
  const { app, stages } = buildApp();
  const broken = CASES.map((c) => ({ ...c, constructPath: c.breakIt(stages).node.path }));
  const withinCap = gpuGroup(stages.prod.inference, 'ProdSizedGroup', {
    maxSize: stages.prod.config.guardrails.maxGpuInstancesPerFleet, instanceTypes: ['g5.xlarge'],
  });
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

  test('each stage is held to its own cap: a group at the prod cap passes in prod although dev caps lower', () => {
    expect(ruleFindingsAt(result, 'GpuCost-GpuFleetMaxSize', withinCap.node.path)).toEqual([]);
  });
});
