import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
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

/** The SDK clients of `region`, with the default credential chain. */
export function createJobsClients(region: string): JobsClients {
  return {
    cloudFormation: new CloudFormationClient({ region }),
    sqs: new SQSClient({ region }),
    s3: new S3Client({ region }),
    cloudWatch: new CloudWatchClient({ region }),
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

/** Reads the service's outputs of the environment's inference stack; a stack that is not deployed is a clear error. */
export async function loadJobsContext(clients: JobsClients, environment: string, service: string): Promise<JobsContext> {
  const stackName = stackNameOf(environment, STACK_IDS.inference);
  try {
    const outputs = await readServiceOutputs(clients.cloudFormation, stackName, service, JOBS_OUTPUTS);
    return { clients, queueUrl: outputs.QueueUrl, deadLetterQueueUrl: outputs.DeadLetterQueueUrl, resultsBucket: outputs.ResultsBucketName };
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      throw new Error(`stack ${stackName} is not deployed in this account and region: deploy it (npx cdk deploy ${environment}/${STACK_IDS.inference}) or pick another --env or --region`, { cause: error });
    }
    throw error;
  }
}
