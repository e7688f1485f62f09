import { GetObjectCommand, HeadObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { attemptKey, errorKey, resultKey, s3Uri } from '../../lib/runtime/inference/job-keys';
import { JobsContext } from './context';

/** Where a job stands, as far as the results bucket tells. */
export type JobStatus =
  | { readonly jobId: string; readonly status: 'queued'; readonly detail: string }
  | { readonly jobId: string; readonly status: 'running'; readonly attempt: number; readonly instanceId: string; readonly startedAt: string }
  | { readonly jobId: string; readonly status: 'done'; readonly location: string; readonly contentType?: string; readonly metadata: Record<string, string> }
  | { readonly jobId: string; readonly status: 'failed'; readonly location: string; readonly error: Record<string, unknown> };

interface Marker {
  readonly attempt: number;
  readonly instanceId: string;
  readonly resultKey: string;
  readonly startedAt: string;
  readonly deadline: string;
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
 * The status of `jobId`: done when its result exists, failed when its error document is
 * newer than its last attempt, running while an attempt is within its timeout, queued
 * otherwise (not started yet, or waiting for a retry).
 */
export async function getJobStatus(context: JobsContext, jobId: string, now: Date = new Date()): Promise<JobStatus> {
  const marker = await readJson<Marker>(context, attemptKey(jobId));
  const key = marker?.resultKey ?? resultKey(jobId);
  try {
    const head = await context.clients.s3.send(new HeadObjectCommand({ Bucket: context.resultsBucket, Key: key }));
    return { jobId, status: 'done', location: s3Uri(context.resultsBucket, key), contentType: head.ContentType, metadata: head.Metadata ?? {} };
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const error = await readJson<Record<string, unknown>>(context, errorKey(jobId));
  if (error && !(marker && marker.startedAt > String(error.failedAt))) {
    return { jobId, status: 'failed', location: s3Uri(context.resultsBucket, errorKey(jobId)), error };
  }
  if (marker && now.toISOString() < marker.deadline) {
    return { jobId, status: 'running', attempt: marker.attempt, instanceId: marker.instanceId, startedAt: marker.startedAt };
  }
  return marker
    ? { jobId, status: 'queued', detail: `attempt ${marker.attempt} ended without a result: waiting for a retry` }
    : { jobId, status: 'queued', detail: 'no attempt has started yet (or no such job)' };
}

/** How waitForJob polls. */
export interface WaitOptions {
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

/** Polls until the job is done or failed; undefined when `timeoutMs` passes first. */
export async function waitForJob(context: JobsContext, jobId: string, options: WaitOptions): Promise<JobStatus | undefined> {
  const deadline = options.now().getTime() + options.timeoutMs;
  for (;;) {
    const status = await getJobStatus(context, jobId, options.now());
    if (status.status === 'done' || status.status === 'failed') return status;
    if (options.now().getTime() + options.pollIntervalMs > deadline) return undefined;
    await options.sleep(options.pollIntervalMs);
  }
}

/** The body of a finished job's result. */
export async function readResult(context: JobsContext, location: string): Promise<Uint8Array> {
  const key = location.replace(`s3://${context.resultsBucket}/`, '');
  const object = await context.clients.s3.send(new GetObjectCommand({ Bucket: context.resultsBucket, Key: key }));
  return object.Body ? object.Body.transformToByteArray() : new Uint8Array();
}
