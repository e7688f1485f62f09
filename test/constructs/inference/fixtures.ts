import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { GpuFleet, GpuFleetProps } from '../../../lib/constructs/inference/gpu-fleet';
import { InferenceImage } from '../../../lib/constructs/inference/inference-image';
import { ArchiveModel, InferenceModel } from '../../../lib/constructs/inference/inference-runtime';
import { InferenceService, InferenceServiceProps, InferenceServiceSettings } from '../../../lib/constructs/inference/inference-service';
import { JobQueue } from '../../../lib/constructs/inference/job-queue';
import { ModelBucket } from '../../../lib/constructs/inference/model-bucket';
import { ModelCache } from '../../../lib/constructs/inference/model-cache';

/** A bare stack for one construct under test. */
export function bareStack(): Stack {
  return new Stack(new App(), 'Test');
}

/** A bare stack with a VPC, what the fleet-side constructs need. */
export function networkStack(): { stack: Stack; vpc: ec2.Vpc } {
  const stack = bareStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  return { stack, vpc };
}

/** Props of a valid GPU fleet in the VPC, to spread and override. */
export function fleetProps(vpc: ec2.IVpc): GpuFleetProps {
  return {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    instanceTypes: ['g5.xlarge', 'g4dn.xlarge'],
    minCapacity: 0,
    maxCapacity: 4,
    onDemandBaseCapacity: 1,
    onDemandPercentageAboveBaseCapacity: 20,
    modelVersion: '1.0.0',
    instanceWarmup: Duration.minutes(5),
    maxJobDuration: Duration.minutes(10),
  };
}

/** A valid GPU fleet and a queue, for the scaling constructs. */
export function fleetAndQueue(overrides: Partial<GpuFleetProps> = {}): { stack: Stack; fleet: GpuFleet; queue: sqs.Queue } {
  const { stack, vpc } = networkStack();
  const fleet = new GpuFleet(stack, 'Fleet', { ...fleetProps(vpc), ...overrides });
  const queue = new sqs.Queue(stack, 'Queue');
  return { stack, fleet, queue };
}

/** A valid model served from a public registry image. */
export function model(overrides: Partial<ArchiveModel> = {}): InferenceModel {
  return { name: 'llama', version: '1.0.0', image: InferenceImage.fromRegistry('public.ecr.aws/my-org/serving:1.0.0'), ...overrides };
}

/** The shared resources an inference runtime or service uses. */
export interface ServiceResources {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly modelBucket: ModelBucket;
  readonly modelCache: ModelCache;
  readonly logGroup: logs.LogGroup;
  readonly jobs: JobQueue;
}

export function serviceResources(): ServiceResources {
  const { stack, vpc } = networkStack();
  return {
    stack,
    vpc,
    modelBucket: new ModelBucket(stack, 'Models', {}),
    modelCache: new ModelCache(stack, 'Cache', { vpc, backupRetentionDays: 7, removalPolicy: RemovalPolicy.DESTROY }),
    logGroup: new logs.LogGroup(stack, 'Logs'),
    jobs: new JobQueue(stack, 'Jobs', { maxJobDuration: Duration.minutes(10) }),
  };
}

/** Valid settings of one inference service: a backlog target of 12 jobs (2 minutes / 10 s). */
export function settings(overrides: Partial<InferenceServiceSettings> = {}): InferenceServiceSettings {
  return {
    model: model(),
    fleet: { instanceTypes: ['g5.xlarge', 'g4dn.xlarge'], minCapacity: 1, maxCapacity: 4 },
    maxJobDuration: Duration.minutes(10),
    scaling: { acceptableLatency: Duration.minutes(2), timePerJob: Duration.seconds(10), scaleToZeroAfterIdle: Duration.minutes(15) },
    ...overrides,
  };
}

/** An inference service `id` on the shared resources, with `settings()` unless overridden. */
export function service(resources: ServiceResources, id: string, overrides: Partial<InferenceServiceProps> = {}): InferenceService {
  const { stack, vpc, modelBucket, modelCache } = resources;
  const accessLogsBucket = (stack.node.tryFindChild('AccessLogs') as s3.Bucket | undefined) ?? new s3.Bucket(stack, 'AccessLogs');
  return new InferenceService(stack, id, {
    ...settings(),
    vpc,
    modelBucket,
    modelCache,
    accessLogsBucket,
    logRetention: logs.RetentionDays.ONE_WEEK,
    ...overrides,
  });
}
