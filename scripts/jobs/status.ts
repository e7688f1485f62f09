import { GetObjectCommand, HeadObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { JobEnvelope } from '../../lib/runtime/inference/job-envelope';
import { attemptKey, errorKey, resultKey, s3Uri, submissionKey } from '../../lib/runtime/inference/job-keys';
import { JobStatusName } from '../../lib/runtime/inference/job-notification';
import { JobsContext } from './context';

/** What every status says: the job, its status, and where its result is or will be. */
interface StatusBase<S extends JobStatusName> {
  readonly jobId: string;
  readonly status: S;
  /** `s3://` location of the result, written there once the job succeeds. */
  readonly resultUri: string;
}

/**
 * Where a job stands, in the one status vocabulary of the notifications (JOB_STATUSES):
 * queued, running, then succeeded, failed or expired.
 */
export type JobStatus =
  | StatusBase<'queued'> & { readonly detail: string }
  | StatusBase<'running'> & { readonly attempt: number; readonly instanceId: string; readonly startedAt: string }
  | StatusBase<'succeeded'> & { readonly contentType?: string; readonly metadata: Record<string, string> }
  | StatusBase<'failed' | 'expired'> & { readonly errorUri: string; readonly error: Record<string, unknown> };

/** A job id the results bucket knows nothing of. */
export class UnknownJobError extends Error {}

interface AttemptRecord {
  readonly attempt: number;
  readonly instanceId: string;
  readonly resultKey: string;
  readonly startedAt: string;
  readonly deadline: string;
  readonly status?: 'running' | 'failed';
}

const isMissing = (error: unknown): boolean => error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404;

async function readJson<T>(context: JobsContext, key: string): Promise<T | undefined> {
  try {
    const object = await context.clients.s3.send(new GetObjectCommand({ Bucket: context.resultsBucket, Key: key }));
    return JSON.parse(await object.Body?.transformToString() ?? '{}') as T;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * The status of `jobId`, from the results bucket: succeeded when its result exists; failed or
 * expired when its error document is the latest word (its last attempt recorded the failure,
 * or no attempt started after it); running while an attempt is within its timeout; queued
 * while it is submitted (its submission record) or waiting for a retry. A job with none of
 * these records is unknown: UnknownJobError.
 */
export async function getJobStatus(context: JobsContext, jobId: string, now: Date = new Date()): Promise<JobStatus> {
  const [submission, record, error] = await Promise.all([
    readJson<JobEnvelope>(context, submissionKey(jobId)),
    readJson<AttemptRecord>(context, attemptKey(jobId)),
    readJson<Record<string, unknown>>(context, errorKey(jobId)),
  ]);
  const key = record?.resultKey ?? resultKey(jobId, submission?.outputPrefix);
  const resultUri = s3Uri(context.resultsBucket, key);
  try {
    const head = await context.clients.s3.send(new HeadObjectCommand({ Bucket: context.resultsBucket, Key: key }));
    return { jobId, status: 'succeeded', resultUri, contentType: head.ContentType, metadata: head.Metadata ?? {} };
  } catch (failure) {
    if (!isMissing(failure)) throw failure;
  }
  if (!submission && !record && !error) {
    throw new UnknownJobError(`no job ${jobId} in ${context.resultsBucket}: nothing was submitted under that id (${submissionKey(jobId)}) and no attempt, result or error exists`);
  }
  if (error && (!record || record.status === 'failed' || record.startedAt <= String(error.failedAt))) {
    return { jobId, status: error.reason === 'expired' ? 'expired' : 'failed', resultUri, errorUri: s3Uri(context.resultsBucket, errorKey(jobId)), error };
  }
  if (record && now.toISOString() < record.deadline) {
    return { jobId, status: 'running', resultUri, attempt: record.attempt, instanceId: record.instanceId, startedAt: record.startedAt };
  }
  return {
    jobId,
    status: 'queued',
    resultUri,
    detail: record ? `attempt ${record.attempt} ended without a result: waiting for a retry` : `submitted ${submission?.submittedAt ?? ''}: no attempt has started yet`,
  };
}

/** How waitForJob polls. */
export interface WaitOptions {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

/** True for the statuses a job ends in. */
export function isFinal(status: JobStatus): boolean {
  return status.status === 'succeeded' || status.status === 'failed' || status.status === 'expired';
}

/** Polls until the job succeeded, failed or expired; undefined when `timeoutMs` passes first. An unknown job throws at once. */
export async function waitForJob(context: JobsContext, jobId: string, options: WaitOptions): Promise<JobStatus | undefined> {
  return pollUntilFinal((now) => getJobStatus(context, jobId, now), options);
}

/** Reads a status every `pollIntervalMs` until it is final; undefined when `timeoutMs` passes first. A read that throws ends the wait. */
export async function pollUntilFinal<S extends JobStatus>(read: (now: Date) => Promise<S>, options: WaitOptions): Promise<S | undefined> {
  const deadline = options.now().getTime() + options.timeoutMs;
  for (;;) {
    const status = await read(options.now());
    if (isFinal(status)) return status;
    if (options.now().getTime() + options.pollIntervalMs > deadline) return undefined;
    await options.sleep(options.pollIntervalMs);
  }
}

/** The body of a succeeded job's result. */
export async function readResult(context: JobsContext, resultUri: string): Promise<Uint8Array> {
  const key = resultUri.replace(`s3://${context.resultsBucket}/`, '');
  const object = await context.clients.s3.send(new GetObjectCommand({ Bucket: context.resultsBucket, Key: key }));
  return object.Body ? object.Body.transformToByteArray() : new Uint8Array();
}
