import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { ModifyFleetCommand } from '@aws-sdk/client-ec2';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { dev } from '../../lib/config/dev';
import { runRecordFile } from '../../lib/runtime/training/launcher-files';
import { EXIT_FAILED, EXIT_OK, runTrain } from '../../scripts/train/cli';
import {
  ARTIFACTS, CHECKPOINTS, DATASETS, DEFAULT_IMAGE, DEFAULT_SAGEMAKER_IMAGE, FLEET, GROUP, ROLE, autoScaling, clients, ec2, ecr, objects, resetWorld, sageMaker, setEc2Quotas, testIo, text,
} from './train-fixtures';

// These tests run tar and bash; a busy machine makes them slow, never wrong.
jest.setTimeout(60_000);

beforeEach(resetWorld);

const run = (argv: string[], io = testIo()) => runTrain(argv, io, () => clients()).then((code) => ({ code, io }));
const ECR_IMAGE = `123456789012.dkr.ecr.eu-central-1.amazonaws.com/${dev.sageMaker.trainingImageRepositoryName}:v7`;

function codeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'train-code-'));
  writeFileSync(join(dir, 'train.py'), 'print("train")\n');
  mkdirSync(join(dir, 'lib'));
  writeFileSync(join(dir, 'lib', 'util.py'), '');
  return dir;
}

function filesOfArchive(bucket: string, key: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'archive-'));
  writeFileSync(join(dir, 'a.tar.gz'), objects.get(`${bucket}/${key}`) ?? Buffer.alloc(0));
  return spawnSync('tar', ['-tzf', join(dir, 'a.tar.gz')], { encoding: 'utf8' }).stdout.split('\n').filter((f) => f && !f.endsWith('/')).sort();
}

describe('start --on cluster', () => {
  test('uploads the code, records the run, makes it the cluster\'s active run, then sets the desired capacity', async () => {
    const { code, io } = await run(['start', '--env', 'dev', '--on', 'cluster', '--nodes', '2', '--run', 'llm-1', '--code', codeDir(), '--data', 'datasets/sentiment']);
    expect(code).toBe(EXIT_OK);
    expect(io.out).toEqual(['llm-1']);
    expect(filesOfArchive(ARTIFACTS, 'training-code/llm-1/sourcedir.tar.gz')).toEqual(['./lib/util.py', './train.py']);
    const record = JSON.parse(text(ARTIFACTS, 'training-runs/llm-1/run.json') ?? '{}');
    expect(record).toEqual(expect.objectContaining({
      runId: 'llm-1', target: 'cluster', image: DEFAULT_IMAGE, nodes: 2, maxRuntimeSeconds: 86_400, maxAttempts: 3,
      codeUri: `s3://${ARTIFACTS}/training-code/llm-1/sourcedir.tar.gz`,
      dataUri: `s3://${DATASETS}/datasets/sentiment/`,
      checkpointUri: `s3://${CHECKPOINTS}/checkpoints/llm-1/`,
      outputUri: `s3://${ARTIFACTS}/training-output/llm-1/output/model.tar.gz`,
      capacity: { kind: 'autoscaling', id: GROUP, metricGroupName: GROUP },
    }));
    expect(text(ARTIFACTS, 'training-runs/active/cluster.env')).toBe(runRecordFile(record));
    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)[0].args[0].input).toEqual({ AutoScalingGroupName: GROUP, DesiredCapacity: 2, HonorCooldown: false });
  });

  test('the default command runs torchrun over every GPU of every node with the c10d rendezvous', async () => {
    await run(['start', '--env', 'dev', '--on', 'cluster', '--run', 'r1']);
    expect(JSON.parse(text(ARTIFACTS, 'training-runs/r1/run.json') ?? '{}').command)
      .toBe('exec torchrun --nnodes="$NNODES" --nproc-per-node="$NPROC_PER_NODE" --rdzv-id="$RUN_ID" --rdzv-backend=c10d --rdzv-endpoint="$RDZV_ENDPOINT" train.py');
  });

  test('the default run name is the environment and the time', async () => {
    const { io } = await run(['start', '--env', 'dev', '--on', 'cluster']);
    expect(io.out).toEqual(['dev-20260501-120000']);
  });

  test('refuses more nodes than the group\'s MaxSize, naming the config field', async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, DesiredCapacity: 0, MaxSize: 1, MinSize: 0, Instances: [] } as never] });
    const { code, io } = await run(['start', '--env', 'dev', '--on', 'cluster', '--nodes', '2']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toBe('train: --nodes (2) exceeds the cluster\'s MaxSize (1): raise training.cluster.maxNodes in lib/config/dev.ts and deploy');
    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)).toHaveLength(0);
  });

  test('refuses while another run holds the cluster, naming the stop command', async () => {
    await run(['start', '--env', 'dev', '--on', 'cluster', '--run', 'first']);
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, DesiredCapacity: 1, MaxSize: 2, MinSize: 0, Instances: [] } as never] });
    const { code, io } = await run(['start', '--env', 'dev', '--on', 'cluster', '--run', 'second']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toBe('train: the cluster runs first on 1 instance(s): stop it first (npm run train -- stop first --env dev)');
  });

  test('refuses a run the on-demand vCPU quota cannot hold, with the quota and the increase to request', async () => {
    setEc2Quotas({ 'L-DB2E81BA': 64, 'L-3819A6DF': 192 });
    const { code, io } = await run(['start', '--env', 'dev', '--on', 'cluster', '--nodes', '2']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toBe(`train: the on-demand vCPU quota "Running On-Demand G and VT instances" is 64 in eu-central-1, and 2 x ${dev.training.cluster.instanceType} need 96: `
      + 'request an increase (aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-DB2E81BA --desired-value 96 --region eu-central-1) or start fewer --nodes');
  });

  test('starting a stopped run again under its name resumes it: the stop request is withdrawn', async () => {
    await run(['start', '--env', 'dev', '--on', 'cluster', '--run', 'again']);
    objects.set(`${ARTIFACTS}/training-runs/again/stop`, Buffer.alloc(0));
    const { code, io } = await run(['start', '--env', 'dev', '--on', 'cluster', '--run', 'again']);
    expect(code).toBe(EXIT_OK);
    expect(objects.has(`${ARTIFACTS}/training-runs/again/stop`)).toBe(false);
    expect(io.err[0]).toMatch(/^resumed again on the cluster/);
  });

  test('refuses to start a completed run again', async () => {
    await run(['start', '--env', 'dev', '--on', 'cluster', '--run', 'done']);
    objects.set(`${ARTIFACTS}/training-output/done/output/model.tar.gz`, Buffer.from('model'));
    const { code, io } = await run(['start', '--env', 'dev', '--on', 'cluster', '--run', 'done']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toMatch(/^train: run done has completed \(s3:\/\/dev-artifacts\/training-output\/done\/output\/model.tar.gz\): publish it/);
  });
});

describe('start --on spot', () => {
  test('sets the fleet\'s target capacity, with the fleet as the run\'s capacity', async () => {
    const { code } = await run(['start', '--env', 'dev', '--run', 's1', '--nodes', '2']);
    expect(code).toBe(EXIT_OK);
    expect(ec2.commandCalls(ModifyFleetCommand)[0].args[0].input).toEqual({ FleetId: FLEET, TargetCapacitySpecification: { TotalTargetCapacity: 2 } });
    expect(JSON.parse(text(ARTIFACTS, 'training-runs/s1/run.json') ?? '{}').capacity).toEqual({ kind: 'fleet', id: FLEET, metricGroupName: GROUP });
    expect(text(ARTIFACTS, 'training-runs/active/spot.env')).toContain("CAPACITY_KIND='fleet'");
  });

  test('checks the spot quota of the fleet\'s types: one type that fits is enough', async () => {
    setEc2Quotas({ 'L-DB2E81BA': 192, 'L-3819A6DF': 0 });
    const { code, io } = await run(['start', '--env', 'dev']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toMatch(/the spot vCPU quota "All G and VT Spot Instance Requests" is 0 in eu-central-1/);
  });
});

describe('start: images and data', () => {
  test('an image of the teams\' repository is checked in ECR and must exist', async () => {
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('image not found'), { name: 'ImageNotFoundException' }));
    const { code, io } = await run(['start', '--env', 'dev', '--image', ECR_IMAGE]);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toBe(`train: --image ${ECR_IMAGE} is not in ${dev.sageMaker.trainingImageRepositoryName}: push it first (docker push ${ECR_IMAGE})`);
    expect(ecr.commandCalls(DescribeImagesCommand)[0].args[0].input).toEqual({ registryId: '123456789012', repositoryName: dev.sageMaker.trainingImageRepositoryName, imageIds: [{ imageTag: 'v7' }] });
  });

  test('a missing repository says how to create it', async () => {
    ecr.on(DescribeImagesCommand).rejects(Object.assign(new Error('no repo'), { name: 'RepositoryNotFoundException' }));
    const { io } = await run(['start', '--env', 'dev', '--image', ECR_IMAGE]);
    expect(io.err[0]).toContain(`create it (aws ecr create-repository --repository-name ${dev.sageMaker.trainingImageRepositoryName})`);
  });

  test('an image the roles may not pull is refused before anything starts', async () => {
    const { code, io } = await run(['start', '--env', 'dev', '--image', 'docker.io/someone/train:1']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toMatch(/--image docker\.io\/someone\/train:1 cannot be pulled by the training roles: they pull the default image and the ECR repository/);
    expect(ec2.commandCalls(ModifyFleetCommand)).toHaveLength(0);
  });

  test('data in another bucket is refused: the roles read the dataset bucket only', async () => {
    const { code, io } = await run(['start', '--env', 'dev', '--data', 's3://other-bucket/datasets/x/']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toMatch(/--data \(s3:\/\/other-bucket\/datasets\/x\/\) is not in the dataset bucket dev-datasets/);
  });
});

describe('start --on sagemaker', () => {
  test('creates a training job with the contract\'s entry point, the code and data channels, managed spot and checkpoints, and the cost tags', async () => {
    sageMaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn:job' });
    const { code } = await run(['start', '--env', 'dev', '--on', 'sagemaker', '--run', 'sm-1', '--nodes', '2', '--code', codeDir(), '--data', 'datasets/sentiment/', '--command', 'exec python train.py']);
    expect(code).toBe(EXIT_OK);
    expect(sageMaker.commandCalls(CreateTrainingJobCommand)[0].args[0].input).toEqual({
      TrainingJobName: 'sm-1',
      RoleArn: ROLE,
      AlgorithmSpecification: { TrainingImage: DEFAULT_SAGEMAKER_IMAGE, TrainingInputMode: 'File', ContainerEntrypoint: ['bash', '/opt/ml/input/data/code/sagemaker-entry.sh'] },
      Environment: { TRAINING_COMMAND: 'exec python train.py', RUN_ID: 'sm-1' },
      InputDataConfig: [
        { ChannelName: 'code', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${ARTIFACTS}/training-code/sm-1/`, S3DataDistributionType: 'FullyReplicated' } } },
        { ChannelName: 'training', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${DATASETS}/datasets/sentiment/`, S3DataDistributionType: 'FullyReplicated' } } },
      ],
      OutputDataConfig: { S3OutputPath: `s3://${ARTIFACTS}/training-output/` },
      ResourceConfig: { InstanceType: 'ml.g5.12xlarge', InstanceCount: 2, VolumeSizeInGB: 100 },
      StoppingCondition: { MaxRuntimeInSeconds: 86_400, MaxWaitTimeInSeconds: 172_800 },
      EnableManagedSpotTraining: true,
      CheckpointConfig: { S3Uri: `s3://${CHECKPOINTS}/checkpoints/sm-1/`, LocalPath: '/opt/ml/checkpoints' },
      Tags: [
        { Key: 'environment', Value: 'dev' }, { Key: 'team', Value: dev.tags.team }, { Key: 'cost_center', Value: dev.tags.costCenter }, { Key: 'project', Value: dev.tags.project },
      ],
    });
    expect(text(ARTIFACTS, 'training-code/sm-1/sagemaker-entry.sh')).toBe(readFileSync(join(__dirname, '../../lib/runtime/training/sagemaker-entry.sh'), 'utf8'));
    expect(objects.has(`${ARTIFACTS}/training-runs/active/sagemaker.env`)).toBe(false);
  });

  test('--on-demand runs without managed spot and without a wait time', async () => {
    sageMaker.on(CreateTrainingJobCommand).resolves({});
    await run(['start', '--env', 'dev', '--on', 'sagemaker', '--on-demand', '--instance-type', 'ml.p3.8xlarge', '--max-runtime', '3600']);
    expect(sageMaker.commandCalls(CreateTrainingJobCommand)[0].args[0].input).toEqual(expect.objectContaining({
      EnableManagedSpotTraining: false,
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      ResourceConfig: { InstanceType: 'ml.p3.8xlarge', InstanceCount: 1, VolumeSizeInGB: 100 },
    }));
  });

  test('SageMaker\'s quota error names the quota and the fix', async () => {
    sageMaker.on(CreateTrainingJobCommand).rejects(Object.assign(
      new Error("The account-level service limit 'ml.g5.12xlarge for spot training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances."),
      { name: 'ResourceLimitExceeded' },
    ));
    const { code, io } = await run(['start', '--env', 'dev', '--on', 'sagemaker']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toMatch(/'ml\.g5\.12xlarge for spot training job usage' is 0 Instances.*: request an increase of that quota in Service Quotas \(service SageMaker, eu-central-1\)/);
  });
});
