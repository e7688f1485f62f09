import type { Message } from '@aws-sdk/client-sqs';
import { Backoff, BackoffPolicy } from './backoff';
import { sleep, withDeadline } from './deadline';
import { Logger, errorMessage } from './log';
import { LeaseSettings, MessageLease } from './message-lease';
import { ScaleInProtection } from './protection';
import { QueueClient } from './queue-client';

/** What the worker does with each message. */
export interface JobHandler {
  /**
   * Runs one job. Resolves once the job is complete (its outcome durably recorded); throws on a
   * failure worth retrying. `signal` aborts when the job's deadline passes or a drain returns
   * the job: the handler must stop then. The message carries its ApproximateReceiveCount.
   */
  run(message: Message, signal: AbortSignal): Promise<unknown>;
  /**
   * The job could not start before its deadline (scale-in protection was not confirmed): on the
   * message's last attempt the handler records the failure, since the queue dead-letters it next.
   */
  notStarted(message: Message, error: Error): Promise<void>;
}

/** How the worker polls, runs and retries. */
export interface QueueWorkerSettings extends LeaseSettings {
  /** Jobs run at once. */
  readonly maxConcurrentJobs: number;
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

/** A job in flight. */
export interface CurrentJob {
  /** SQS id of the job's message. */
  readonly messageId: string;
  /** When the job is aborted unless done (epoch ms). */
  readonly deadline: number;
}

interface InFlightJob extends CurrentJob {
  readonly abort: AbortController;
}

/**
 * The queue loop, up to maxConcurrentJobs at a time: long-poll for as many messages as there
 * are free slots (failures back off with jitter), and for each message protect the instance,
 * run the job under its deadline while heartbeats keep the message hidden, then delete it
 * (retried while it stays hidden) or return it after the retry delay. A slot is taken from
 * the receive to the delete or return. Every call is bounded, so the loop never stalls on an
 * unanswered request.
 */
export class QueueWorker {
  private running: Promise<void> = Promise.resolve();
  private readonly polling = new AbortController();
  private readonly retrying = new AbortController();
  private readonly jobs = new Map<InFlightJob, Promise<void>>();
  private slotFreed: () => void = () => undefined;
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

  /** Settles when the loop has ended after stop() and every job's message is deleted or returned. */
  get finished(): Promise<void> {
    return this.running;
  }

  /** The jobs in flight. */
  get inFlight(): readonly CurrentJob[] {
    return [...this.jobs.keys()];
  }

  /** Stops polling: an idle long poll is aborted; a message still delivered goes back at once. */
  stop(): void {
    this.polling.abort(new Error('polling stopped for a drain'));
    this.slotFreed();
  }

  /** Aborts one job in flight, which then goes back to the queue. */
  abortJob(job: CurrentJob, reason: string): void {
    (job as InFlightJob).abort.abort(new Error(reason));
  }

  /** The drain's deadline came: abort every job, stop retrying deletes, bound the calls left by `notAfter` (epoch ms). */
  giveUp(reason: string, notAfter: number): void {
    this.callsNotAfter = notAfter;
    for (const job of this.jobs.keys()) this.abortJob(job, reason);
    this.retrying.abort();
  }

  private get stopped(): boolean {
    return this.polling.signal.aborted;
  }

  private async run(): Promise<void> {
    const receives = new Backoff('sqs_receive', this.settings.backoff, this.log);
    while (!this.stopped) {
      const free = this.settings.maxConcurrentJobs - this.jobs.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => { this.slotFreed = resolve; });
        continue;
      }
      const requestedAt = Date.now();
      let messages: Message[];
      try {
        messages = await this.queue.receive(free, this.settings.waitTimeSeconds, this.settings.visibilityTimeoutSeconds, this.polling.signal);
        receives.succeeded();
      } catch (error) {
        if (!this.stopped) await sleep(receives.next(error), this.polling.signal);
        continue;
      }
      for (const message of messages) this.take(new MessageLease(this.queue, message, requestedAt, this.settings, this.log));
    }
    receives.gaveUp();
    await Promise.all(this.jobs.values());
  }

  /** Starts a job in a slot of its own; the slot is freed once its message is deleted or returned. */
  private take(lease: MessageLease): void {
    const job: InFlightJob = { messageId: lease.messageId, deadline: Date.now() + this.settings.jobTimeoutMs, abort: new AbortController() };
    this.jobs.set(job, this.process(lease, job).finally(() => {
      this.jobs.delete(job);
      this.slotFreed();
    }));
  }

  private async process(lease: MessageLease, job: InFlightJob): Promise<void> {
    const { messageId } = job;
    if (this.stopped) {
      await lease.release(0, this.callsNotAfter);
      return;
    }
    let started = false;
    let completed = false;
    try {
      // Both bounded by the job's deadline: acquire() gives up by then, withDeadline aborts the handler.
      if (!(await this.protection.acquire(job.deadline, job.abort.signal))) {
        throw new Error('scale-in protection was not confirmed before the job\'s deadline');
      }
      started = true;
      this.log('job_started', { messageId, receiveCount: Number(lease.message.Attributes?.ApproximateReceiveCount ?? 0) });
      await withDeadline(`job ${messageId}`, job.deadline - Date.now(), (signal) => this.handler.run(lease.message, signal), job.abort.signal);
      completed = true;
      this.log('job_completed', { messageId });
    } catch (error) {
      this.log('job_failed', { messageId, error: errorMessage(error) });
      // A drain returning the job is no failure.
      if (!started && !job.abort.signal.aborted) await this.handler.notStarted(lease.message, error as Error);
    }
    if (completed) {
      await lease.delete(Date.now() + this.settings.deleteRetryBudgetMs, this.retrying.signal);
    } else {
      await lease.release(this.stopped ? 0 : this.settings.retryDelaySeconds, this.callsNotAfter);
    }
    this.protection.releaseHold();
  }
}
