import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { JobOutcome } from '../job-notification';
import { announcedKey, attemptKey, errorKey, s3Uri } from '../job-keys';
import { claimedRegion, regionClaim, regionClaimKey } from '../region-claim';
import { CallName, RetriedCalls } from './retried-call';

const PUT: CallName = { streak: 's3_put', what: 'S3 PutObject' };
const LIST: CallName = { streak: 's3_list', what: 'S3 ListObjectsV2' };
const GET: CallName = { streak: 's3_get', what: 'S3 GetObject' };

/** What the agent records with a result, as S3 user metadata (`x-amz-meta-*`). */
export interface ResultMetadata {
  readonly jobId: string;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly instanceId: string;
  /** Duration of the `/invocations` request. */
  readonly durationMs: number;
  /** The message's receive count when the result was written. */
  readonly attempt: number;
}

/** The error document, `errors/<jobId>.json`, written once. */
export interface JobError {
  readonly jobId: string;
  /** `malformed`: not a valid envelope; `expired`: its time-to-live passed before it ran; `failed`: its last attempt failed. */
  readonly reason: 'malformed' | 'expired' | 'failed';
  /** What went wrong, one line per problem (bounded). */
  readonly problems: readonly string[];
  readonly attempt: number;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly instanceId: string;
  /** When the error was recorded, ISO 8601. */
  readonly failedAt: string;
  /** SQS id of the message. */
  readonly messageId: string;
}

/**
 * A job's attempt record, `attempts/<jobId>.json`: written `running` when an attempt starts,
 * rewritten `failed` when that attempt's failure is recorded. How `jobs get` tells running
 * from queued, and where it finds the result of a job submitted with an output prefix.
 */
export interface AttemptRecord {
  readonly jobId: string;
  readonly attempt: number;
  readonly instanceId: string;
  /** Where the result will be written. */
  readonly resultKey: string;
  readonly startedAt: string;
  /** When the attempt times out: after this, with no result or error, the job is back in the queue. */
  readonly deadline: string;
  readonly status: 'running' | 'failed';
  /** When the failure was recorded. @default - absent while running */
  readonly endedAt?: string;
}

/** A write-once object: where it is, and whether this call created it (false: it existed). */
export interface Written {
  readonly location: string;
  readonly created: boolean;
}

/**
 * S3 answers 412 Precondition Failed to a PutObject with `If-None-Match: *` whose key exists
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 */
function isPreconditionFailed(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412;
}

/**
 * The agent's calls on the results bucket, each bounded and retried (see RetriedCalls) until
 * `stop` aborts. Results, error documents and announcement markers are written once
 * (`If-None-Match: *`, which the bucket policy requires under `results/` and `errors/`): a
 * repeat finds the key taken and the first object stays. Existence checks list one key, which
 * the fleet may do only under `results/`, `errors/` and `attempts/`.
 */
export class ResultsWriter {
  constructor(private readonly s3: S3Client, readonly bucket: string, private readonly calls: RetriedCalls) {}

  /** Writes the result unless an earlier attempt did; never overwrites one. */
  async writeResult(key: string, body: Uint8Array, contentType: string, metadata: ResultMetadata, stop: AbortSignal): Promise<Written> {
    return this.putOnce(key, body, contentType, stop, {
      'job-id': metadata.jobId,
      'model-name': metadata.modelName,
      'model-version': metadata.modelVersion,
      'instance-id': metadata.instanceId,
      'duration-ms': String(metadata.durationMs),
      attempt: String(metadata.attempt),
    });
  }

  /** Writes `errors/<jobId>.json` unless a failure of this job was recorded before. */
  async writeError(error: JobError, stop: AbortSignal): Promise<Written> {
    return this.putOnce(errorKey(error.jobId), JSON.stringify(error, undefined, 2), 'application/json', stop);
  }

  /** Records that SNS accepted the announcement of `outcome` with this id. */
  async markAnnounced(jobId: string, outcome: JobOutcome, notificationId: string, stop: AbortSignal): Promise<void> {
    await this.putOnce(announcedKey(jobId, outcome), JSON.stringify({ notificationId, announcedAt: new Date().toISOString() }), 'application/json', stop);
  }

  /** Whether SNS accepted an announcement of `outcome` before. */
  async wasAnnounced(jobId: string, outcome: JobOutcome, stop: AbortSignal): Promise<boolean> {
    return this.exists(announcedKey(jobId, outcome), stop);
  }

  /**
   * Claims the job for `region` unless it was claimed before, and returns the Region it is
   * claimed for: `region` when this call or an earlier attempt here claimed it, another when a
   * submitter moved the job there first.
   */
  async claimRegion(jobId: string, region: string, stop: AbortSignal): Promise<string> {
    const key = regionClaimKey(jobId);
    const claim = await this.putOnce(key, JSON.stringify(regionClaim(region, 'agent')), 'application/json', stop);
    return claim.created ? region : claimedRegion(Buffer.from(await this.read(key, stop)).toString('utf8'), claim.location);
  }

  /** Writes (or rewrites) the job's attempt record. */
  async writeAttempt(record: AttemptRecord, stop: AbortSignal): Promise<void> {
    await this.calls.run(PUT, stop, (abortSignal) => this.s3.send(new PutObjectCommand({
      Bucket: this.bucket, Key: attemptKey(record.jobId), Body: JSON.stringify(record), ContentType: 'application/json',
    }), { abortSignal }), { key: attemptKey(record.jobId) });
  }

  /** The job's attempt record, if an attempt started. */
  async readAttempt(jobId: string, stop: AbortSignal): Promise<AttemptRecord | undefined> {
    const key = attemptKey(jobId);
    if (!(await this.exists(key, stop))) return undefined;
    return JSON.parse(Buffer.from(await this.read(key, stop)).toString('utf8')) as AttemptRecord;
  }

  /** Whether `key` exists. */
  async exists(key: string, stop: AbortSignal): Promise<boolean> {
    const listed = await this.calls.run(LIST, stop, (abortSignal) => this.s3.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 }), { abortSignal }), { key });
    return listed.Contents?.[0]?.Key === key;
  }

  /** Reads an object (an uploaded input, an attempt record), its body within the same deadline. */
  async read(key: string, stop: AbortSignal): Promise<Uint8Array> {
    return this.calls.run(GET, stop, async (abortSignal) => {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal });
      if (!object.Body) throw new Error(`${s3Uri(this.bucket, key)} has no body`);
      return object.Body.transformToByteArray();
    }, { key });
  }

  private async putOnce(key: string, body: Uint8Array | string, contentType: string, stop: AbortSignal, metadata?: Record<string, string>): Promise<Written> {
    const location = s3Uri(this.bucket, key);
    try {
      await this.calls.run(PUT, stop, (abortSignal) => this.s3.send(new PutObjectCommand({
        Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, IfNoneMatch: '*', Metadata: metadata,
      }), { abortSignal }), { key });
      return { location, created: true };
    } catch (error) {
      if (isPreconditionFailed(error)) return { location, created: false };
      throw error;
    }
  }
}
