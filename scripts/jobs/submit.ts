import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { JobEnvelope, MAX_INLINE_INPUT_CHARS, NewJob, createJobEnvelope, inlineInput } from '../../lib/runtime/inference/job-envelope';
import { inputKey, resultKey, s3Uri, submissionKey } from '../../lib/runtime/inference/job-keys';
import { JobsContext } from './context';

/**
 * Largest input the CLI sends: S3's limit for one PutObject (5 GiB) is above what Node.js
 * reads into one buffer, so the buffer limit (2 GiB) decides.
 */
export const MAX_INPUT_BYTES = 2 * 1024 ** 3 - 1;

/** What to submit. */
export interface Submission extends Omit<NewJob, 'input'> {
  /** The request body. */
  readonly body: Buffer;
  /** Where it came from, for messages (`stdin` or the file's path). */
  readonly source: string;
}

/** A submitted job: its envelope, where its input went and where its result will be. */
export interface Submitted {
  readonly envelope: JobEnvelope;
  /** `s3://` location of the input, when it was too large to travel inline. @default - inline */
  readonly inputUri?: string;
  /** `s3://` location the result will be written to. */
  readonly resultUri: string;
}

/** A job id whose submission record exists: it was submitted before. */
export class AlreadySubmittedError extends Error {}

/** A job ready to be recorded and sent to one Region's queue: its envelope and where its input goes. */
export interface PreparedJob {
  readonly envelope: JobEnvelope;
  readonly body: Buffer;
  /** `s3://` location of the input, when it is too large to travel inline. @default - inline */
  readonly inputUri?: string;
}

/**
 * The job's envelope for this context's queue and bucket, submitted `now` (a job moved to
 * another Region keeps its id and submission time, so its time-to-live counts from the first).
 * The input goes inline when it is within MAX_INLINE_INPUT_CHARS and the whole envelope fits the
 * queue's MaximumMessageSize (read with GetQueueAttributes); otherwise it goes to
 * `inputs/<jobId>/input` and the envelope carries its S3 URI, as SageMaker Asynchronous Inference
 * takes an input location.
 */
export async function prepareJob(context: JobsContext, submission: Submission, now: Date = new Date()): Promise<PreparedJob> {
  const { body, source, ...job } = submission;
  if (body.length > MAX_INPUT_BYTES) {
    throw new Error(`${source} is ${body.length} bytes: the jobs CLI sends at most ${MAX_INPUT_BYTES} bytes (2 GiB); split the input`);
  }
  const { Attributes: attributes } = await context.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: context.queueUrl, AttributeNames: ['MaximumMessageSize'] }));
  const limit = Number(attributes?.MaximumMessageSize);
  if (!(limit > 0)) throw new Error(`queue ${context.queueUrl} did not report its MaximumMessageSize`);
  const inline = inlineInput(body);
  const envelope = createJobEnvelope({ ...job, input: inline.inline.length <= MAX_INLINE_INPUT_CHARS ? inline : { inline: '' } }, now);
  const travelsInline = inline.inline.length <= MAX_INLINE_INPUT_CHARS && Buffer.byteLength(JSON.stringify(envelope)) <= limit;
  if (travelsInline) return { envelope, body };
  const inputUri = s3Uri(context.resultsBucket, inputKey(envelope.jobId));
  return { envelope: { ...envelope, input: { s3Uri: inputUri } }, body, inputUri };
}

/**
 * Writes the job's folder `inputs/<jobId>/`: its submission record, once, so that `jobs get`
 * knows the job before an instance takes it (a job id already submitted is refused:
 * AlreadySubmittedError), then the input where it does not travel inline. Nothing is sent yet.
 */
export async function recordJob(context: JobsContext, job: PreparedJob): Promise<void> {
  await recordSubmission(context, job.envelope);
  if (job.inputUri) {
    await context.clients.s3.send(new PutObjectCommand({ Bucket: context.resultsBucket, Key: inputKey(job.envelope.jobId), Body: job.body, ContentType: job.envelope.contentType }));
  }
}

/** Sends the recorded job to the queue; returns where it stands. */
export async function sendJob(context: JobsContext, job: PreparedJob): Promise<Submitted> {
  await context.clients.sqs.send(new SendMessageCommand({ QueueUrl: context.queueUrl, MessageBody: JSON.stringify(job.envelope) }));
  return { envelope: job.envelope, inputUri: job.inputUri, resultUri: s3Uri(context.resultsBucket, resultKey(job.envelope.jobId, job.envelope.outputPrefix)) };
}

/** Sends one job to one Region: prepared, recorded, then sent (see prepareJob, recordJob). */
export async function submitJob(context: JobsContext, submission: Submission): Promise<Submitted> {
  const job = await prepareJob(context, submission);
  await recordJob(context, job);
  return sendJob(context, job);
}

/**
 * Writes the job's submission record once: S3 answers 412 to a write with If-None-Match whose
 * key exists (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
async function recordSubmission(context: JobsContext, envelope: JobEnvelope): Promise<void> {
  const key = submissionKey(envelope.jobId);
  try {
    await context.clients.s3.send(new PutObjectCommand({
      Bucket: context.resultsBucket, Key: key, Body: JSON.stringify(envelope), ContentType: 'application/json', IfNoneMatch: '*',
    }));
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412) {
      throw new AlreadySubmittedError(`job id ${envelope.jobId} was already submitted (${s3Uri(context.resultsBucket, key)} exists): choose another --job-id`, { cause: error });
    }
    throw error;
  }
}
