import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { attemptKey, errorKey, s3Uri } from '../job-keys';
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

/** The error document, `errors/<jobId>.json`. */
export interface JobError {
  readonly jobId: string;
  /** `malformed`: the message is not a valid envelope; `failed`: the last attempt failed. */
  readonly reason: 'malformed' | 'failed';
  /** What went wrong, one line per problem. */
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

/** The marker written when an attempt starts, `results/.attempts/<jobId>.json`. */
export interface AttemptMarker {
  readonly jobId: string;
  readonly attempt: number;
  readonly instanceId: string;
  /** Where the result will be written. */
  readonly resultKey: string;
  readonly startedAt: string;
  /** When the attempt times out: after this, with no result or error, the job is back in the queue. */
  readonly deadline: string;
}

/** A write, and whether an earlier attempt had already written the same key. */
export interface Written {
  readonly location: string;
  readonly repeat: boolean;
}

/** S3 answers 412 when a conditional write finds the key taken. */
function isPreconditionFailed(error: unknown): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412;
}

/**
 * The agent's calls on the results bucket, each bounded and retried (see RetriedCalls) until
 * `stop` aborts. Results are written once (`If-None-Match: *`): a repeat finds the key taken
 * and the first result stays. Existence checks list one key, which the fleet may do only
 * under `results/` and `errors/`.
 */
export class ResultsWriter {
  constructor(private readonly s3: S3Client, readonly bucket: string, private readonly calls: RetriedCalls) {}

  /** Writes the result unless an earlier attempt did; never overwrites one. */
  async writeResult(key: string, body: Uint8Array, contentType: string, metadata: ResultMetadata, stop: AbortSignal): Promise<Written> {
    const location = s3Uri(this.bucket, key);
    try {
      await this.calls.run(PUT, stop, (abortSignal) => this.s3.send(new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        IfNoneMatch: '*',
        Metadata: {
          'job-id': metadata.jobId,
          'model-name': metadata.modelName,
          'model-version': metadata.modelVersion,
          'instance-id': metadata.instanceId,
          'duration-ms': String(metadata.durationMs),
          attempt: String(metadata.attempt),
        },
      }), { abortSignal }), { key });
      return { location, repeat: false };
    } catch (error) {
      if (isPreconditionFailed(error)) return { location, repeat: true };
      throw error;
    }
  }

  /**
   * Writes (or rewrites) `errors/<jobId>.json`; a repeat when an error was already recorded.
   * The caller checks first that no result exists: an error never stands beside a success it
   * could be mistaken for.
   */
  async writeError(error: JobError, stop: AbortSignal): Promise<Written> {
    const key = errorKey(error.jobId);
    const repeat = await this.exists(key, stop);
    await this.put(key, JSON.stringify(error, undefined, 2), stop);
    return { location: s3Uri(this.bucket, key), repeat };
  }

  /** Records that an attempt started, for `jobs get`. */
  async writeAttempt(marker: AttemptMarker, stop: AbortSignal): Promise<void> {
    await this.put(attemptKey(marker.jobId), JSON.stringify(marker), stop);
  }

  /** Whether `key` exists. */
  async exists(key: string, stop: AbortSignal): Promise<boolean> {
    const listed = await this.calls.run(LIST, stop, (abortSignal) => this.s3.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 }), { abortSignal }), { key });
    return listed.Contents?.[0]?.Key === key;
  }

  /** Reads an input uploaded under `inputs/`, its body within the same deadline. */
  async readInput(key: string, stop: AbortSignal): Promise<Uint8Array> {
    return this.calls.run(GET, stop, async (abortSignal) => {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal });
      if (!object.Body) throw new Error(`input ${s3Uri(this.bucket, key)} has no body`);
      return object.Body.transformToByteArray();
    }, { key });
  }

  private async put(key: string, body: string, stop: AbortSignal): Promise<void> {
    await this.calls.run(PUT, stop, (abortSignal) => this.s3.send(new PutObjectCommand({
      Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json',
    }), { abortSignal }), { key });
  }
}
