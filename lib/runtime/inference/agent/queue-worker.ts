import type { Message } from '@aws-sdk/client-sqs';
import { Backoff, BackoffPolicy } from './backoff';
import { sleep, withDeadline } from './deadline';
import { Logger, errorMessage } from './log';
import { LeaseSettings, MessageLease } from './message-lease';
import { ScaleInProtection } from './protection';
import { QueueClient } from './queue-client';

/**
 * Runs one job. Resolves once the job is complete (its result durably written); throws on a
 * failure worth retrying. `signal` aborts when the job's deadline passes or a drain returns
 * the job: the handler must stop then. The message carries its ApproximateReceiveCount.
 */
export type JobHandler = (message: Message, signal: AbortSignal) => Promise<unknown>;

/** How the worker polls, runs and retries. */
export interface QueueWorkerSettings extends LeaseSettings {
  /** Long-poll wait of each receive (whole seconds). */
  readonly waitTimeSeconds: number;
  /** Time a failed job stays hidden before it is retried (whole seconds). */
  readonly retryDelaySeconds: number;
  /** Longest a job may take from its receipt, protection included (ms). */
  readonly jobTimeoutMs: number;
  /** How long the delete of a completed job is retried (ms). */
  readonly deleteRetryBudgetMs: number;
  /** Backoff of failing receives. */
  readonly backoff: BackoffPolicy;
}

/** The job in flight. */
export interface CurrentJob {
  /** SQS id of the job's message. */
  readonly messageId: string;
  /** When the job is aborted unless done (epoch ms). */
  readonly deadline: number;
}

/**
 * The queue loop, one job at a time: long-poll for a message (failures back off with jitter),
 * protect the instance, run the job under its deadline while heartbeats keep the message
 * hidden, then delete it (retried while it stays hidden) or return it after the retry delay.
 * Every call is bounded, so the loop never stalls on an unanswered request.
 */
export class QueueWorker {
  private running: Promise<void> = Promise.resolve();
  private readonly polling = new AbortController();
  private readonly retrying = new AbortController();
  private job: (CurrentJob & { readonly abort: AbortController }) | undefined;
  private callsNotAfter = Infinity;

  constructor(
    private readonly queue: QueueClient,
    private readonly handler: JobHandler,
    private readonly protection: ScaleInProtection,
    private readonly settings: QueueWorkerSettings,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running = this.run();
  }

  /** Settles when the loop has ended after stop(), its last message deleted or returned. */
  get finished(): Promise<void> {
    return this.running;
  }

  /** The job in flight, if any. */
  get current(): CurrentJob | undefined {
    return this.job;
  }

  /** Stops polling: an idle long poll is aborted; a message still delivered goes back at once. */
  stop(): void {
    this.polling.abort(new Error('polling stopped for a drain'));
  }

  /** Aborts the job in flight, which then goes back to the queue. */
  abortCurrent(reason: string): void {
    this.job?.abort.abort(new Error(reason));
  }

  /** The drain's deadline came: abort the job, stop retrying a delete, bound the calls left by `notAfter` (epoch ms). */
  giveUp(reason: string, notAfter: number): void {
    this.callsNotAfter = notAfter;
    this.abortCurrent(reason);
    this.retrying.abort();
  }

  private get stopped(): boolean {
    return this.polling.signal.aborted;
  }

  private async run(): Promise<void> {
    const receives = new Backoff('sqs_receive', this.settings.backoff, this.log);
    while (!this.stopped) {
      const requestedAt = Date.now();
      let message: Message | undefined;
      try {
        message = await this.queue.receive(this.settings.waitTimeSeconds, this.settings.visibilityTimeoutSeconds, this.polling.signal);
        receives.succeeded();
      } catch (error) {
        if (!this.stopped) await sleep(receives.next(error), this.polling.signal);
        continue;
      }
      if (message) await this.process(new MessageLease(this.queue, message, requestedAt, this.settings, this.log));
    }
    receives.gaveUp();
  }

  private async process(lease: MessageLease): Promise<void> {
    const { messageId } = lease;
    if (this.stopped) {
      await lease.release(0, this.callsNotAfter);
      return;
    }
    const job = { messageId, deadline: Date.now() + this.settings.jobTimeoutMs, abort: new AbortController() };
    this.job = job;
    let completed = false;
    try {
      // Both bounded by the job's deadline: acquire() gives up by then, withDeadline aborts the handler.
      if (!(await this.protection.acquire(job.deadline, job.abort.signal))) {
        throw new Error('scale-in protection was not confirmed before the job\'s deadline');
      }
      this.log('job_started', { messageId, receiveCount: Number(lease.message.Attributes?.ApproximateReceiveCount ?? 0) });
      await withDeadline(`job ${messageId}`, job.deadline - Date.now(), (signal) => this.handler(lease.message, signal), job.abort.signal);
      completed = true;
      this.log('job_completed', { messageId });
    } catch (error) {
      this.log('job_failed', { messageId, error: errorMessage(error) });
    }
    if (completed) {
      await lease.delete(Date.now() + this.settings.deleteRetryBudgetMs, this.retrying.signal);
    } else {
      await lease.release(this.stopped ? 0 : this.settings.retryDelaySeconds, this.callsNotAfter);
    }
    this.job = undefined;
    if (!this.stopped) this.protection.releaseWhenIdle();
  }
}
