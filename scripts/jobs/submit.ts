import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { JobEnvelope, createJobEnvelope, inlineInput } from '../../lib/runtime/inference/job-envelope';
import { inputKey, s3Uri } from '../../lib/runtime/inference/job-keys';
import { JobsContext } from './context';

/**
 * Largest input the CLI sends: S3's limit for one PutObject (5 GiB) is above what Node.js
 * reads into one buffer, so the buffer limit (2 GiB) decides.
 */
export const MAX_INPUT_BYTES = 2 * 1024 ** 3 - 1;

/** What to submit. */
export interface Submission {
  /** The request body. */
  readonly body: Buffer;
  /** Where it came from, for messages (`stdin` or the file's path). */
  readonly source: string;
  readonly contentType: string;
  /** @default - a generated UUID */
  readonly jobId?: string;
  /** @default - none */
  readonly accept?: string;
  /** @default - the result is results/<jobId> */
  readonly outputPrefix?: string;
}

/** A submitted job: its envelope and how its input travelled. */
export interface Submitted {
  readonly envelope: JobEnvelope;
  readonly inputLocation: 'inline' | string;
}

/**
 * Sends one job. The input goes inline when the whole envelope fits the queue's
 * MaximumMessageSize; otherwise it is uploaded to `inputs/<jobId>` and the envelope
 * carries its S3 URI, as SageMaker Asynchronous Inference takes an input location.
 */
export async function submitJob(context: JobsContext, submission: Submission): Promise<Submitted> {
  if (submission.body.length > MAX_INPUT_BYTES) {
    throw new Error(`${submission.source} is ${submission.body.length} bytes: the jobs CLI sends at most ${MAX_INPUT_BYTES} bytes (2 GiB); split the input`);
  }
  const { sqs, s3 } = context.clients;
  const { Attributes: attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: context.queueUrl, AttributeNames: ['MaximumMessageSize'] }));
  const limit = Number(attributes?.MaximumMessageSize);
  if (!(limit > 0)) throw new Error(`queue ${context.queueUrl} did not report its MaximumMessageSize`);
  const fields = { jobId: submission.jobId, contentType: submission.contentType, accept: submission.accept, outputPrefix: submission.outputPrefix };
  let envelope = createJobEnvelope({ ...fields, input: inlineInput(submission.body) });
  let inputLocation = 'inline';
  if (Buffer.byteLength(JSON.stringify(envelope)) > limit) {
    const key = inputKey(envelope.jobId);
    await s3.send(new PutObjectCommand({ Bucket: context.resultsBucket, Key: key, Body: submission.body, ContentType: submission.contentType }));
    inputLocation = s3Uri(context.resultsBucket, key);
    envelope = { ...envelope, input: { s3Uri: inputLocation } };
  }
  await sqs.send(new SendMessageCommand({ QueueUrl: context.queueUrl, MessageBody: JSON.stringify(envelope) }));
  return { envelope, inputLocation };
}
