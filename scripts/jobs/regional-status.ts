import { GetObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { s3Uri } from '../../lib/runtime/inference/job-keys';
import { claimedRegion, regionClaimKey } from '../../lib/runtime/inference/region-claim';
import { JobsContext } from './context';
import { lastActivity, mostRecent, statusesOf } from './list';
import { JobsRegion, JobsRegions, regionList } from './regions';
import { JobStatus, UnknownJobError, getJobStatus } from './status';

/** A job's status and the Region that holds it. */
export interface RegionalStatus {
  readonly status: JobStatus;
  readonly region: JobsRegion;
}

/** What one Region knows of a job: its status (undefined: nothing) and its Region claim. */
interface RegionView {
  readonly region: JobsRegion;
  readonly status?: JobStatus;
  readonly claim?: string;
}

/** How far a status has come: a final one beats a running one beats a queued one. */
const RANK: Readonly<Record<JobStatus['status'], number>> = { queued: 1, running: 2, succeeded: 3, failed: 3, expired: 3 };

/** An error as one line: its name and message. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
}

/** The Region the job's claim in this bucket names, if it has one. */
async function claimIn(context: JobsContext, jobId: string): Promise<string | undefined> {
  const key = regionClaimKey(jobId);
  try {
    const object = await context.clients.s3.send(new GetObjectCommand({ Bucket: context.resultsBucket, Key: key }));
    return claimedRegion(await object.Body?.transformToString() ?? '', s3Uri(context.resultsBucket, key));
  } catch (error) {
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
    throw error;
  }
}

/** What `region` knows of the job. */
async function viewOf(region: JobsRegion, jobId: string, now: Date): Promise<RegionView> {
  const context = await region.context();
  const [status, claim] = await Promise.all([
    getJobStatus(context, jobId, now).catch((error: unknown) => {
      if (error instanceof UnknownJobError) return undefined;
      throw error;
    }),
    claimIn(context, jobId),
  ]);
  return { region, status, claim };
}

/**
 * The job's status in an environment's Regions. With one Region, its status there. With two,
 * both are read: the Region the job's claim names (the primary's claim first: it records a job
 * moved to the standby) holds it; without a claim, the Region whose status has come furthest
 * (final, running, queued; the primary on a tie), since a job moved after a failed send leaves
 * a submission record in the primary. A Region that cannot be read is left out while the other
 * knows the job; when neither does, the error names both.
 */
export async function jobStatusInRegions(regions: JobsRegions, jobId: string, now: Date = new Date()): Promise<RegionalStatus> {
  if (!regions.standby) return { status: await getJobStatus(await regions.primary.context(), jobId, now), region: regions.primary };
  const settled = await Promise.allSettled(regionList(regions).map((region) => viewOf(region, jobId, now)));
  const views = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const known = views.filter((view): view is RegionView & { status: JobStatus } => view.status !== undefined);
  const owner = views.map((view) => view.claim).find((claim) => claim !== undefined);
  const chosen = known.find((view) => view.region.region === owner)
    ?? known.reduce<(typeof known)[number] | undefined>((best, view) => (!best || RANK[view.status.status] > RANK[best.status.status] ? view : best), undefined);
  if (chosen) return { status: chosen.status, region: chosen.region };
  const failed = settled.flatMap((result, n) => (result.status === 'rejected' ? [`${regionList(regions)[n].region} could not be read (${describe(result.reason)})`] : []));
  const names = regionList(regions).map((region) => region.region).join(' and ');
  if (failed.length > 0) throw new Error(`job ${jobId}: ${failed.join('; ')}; ${views.map((view) => `${view.region.region} knows no job ${jobId}`).join('; ') || 'no Region answered'}`);
  throw new UnknownJobError(`no job ${jobId} in ${names}: nothing was submitted under that id and no attempt, result or error exists`);
}

/**
 * The `limit` jobs with the most recent records in any of the Regions, newest first, each with
 * its status as jobStatusInRegions reads it: a job with records in both Regions is listed once.
 * A Region that cannot be listed is left out while another can be.
 */
export async function listJobsInRegions(regions: JobsRegions, limit: number, now: Date = new Date()): Promise<RegionalStatus[]> {
  const settled = await Promise.allSettled(regionList(regions).map(async (region) => lastActivity(await region.context())));
  const listed = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  if (listed.length === 0) throw (settled[0] as PromiseRejectedResult).reason;
  const activity = new Map<string, number>();
  for (const [jobId, at] of listed.flatMap((map) => [...map])) activity.set(jobId, Math.max(at, activity.get(jobId) ?? 0));
  return statusesOf(mostRecent(activity, limit), (jobId) => jobStatusInRegions(regions, jobId, now));
}
