import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { resultKey, s3Uri } from '../../lib/runtime/inference/job-keys';
import { isRetryableAwsError } from '../../lib/runtime/inference/agent/retried-call';
import { claimedRegion, regionClaim, regionClaimKey } from '../../lib/runtime/inference/region-claim';
import { JobsContext } from './context';
import { JobsRegion, JobsRegions } from './regions';
import { AlreadySubmittedError, PreparedJob, Submission, Submitted, prepareJob, recordJob, sendJob } from './submit';

/** Where a job went: its Region, and why not the primary where it is the standby. */
export interface Placement extends Submitted {
  /** The Region whose queue holds the job. */
  readonly region: string;
  /** Why the job went to the standby Region. @default - it went to the primary */
  readonly failover?: string;
}

/** How a submission treats the primary Region. */
export interface FailoverOptions {
  /**
   * The primary Region is marked impaired (the CLI's `--region-impaired`): nothing is sent there,
   * the job goes to the standby at once.
   * @default false
   */
  readonly primaryImpaired?: boolean;
}

/** A job moved to the standby Region could not be placed safely: it may be in the primary's queue. */
export class UndecidedPlacementError extends Error {}

/** An error as one line: its name and message. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
}

/**
 * True when `error` means the Region could not be reached: a timeout, a network fault, a server
 * error or throttling, as the SDK's retry strategy classifies them (transient errors and
 * throttling are the ones it retries, https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html;
 * it has retried them already). Anything else (access denied, a queue that does not exist, bad
 * input) is the caller's to fix and fails the submission, in any Region.
 */
function unreachable(error: unknown): boolean {
  return isRetryableAwsError(error);
}

/** Records and sends the job to `region`'s queue. */
async function placeIn(region: JobsRegion, submission: Submission, submittedAt: Date, failover?: string): Promise<Placement> {
  const context = await region.context();
  const job = await prepareJob(context, submission, submittedAt);
  await recordJob(context, job);
  return { ...(await sendJob(context, job)), region: region.region, ...(failover ? { failover } : {}) };
}

/**
 * Records and sends the job to the standby, saying why. When the standby cannot take it either,
 * the primary holds nothing that will run (nothing was sent there, or the job is claimed for the
 * standby): the error says to submit it again, same id, to the standby.
 */
async function placeInStandby(regions: Required<JobsRegions>, submission: Submission & { readonly jobId: string }, submittedAt: Date, why: string): Promise<Placement> {
  try {
    return await placeIn(regions.standby, submission, submittedAt, why);
  } catch (error) {
    if (error instanceof AlreadySubmittedError) throw error;
    throw new Error(`job ${submission.jobId} could not be placed in ${regions.standby.region} either (${describe(error)}) after ${why}; `
      + `submit it again with --job-id ${submission.jobId} --region-impaired once ${regions.standby.region} answers`, { cause: error });
  }
}

/**
 * Claims the job for the standby Region in the primary's bucket (see region-claim.ts) and
 * returns the Region it is claimed for: the standby when this claim or an earlier one of a
 * submitter won, the primary when its agent took the job first (the send had reached the queue).
 * After a 412 the claim that won is read back: S3 reads are strongly consistent after a write
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel).
 */
async function claimForStandby(context: JobsContext, jobId: string, standbyRegion: string): Promise<string> {
  const key = regionClaimKey(jobId);
  try {
    await context.clients.s3.send(new PutObjectCommand({
      Bucket: context.resultsBucket, Key: key, Body: JSON.stringify(regionClaim(standbyRegion, 'failover')), ContentType: 'application/json', IfNoneMatch: '*',
    }));
    return standbyRegion;
  } catch (error) {
    if (!(error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412)) throw error;
  }
  const object = await context.clients.s3.send(new GetObjectCommand({ Bucket: context.resultsBucket, Key: key }));
  return claimedRegion(await object.Body?.transformToString() ?? '', s3Uri(context.resultsBucket, key));
}

/**
 * Submits a job to the primary Region, and to the standby when the primary cannot take it: it
 * is marked impaired (`options.primaryImpaired`), or its stack, queue or bucket cannot be
 * reached (`unreachable`). The job keeps its id and submission time in either Region. It runs
 * in one Region only:
 * - a failure before the send (the stack's outputs, the queue's attributes, the submission
 *   record, the input upload) sent nothing to the primary: the job goes to the standby;
 * - a send that failed may still have reached the primary's queue (SQS stores a message
 *   redundantly before it acknowledges the send, so a lost acknowledgement or a timed-out retry
 *   says nothing of whether it was stored, and the SDK's retry may store it twice:
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues.html):
 *   the job is first claimed
 *   for the standby in the primary's bucket (`inputs/<jobId>/region.json`, written once). The
 *   primary's agents run a job only under their own Region's claim, so the message, if it
 *   arrived, is deleted there untouched. If an agent claimed it first, the job stays in the
 *   primary, which runs it; if the claim cannot be written or read either, nothing is sent to
 *   the standby and UndecidedPlacementError says the job may run in the primary.
 * A job id already submitted to the primary is refused (AlreadySubmittedError), in any Region.
 */
export async function submitWithFailover(regions: JobsRegions, submission: Submission, options: FailoverOptions = {}, now: Date = new Date()): Promise<Placement> {
  const { primary, standby } = regions;
  const job = { ...submission, jobId: submission.jobId ?? randomUUID() };
  if (!standby) return placeIn(primary, job, now);
  const both = { primary, standby };
  if (options.primaryImpaired) return placeInStandby(both, job, now, `${primary.region} is marked impaired (--region-impaired): nothing was sent there`);
  let context: JobsContext;
  let prepared: PreparedJob;
  try {
    context = await primary.context();
    prepared = await prepareJob(context, job, now);
    await recordJob(context, prepared);
  } catch (error) {
    if (error instanceof AlreadySubmittedError || !unreachable(error)) throw error;
    return placeInStandby(both, job, now, `${primary.region} could not be reached (${describe(error)}): nothing was sent there`);
  }
  try {
    return { ...(await sendJob(context, prepared)), region: primary.region };
  } catch (error) {
    if (!unreachable(error)) throw error;
    let claimed: string;
    try {
      claimed = await claimForStandby(context, job.jobId, standby.region);
    } catch (claimError) {
      throw new UndecidedPlacementError(`job ${job.jobId}: ${primary.region}'s queue did not answer the send (${describe(error)}) and the job could not be moved `
        + `(${describe(claimError)}); it may be queued in ${primary.region}, and nothing was sent to ${standby.region}: check it with jobs get ${job.jobId} once ${primary.region} answers; do not submit it again`);
    }
    if (claimed === primary.region) {
      const { envelope, inputUri } = prepared;
      return { envelope, inputUri, resultUri: s3Uri(context.resultsBucket, resultKey(envelope.jobId, envelope.outputPrefix)), region: primary.region };
    }
    return placeInStandby(both, job, now, `${primary.region}'s queue did not answer (${describe(error)}): the job is claimed for ${standby.region} there, so ${primary.region} will not run it`);
  }
}
