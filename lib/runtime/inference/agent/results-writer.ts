import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { attemptKey, errorKey, s3Uri } from '../job-keys';

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
 * The agent's writes to the results bucket. Results are written once (`If-None-Match: *`):
 * a repeat finds the key taken and the first result stays. Existence checks list one key,
 * which the fleet may do only under `results/` and `errors/`.
 */
export class ResultsWriter {
  constructor(private readonly s3: S3Client, readonly bucket: string) {}

  /** Writes the result unless an earlier attempt did; never overwrites one. */
  async writeResult(key: string, body: Uint8Array, contentType: string, metadata: ResultMetadata): Promise<Written> {
    const location = s3Uri(this.bucket, key);
    try {
      await this.s3.send(new PutObjectCommand({
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
      }));
      return { location, repeat: false };
    } catch (error) {
      if (isPreconditionFailed(error)) return { location, repeat: true };
      throw error;
    }
  }

  /** Writes (or rewrites) `errors/<jobId>.json`; a repeat when an error was already recorded. */
  async writeError(error: JobError): Promise<Written> {
    const key = errorKey(error.jobId);
    const repeat = await this.exists(key);
    await this.s3.send(new PutObjectCommand({
      Bucket: this.bucket, Key: key, Body: JSON.stringify(error, undefined, 2), ContentType: 'application/json',
    }));
    return { location: s3Uri(this.bucket, key), repeat };
  }

  /** Records that an attempt started, for `jobs get`. */
  async writeAttempt(marker: AttemptMarker): Promise<void> {
    await this.s3.send(new PutObjectCommand({
      Bucket: this.bucket, Key: attemptKey(marker.jobId), Body: JSON.stringify(marker), ContentType: 'application/json',
    }));
  }

  /** Whether `key` exists. */
  async exists(key: string): Promise<boolean> {
    const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 }));
    return listed.Contents?.[0]?.Key === key;
  }

  /** Reads an input uploaded under `inputs/`. */
  async readInput(key: string): Promise<Uint8Array> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!object.Body) throw new Error(`input ${s3Uri(this.bucket, key)} has no body`);
    return object.Body.transformToByteArray();
  }
}
