import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STACK_IDS, StackId, stackNameOf } from '../../lib/stacks/stack-names';
import { readServiceOutputs } from '../smoke-check/stack-outputs';

/** The AWS clients the jobs CLI calls. */
export interface JobsClients {
  /** Reads the stack outputs of the environment's inference stack. */
  readonly cloudFormation: CloudFormationClient;
  /** Sends jobs, reads queue depths, starts redrives. */
  readonly sqs: SQSClient;
  /** Uploads large inputs, reads results, errors and attempt markers. */
  readonly s3: S3Client;
  /** Reads the age of the oldest job. */
  readonly cloudWatch: CloudWatchClient;
}

/**
 * How long the CLI waits on AWS: a connection 3 s, an answer 10 s of silence (the socket's idle
 * timeout: a large upload that keeps sending is not cut), 2 attempts per call. A Region whose
 * queue does not answer within these counts as unreachable, and a two-Region environment fails
 * over (docs/multi-region.md). The options are those of the SDK's Node.js HTTP
 * handler (`NodeHttpHandlerOptions`: connectionTimeout, socketTimeout) and its retry strategy.
 */
export interface JobsClientTimeouts {
  readonly connectionTimeoutMs: number;
  readonly socketTimeoutMs: number;
  readonly maxAttempts: number;
}

/** The timeouts of the CLI's clients. */
export const JOBS_CLIENT_TIMEOUTS: JobsClientTimeouts = { connectionTimeoutMs: 3_000, socketTimeoutMs: 10_000, maxAttempts: 2 };

/** The SDK client config of `region` with `timeouts`, which every client of the CLI shares. */
export function jobsClientConfig(region: string, timeouts: JobsClientTimeouts = JOBS_CLIENT_TIMEOUTS) {
  return {
    region,
    maxAttempts: timeouts.maxAttempts,
    requestHandler: { connectionTimeout: timeouts.connectionTimeoutMs, socketTimeout: timeouts.socketTimeoutMs },
  };
}

/** The SDK clients of `region`, with the default credential chain and `timeouts`. */
export function createJobsClients(region: string, timeouts: JobsClientTimeouts = JOBS_CLIENT_TIMEOUTS): JobsClients {
  const config = jobsClientConfig(region, timeouts);
  return {
    cloudFormation: new CloudFormationClient(config),
    sqs: new SQSClient(config),
    s3: new S3Client(config),
    cloudWatch: new CloudWatchClient(config),
  };
}

/** Outputs of a service in the environment's inference stack (`<env>-AiInference`) the CLI reads. */
export const JOBS_OUTPUTS = ['QueueUrl', 'DeadLetterQueueUrl', 'ResultsBucketName'] as const;

/** One service's job queue and results bucket, and the clients to reach them. */
export interface JobsContext {
  readonly clients: Pick<JobsClients, 'sqs' | 's3'>;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly resultsBucket: string;
}

/**
 * Reads the service's outputs of the environment's inference stack `stackId` (the primary's,
 * `<env>-AiInference`, unless told otherwise); a stack that is not deployed is a clear error.
 */
export async function loadJobsContext(clients: JobsClients, environment: string, service: string, stackId: StackId = STACK_IDS.inference): Promise<JobsContext> {
  const stackName = stackNameOf(environment, stackId);
  try {
    const outputs = await readServiceOutputs(clients.cloudFormation, stackName, service, JOBS_OUTPUTS);
    return { clients, queueUrl: outputs.QueueUrl, deadLetterQueueUrl: outputs.DeadLetterQueueUrl, resultsBucket: outputs.ResultsBucketName };
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      throw new Error(`stack ${stackName} is not deployed in this account and region: deploy it (npx cdk deploy ${environment}/${stackId}) or pick another --env or --region`, { cause: error });
    }
    throw error;
  }
}
