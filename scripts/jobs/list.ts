import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ATTEMPTS_PREFIX, ERRORS_PREFIX, INPUTS_PREFIX } from '../../lib/runtime/inference/job-keys';
import { JobsContext } from './context';
import { JobStatus, getJobStatus } from './status';

/** The records that name a job, and how to read its id from each key. */
const RECORDS: readonly { readonly prefix: string; readonly jobId: (key: string) => string | undefined }[] = [
  { prefix: INPUTS_PREFIX, jobId: (key) => /^inputs\/([^/]+)\/envelope\.json$/.exec(key)?.[1] },
  { prefix: ATTEMPTS_PREFIX, jobId: (key) => /^attempts\/([^/]+)\.json$/.exec(key)?.[1] },
  { prefix: ERRORS_PREFIX, jobId: (key) => /^errors\/([^/.][^/]*)\.json$/.exec(key)?.[1] },
];

/** Statuses read at once while listing. */
const CONCURRENT_READS = 8;

/** When each job last left a record (epoch ms): its submission, attempts and errors, every page of each prefix. */
export async function lastActivity(context: JobsContext): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  for (const { prefix, jobId } of RECORDS) {
    let token: string | undefined;
    do {
      const page = await context.clients.s3.send(new ListObjectsV2Command({ Bucket: context.resultsBucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        const id = object.Key ? jobId(object.Key) : undefined;
        const at = object.LastModified?.getTime() ?? 0;
        if (id && at >= (latest.get(id) ?? 0)) latest.set(id, at);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return latest;
}

/**
 * The `limit` jobs with the most recent records (submitted, started or failed), newest first,
 * each with its status. Lists the job records of the whole bucket: one request per 1,000 records
 * kept (results and errors expire after the results retention).
 */
export async function listJobs(context: JobsContext, limit: number, now: Date = new Date()): Promise<JobStatus[]> {
  return statusesOf(mostRecent(await lastActivity(context), limit), (jobId) => getJobStatus(context, jobId, now));
}

/** The `limit` job ids of `activity` with the latest records, newest first. */
export function mostRecent(activity: ReadonlyMap<string, number>, limit: number): string[] {
  return [...activity.entries()].sort(([, a], [, b]) => b - a).slice(0, limit).map(([jobId]) => jobId);
}

/** Each job's status, read CONCURRENT_READS at a time, in the order given. */
export async function statusesOf<S>(jobIds: readonly string[], read: (jobId: string) => Promise<S>): Promise<S[]> {
  const statuses: S[] = [];
  for (let i = 0; i < jobIds.length; i += CONCURRENT_READS) {
    statuses.push(...await Promise.all(jobIds.slice(i, i + CONCURRENT_READS).map(read)));
  }
  return statuses;
}
