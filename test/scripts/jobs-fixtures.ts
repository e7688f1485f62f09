import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { ENVIRONMENTS, inferenceServicesOf } from '../../lib/config';
import { serviceOutputKey } from '../../lib/stacks/service-names';
import { JobsIo } from '../../scripts/jobs/cli';
import { JobsClients, JobsContext } from '../../scripts/jobs/context';

/** The environment the CLI runs against: the first of ENVIRONMENTS, whichever that is. */
export const ENV = ENVIRONMENTS[0].name;
/** Its first inference service. */
export const SERVICE = inferenceServicesOf(ENVIRONMENTS[0])[0][0];
export const QUEUE = `https://sqs.eu-central-1.amazonaws.com/123456789012/${ENV}-jobs`;
export const DLQ = `https://sqs.eu-central-1.amazonaws.com/123456789012/${ENV}-jobs-dlq`;
export const BUCKET = `${ENV}-job-results`;

export const sqs = mockClient(SQSClient);
export const s3 = mockClient(S3Client);
export const cloudFormation = mockClient(CloudFormationClient);
export const cloudWatch = mockClient(CloudWatchClient);

export function resetMocks(): void {
  [sqs, s3, cloudFormation, cloudWatch].forEach((mock) => mock.reset());
}

export function clients(): JobsClients {
  return { sqs: new SQSClient({}), s3: new S3Client({}), cloudFormation: new CloudFormationClient({}), cloudWatch: new CloudWatchClient({}) };
}

export function context(): JobsContext {
  return { clients: clients(), queueUrl: QUEUE, deadLetterQueueUrl: DLQ, resultsBucket: BUCKET };
}

/** The deployed `<ENV>-AiInference` stack, with the outputs the CLI reads of each of `services`. */
export function deployedStack(services: readonly string[] = [SERVICE]): void {
  cloudFormation.on(DescribeStacksCommand, { StackName: `${ENV}-AiInference` }).resolves({
    Stacks: [{
      StackName: `${ENV}-AiInference`, CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE',
      Outputs: services.flatMap((service) => [
        { OutputKey: serviceOutputKey(service, 'QueueUrl'), OutputValue: QUEUE },
        { OutputKey: serviceOutputKey(service, 'DeadLetterQueueUrl'), OutputValue: DLQ },
        { OutputKey: serviceOutputKey(service, 'ResultsBucketName'), OutputValue: BUCKET },
      ]),
    }],
  });
}

/** An S3 error as the SDK raises it. */
export function s3Error(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, message: name, $fault: 'client', $metadata: { httpStatusCode } });
}

/** An S3 error as the SDK raises it for a missing key. */
export function notFound(name = 'NoSuchKey'): S3ServiceException {
  return s3Error(name, 404);
}

/** Recorded output and canned input of one CLI run. */
export function testIo(overrides: Partial<JobsIo> = {}): JobsIo & { out: string[]; err: string[]; written: Map<string, Uint8Array> } {
  const out: string[] = [];
  const err: string[] = [];
  const written = new Map<string, Uint8Array>();
  let clock = Date.parse('2026-05-01T12:00:00Z');
  return {
    out, err, written,
    env: { AWS_REGION: 'eu-central-1' },
    print: (line) => out.push(line),
    printError: (line) => err.push(line),
    readFile: async (path) => Buffer.from(`contents of ${path}`),
    readStdin: async () => Buffer.from('{"text":"from stdin"}'),
    writeFile: async (path, body) => { written.set(path, body); },
    confirm: async () => false,
    sleep: async (ms) => { clock += ms; },
    now: () => new Date(clock),
    ...overrides,
  };
}
