import { Readable } from 'node:stream';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeFleetsCommand, DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import {
  DeleteObjectCommand, GetObjectCommand, GetObjectCommandOutput, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetServiceQuotaCommand, ListAWSDefaultServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { TrainIo } from '../../scripts/train/cli';
import { TrainClients } from '../../scripts/train/context';

export const ARTIFACTS = 'dev-artifacts';
export const CHECKPOINTS = 'dev-checkpoints';
export const DATASETS = 'dev-datasets';
export const MODELS = 'dev-models';
export const GROUP = 'dev-Training-ClusterGroup';
export const FLEET = 'fleet-0a1b2c';
export const DEFAULT_IMAGE = '763104351884.dkr.ecr.eu-central-1.amazonaws.com/pytorch-training:2.6.0-gpu-py312-cu126-ubuntu22.04-ec2';
export const DEFAULT_SAGEMAKER_IMAGE = '763104351884.dkr.ecr.eu-central-1.amazonaws.com/pytorch-training:2.6.0-gpu-py312-cu126-ubuntu22.04-sagemaker';
export const ROLE = 'arn:aws:iam::123456789012:role/dev-Training-SageMakerExecutionRole';

export const cloudFormation = mockClient(CloudFormationClient);
export const s3 = mockClient(S3Client);
export const autoScaling = mockClient(AutoScalingClient);
export const ec2 = mockClient(EC2Client);
export const ecr = mockClient(ECRClient);
export const serviceQuotas = mockClient(ServiceQuotasClient);
export const sageMaker = mockClient(SageMakerClient);
export const logs = mockClient(CloudWatchLogsClient);

/** The fake S3: `bucket/key` to body. */
export const objects = new Map<string, Buffer>();

export function clients(): TrainClients {
  return {
    cloudFormation: new CloudFormationClient({}), s3: new S3Client({}), autoScaling: new AutoScalingClient({}), ec2: new EC2Client({}),
    ecr: new ECRClient({}), serviceQuotas: new ServiceQuotasClient({}), sageMaker: new SageMakerClient({}), logs: new CloudWatchLogsClient({}),
  };
}

function notFound(name: 'NoSuchKey' | 'NotFound'): S3ServiceException {
  return new S3ServiceException({ name, message: name, $fault: 'client', $metadata: { httpStatusCode: 404 } });
}

function stack(name: string, outputs: Record<string, string>) {
  cloudFormation.on(DescribeStacksCommand, { StackName: name }).resolves({
    Stacks: [{ StackName: name, CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
  });
}

/**
 * Fresh mocks: dev's training and inference stacks deployed; S3 as an in-memory store with
 * S3's answers (404 NoSuchKey / NotFound for missing keys, 412 for If-None-Match on an existing
 * key); the cluster at 0 of MaxSize 2, the fleet at 0; quotas of 192 vCPUs; g5.12xlarge has 48.
 */
export function resetWorld(): void {
  for (const mock of [cloudFormation, s3, autoScaling, ec2, ecr, serviceQuotas, sageMaker, logs]) mock.reset();
  objects.clear();
  stack('dev-Training', {
    CheckpointBucketName: CHECKPOINTS, DatasetBucketName: DATASETS, ArtifactBucketName: ARTIFACTS, ClusterAutoScalingGroupName: GROUP, SpotFleetId: FLEET,
    ExecutionRoleArn: ROLE, TrainingLogGroupName: 'dev-Training-RuntimeLogs', DefaultTrainingImage: DEFAULT_IMAGE, DefaultSageMakerTrainingImage: DEFAULT_SAGEMAKER_IMAGE,
  });
  stack('dev-AiInference', { ModelBucketName: MODELS });
  s3.on(PutObjectCommand).callsFake(async (input: { Bucket: string; Key: string; Body: unknown; IfNoneMatch?: string }) => {
    const path = `${input.Bucket}/${input.Key}`;
    if (input.IfNoneMatch === '*' && objects.has(path)) {
      throw new S3ServiceException({ name: 'PreconditionFailed', message: 'At least one of the pre-conditions you specified did not hold', $fault: 'client', $metadata: { httpStatusCode: 412 } });
    }
    const body = input.Body;
    if (body instanceof Readable) {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      objects.set(path, Buffer.concat(chunks));
    } else objects.set(path, Buffer.from(body as string | Buffer));
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const body = objects.get(`${input.Bucket}/${input.Key}`);
    if (body === undefined) throw notFound('NoSuchKey');
    const stream = Readable.from([body]) as Readable & { transformToString: () => Promise<string> };
    stream.transformToString = async () => body.toString('utf8');
    return { Body: stream as unknown as GetObjectCommandOutput['Body'] };
  });
  s3.on(HeadObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    if (!objects.has(`${input.Bucket}/${input.Key}`)) throw notFound('NotFound');
    return {};
  });
  s3.on(DeleteObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    objects.delete(`${input.Bucket}/${input.Key}`);
    return {};
  });
  s3.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix: string }) => ({
    Contents: [...objects.keys()].filter((path) => path.startsWith(`${input.Bucket}/${input.Prefix}`)).map((path) => ({ Key: path.slice(input.Bucket.length + 1) })),
  }));
  autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: GROUP, DesiredCapacity: 0, MinSize: 0, MaxSize: 2, Instances: [] } as never] });
  autoScaling.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
  ec2.on(DescribeFleetsCommand).resolves({ Fleets: [{ FleetId: FLEET, TargetCapacitySpecification: { TotalTargetCapacity: 0 }, FulfilledCapacity: 0 } as never] });
  ec2.on(DescribeInstanceTypesCommand).callsFake((input: { InstanceTypes: string[] }) => ({
    InstanceTypes: input.InstanceTypes.map((type) => ({ InstanceType: type, VCpuInfo: { DefaultVCpus: 48 } })),
  }));
  setEc2Quotas({ 'L-DB2E81BA': 192, 'L-3819A6DF': 192 });
}

/** EC2's GPU vCPU quotas (ListAWSDefaultServiceQuotas names them with a default of 0; GetServiceQuota answers `applied`). */
export function setEc2Quotas(applied: Record<string, number>): void {
  const quotas = [
    ['L-DB2E81BA', 'Running On-Demand G and VT instances'],
    ['L-3819A6DF', 'All G and VT Spot Instance Requests'],
    ['L-417A185B', 'Running On-Demand P instances'],
    ['L-7212CCBC', 'All P4, P3 and P2 Spot Instance Requests'],
  ];
  serviceQuotas.on(ListAWSDefaultServiceQuotasCommand, { ServiceCode: 'ec2' }).resolves({
    Quotas: quotas.map(([QuotaCode, QuotaName]) => ({ ServiceCode: 'ec2', QuotaCode, QuotaName, Value: 0 })),
  });
  for (const [QuotaCode, QuotaName] of quotas) {
    serviceQuotas.on(GetServiceQuotaCommand, { ServiceCode: 'ec2', QuotaCode }).resolves({ Quota: { ServiceCode: 'ec2', QuotaCode, QuotaName, Value: applied[QuotaCode] ?? 0 } });
  }
}

/** The object at `bucket/key` as text. */
export function text(bucket: string, key: string): string | undefined {
  return objects.get(`${bucket}/${key}`)?.toString('utf8');
}

/** Recorded output of one CLI run, on a clock that moves only when the CLI sleeps. */
export function testIo(overrides: Partial<TrainIo> = {}): TrainIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  let clock = Date.parse('2026-05-01T12:00:00Z');
  return {
    out, err,
    env: { AWS_REGION: 'eu-central-1' },
    print: (line) => out.push(line),
    printError: (line) => err.push(line),
    sleep: async (ms) => { clock += ms; },
    now: () => new Date(clock),
    ...overrides,
  };
}
