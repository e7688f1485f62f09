import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { Backoff, BackoffPolicy } from './backoff';
import { sleep, withDeadline } from './deadline';
import { Logger } from './log';

/** How the calls of a job's outcome (S3, SNS) are bounded and retried. */
export interface CallPolicy {
  /** Deadline of one call (ms). */
  readonly callTimeoutMs: number;
  /** Backoff between attempts of a failing call. */
  readonly backoff: BackoffPolicy;
}

/** One kind of call, as logged. */
export interface CallName {
  /** Name of its failure streak in the log, e.g. `s3_put` (`s3_put_failing`, `s3_put_recovered`). */
  readonly streak: string;
  /** What a deadline error names, e.g. `S3 PutObject`. */
  readonly what: string;
}

/**
 * Errors of the services the agent calls that AWS documents as worth retrying but the SDK's
 * classification (@smithy/core's THROTTLING_ERROR_CODES, transient codes and 5xx) misses: each
 * has a 400 or 409 status and no retryable trait in its service model.
 * - KMSThrottlingException: both topics are KMS-encrypted, and SNS answers a publish that KMS
 *   throttled with KMSThrottling, "The request was denied due to request throttling"
 *   (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors).
 * - KmsThrottled: the same from SQS on an SSE-KMS queue
 *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html#API_ReceiveMessage_Errors).
 * - ConditionalRequestConflict: S3 answers 409 when a conflicting operation happens during a
 *   write with If-None-Match, and says to retry it
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html, `If-None-Match`).
 */
export const SERVICE_RETRYABLE_ERRORS: readonly string[] = ['KMSThrottlingException', 'KmsThrottled', 'ConditionalRequestConflict'];

/**
 * True when another attempt of the same call may succeed: a server error, throttling or a
 * transient network fault or timeout, as the SDK's own retry strategy classifies them, plus
 * SERVICE_RETRYABLE_ERRORS. A client error (access denied, a missing key, a failed
 * precondition, a message too long) is final.
 */
export function isRetryableAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return isServerError(sdkError) || isThrottlingError(sdkError) || isTransientError(sdkError) || SERVICE_RETRYABLE_ERRORS.includes(error.name);
}

/**
 * The S3 and SNS calls of a job, each run until it succeeds: one attempt is one request
 * bounded by the call timeout; a retryable failure waits with backoff (logged once per run of
 * failures, never once per attempt), a final one is thrown at once. `stop` ends the retries
 * (the job's deadline, a drain): the call then throws the abort's reason.
 */
export class RetriedCalls {
  constructor(private readonly policy: CallPolicy, private readonly log: Logger) {}

  async run<T>(name: CallName, stop: AbortSignal, call: (abortSignal: AbortSignal) => Promise<T>, fields: Record<string, unknown> = {}): Promise<T> {
    const retries = new Backoff(name.streak, this.policy.backoff, this.log);
    for (;;) {
      try {
        const value = await withDeadline(name.what, this.policy.callTimeoutMs, call, stop);
        retries.succeeded(fields);
        return value;
      } catch (error) {
        if (stop.aborted || !isRetryableAwsError(error)) {
          retries.gaveUp(fields);
          throw error;
        }
        await sleep(retries.next(error, fields), stop);
      }
    }
  }
}
