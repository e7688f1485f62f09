import { Logger, errorMessage } from './log';

/** Delays between retries of a failing call (ms). */
export interface BackoffPolicy {
  /** Delay ceiling after the first failure; it doubles with each consecutive one. */
  readonly baseMs: number;
  /** Highest delay ceiling. */
  readonly maxMs: number;
}

/**
 * A run of consecutive failures of one kind of call, logged once when it starts
 * (`{name}_failing`, with the first error) and once when it ends (`{name}_recovered` or
 * `{name}_gave_up`, with the count), never once per call.
 */
export class FailureStreak {
  private failures = 0;
  private since = 0;

  constructor(private readonly name: string, private readonly log: Logger) {}

  /** Consecutive failures so far. */
  get count(): number {
    return this.failures;
  }

  failed(error: unknown, fields: Record<string, unknown> = {}): void {
    if (this.failures === 0) {
      this.since = Date.now();
      this.log(`${this.name}_failing`, { error: errorMessage(error), ...fields });
    }
    this.failures += 1;
  }

  succeeded(fields: Record<string, unknown> = {}): void {
    this.end('recovered', fields);
  }

  /** Ends the run without a success: the caller stopped retrying. */
  gaveUp(fields: Record<string, unknown> = {}): void {
    this.end('gave_up', fields);
  }

  private end(how: string, fields: Record<string, unknown>): void {
    if (this.failures > 0) this.log(`${this.name}_${how}`, { failures: this.failures, failingForMs: Date.now() - this.since, ...fields });
    this.failures = 0;
  }
}

/**
 * Exponential backoff with equal jitter: after the n-th consecutive failure the next attempt
 * waits between half and all of min(maxMs, baseMs * 2^(n-1)), so a sustained outage is called
 * at most about once per maxMs / 2, and the retries of many instances spread out.
 */
export class Backoff extends FailureStreak {
  constructor(name: string, private readonly policy: BackoffPolicy, log: Logger, private readonly random: () => number = Math.random) {
    super(name, log);
  }

  /** Records a failure and returns the delay before the next attempt (ms). */
  next(error: unknown, fields: Record<string, unknown> = {}): number {
    this.failed(error, fields);
    const ceiling = Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** Math.min(this.count - 1, 30));
    return ceiling / 2 + (this.random() * ceiling) / 2;
  }
}
