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
 * True when another attempt of the same call may succeed: a server error, throttling or a
 * transient network fault or timeout, as the SDK's own retry strategy classifies them. A client
 * error (access denied, a missing key, a failed precondition) is final.
 */
export function isRetryableAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return isServerError(sdkError) || isThrottlingError(sdkError) || isTransientError(sdkError);
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
