import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { ROOT, readManifest } from '../helpers/package-manifest';

/** The library as a consumer gets it: `npm run build`'s output at package.json's `main`, not the TypeScript sources. */
const MAIN = join(ROOT, readManifest().main);
const DIST = dirname(MAIN);
if (!existsSync(MAIN)) {
  throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test runs it before jest)`);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const library = require(MAIN) as typeof import('../../lib');

function consumerStack(): { app: App; stack: Stack; vpc: ec2.Vpc } {
  const app = new App();
  const stack = new Stack(app, 'Consumer');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  return { app, stack, vpc };
}

describe('the compiled library (dist/)', () => {
  test('declares its types beside the JavaScript', () => {
    expect(existsSync(join(DIST, 'index.d.ts'))).toBe(true);
    expect(existsSync(join(DIST, 'constructs', 'inference', 'inference-service.d.ts'))).toBe(true);
  });

  test('exports the constructs, the nag packs and the Control Tower plugin', () => {
    expect(library).toEqual(expect.objectContaining({
      InferenceService: expect.any(Function),
      GpuFleet: expect.any(Function),
      UtilizationScaleIn: expect.any(Function),
      TrainingCluster: expect.any(Function),
      GpuCostChecks: expect.any(Function),
      ControlTowerChecks: expect.any(Function),
      LogsEncryptionKey: expect.any(Function),
    }));
  });

  test('still exports the scale-in under its name from before CPU fleets', () => {
    expect(library.GpuUtilizationScaleIn).toBe(library.UtilizationScaleIn);
    expect(library.GPU_UTILIZATION_SCALE_IN_DEFAULTS).toBe(library.UTILIZATION_SCALE_IN_DEFAULTS);
  });

  test('exports none of the app wiring', () => {
    expect(Object.keys(library)).not.toEqual(expect.arrayContaining(['createAiInfraApp']));
    expect(Object.keys(library)).not.toEqual(expect.arrayContaining(['AiInfraStage']));
    expect(Object.keys(library)).not.toEqual(expect.arrayContaining(['ENVIRONMENTS']));
  });

  test('an InferenceService synthesizes with its boot script and bundled agent', () => {
    const { app, stack, vpc } = consumerStack();
    new library.InferenceService(stack, 'Llama', {
      model: { name: 'llama', version: '1.0.0', image: library.InferenceImage.fromRegistry('public.ecr.aws/my-org/serving:1.0.0') },
      fleet: { instanceTypes: ['g5.xlarge'], minCapacity: 0, maxCapacity: 2 },
      maxJobDuration: Duration.minutes(10),
      scaling: { acceptableLatency: Duration.minutes(2), timePerJob: Duration.seconds(10), scaleToZeroAfterIdle: Duration.minutes(15) },
      vpc,
      modelBucket: new library.ModelBucket(stack, 'Models', {}),
      modelCache: new library.ModelCache(stack, 'Cache', { vpc, backupRetentionDays: 7, removalPolicy: RemovalPolicy.DESTROY }),
      accessLogsBucket: new s3.Bucket(stack, 'AccessLogs'),
      logRetention: RetentionDays.ONE_WEEK,
    });
    const assembly = app.synth();
    const shipped = stack.node.findAll().filter((construct): construct is Asset => construct instanceof Asset)
      .map((asset) => readFileSync(join(assembly.directory, asset.assetPath), 'utf8'));
    expect(shipped).toEqual(expect.arrayContaining([expect.stringMatching(/^#!\/usr\/bin\/env bash/), expect.stringContaining('ChangeMessageVisibility')]));
  });

  test('the idle shutdown bundles its Lambda from the compiled handler', () => {
    const { stack, vpc } = consumerStack();
    const cluster = new library.TrainingCluster(stack, 'Cluster', { vpc, maxNodes: 2 });
    const spotFleet = new library.SpotTrainingFleet(stack, 'SpotFleet', { cluster, instanceTypes: ['g5.12xlarge'] });
    new library.IdleShutdown(stack, 'IdleShutdown', {
      cluster,
      spotFleet,
      gpuUtilizationThresholdPercent: 10,
      idleDuration: Duration.minutes(30),
      logRetention: RetentionDays.ONE_WEEK,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Runtime: Match.stringLikeRegexp('^nodejs') });
  });

  test('the training runtime ships the launcher and the peer discovery from the compiled library', () => {
    const { app, stack, vpc } = consumerStack();
    const buckets = new library.TrainingBuckets(stack, 'Buckets', { removalPolicy: RemovalPolicy.RETAIN, checkpointNoncurrentVersionDays: 7 });
    const cluster = new library.TrainingCluster(stack, 'Cluster', { vpc, maxNodes: 2 });
    const runtime = new library.TrainingRuntime(stack, 'Runtime', {
      buckets,
      imageRepository: ecr.Repository.fromRepositoryName(stack, 'Repo', 'training'),
      logRetention: RetentionDays.ONE_WEEK,
    });
    runtime.bind(cluster);
    const assembly = app.synth();
    const shipped = stack.node.findAll().filter((construct): construct is Asset => construct instanceof Asset)
      .map((asset) => readFileSync(join(assembly.directory, asset.assetPath), 'utf8'));
    expect(shipped).toEqual([expect.stringContaining('train-node.sh CONFIG_FILE'), expect.stringContaining('discover-peers.sh autoscaling|fleet')]);
  });
});
