import type { Message } from '@aws-sdk/client-sqs';
import { Backoff, BackoffPolicy } from './backoff';
import { sleep } from './deadline';
import { Logger, errorMessage } from './log';
import { QueueClient, isFinalQueueError } from './queue-client';

/** How a lease keeps its message hidden and retries its calls. */
export interface LeaseSettings {
  /** Visibility timeout set by each heartbeat (whole seconds). */
  readonly visibilityTimeoutSeconds: number;
  /** Time between heartbeats (ms). */
  readonly heartbeatIntervalMs: number;
  /** Deadline of one SQS call (ms): a heartbeat is sent at least this long before the message could reappear. */
  readonly callTimeoutMs: number;
  /** Backoff of failing heartbeats and deletes. */
  readonly backoff: BackoffPolicy;
}

/**
 * A received message the agent holds. From its receipt until it is deleted or returned,
 * heartbeats renew its visibility (a failed heartbeat is retried sooner, with backoff). The
 * agent counts the message hidden from the moment the receive was sent, so a heartbeat is due
 * every heartbeat interval, or sooner: at least one call deadline before the visibility could
 * lapse (a message delivered at the end of a long poll is renewed at once). A completed job's
 * message is only ever deleted, never made visible again by the agent.
 */
export class MessageLease {
  /** When the message becomes visible again unless renewed (epoch ms), as far as the agent can tell. */
  private hiddenUntil: number;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatCall: Promise<void> | undefined;
  private ended = false;
  private readonly heartbeats: Backoff;

  /** `requestedAt`: when the receive that delivered the message was sent, before SQS hid it. */
  constructor(
    private readonly queue: QueueClient,
    readonly message: Message,
    requestedAt: number,
    private readonly settings: LeaseSettings,
    private readonly log: Logger,
  ) {
    this.hiddenUntil = requestedAt + settings.visibilityTimeoutSeconds * 1000;
    this.heartbeats = new Backoff('sqs_heartbeat', settings.backoff, log);
    this.scheduleHeartbeat(this.renewalDueInMs());
  }

  get messageId(): string {
    return this.message.MessageId ?? 'unknown';
  }

  /**
   * Deletes the message, retrying with backoff while it is still hidden, until `giveUpAt`
   * (epoch ms) or until `stop` aborts (the drain's deadline). True once SQS deleted it.
   */
  async delete(giveUpAt: number, stop: AbortSignal): Promise<boolean> {
    const messageId = this.messageId;
    const retries = new Backoff('sqs_delete', this.settings.backoff, this.log);
    try {
      for (let attempt = 1; ; attempt++) {
        const reason = stop.aborted ? 'drain deadline reached'
          : Date.now() >= this.hiddenUntil ? 'visibility lapsed' : Date.now() >= giveUpAt ? 'retry budget spent' : undefined;
        if (reason) {
          retries.gaveUp({ messageId });
          this.log('job_delete_abandoned', { messageId, reason, attempts: attempt - 1 });
          return false;
        }
        try {
          await this.queue.delete(this.message.ReceiptHandle ?? '', giveUpAt);
          this.ended = true;
          retries.succeeded({ messageId });
          this.log('job_deleted', { messageId, attempts: attempt });
          return true;
        } catch (error) {
          if (isFinalQueueError(error)) {
            retries.gaveUp({ messageId });
            this.log('job_delete_abandoned', { messageId, reason: errorMessage(error), attempts: attempt });
            return false;
          }
          await sleep(retries.next(error, { messageId }), stop);
        }
      }
    } finally {
      await this.end();
    }
  }

  /**
   * Returns the message to the queue, visible after `delaySeconds`. One attempt, bounded by
   * `notAfter` (epoch ms): if it fails, the message reappears when its visibility lapses.
   */
  async release(delaySeconds: number, notAfter: number): Promise<void> {
    await this.end();
    try {
      await this.queue.changeVisibility(this.message.ReceiptHandle ?? '', delaySeconds, notAfter);
      this.log('job_returned', { messageId: this.messageId, visibleInSeconds: delaySeconds });
    } catch (error) {
      this.log('job_return_failed', { messageId: this.messageId, error: errorMessage(error), visibleBy: new Date(this.hiddenUntil).toISOString() });
    }
  }

  /** Stops the heartbeats and waits for one on the wire (bounded by its call deadline). */
  private async end(): Promise<void> {
    this.ended = true;
    clearTimeout(this.heartbeatTimer);
    await this.heartbeatCall;
    this.heartbeats.gaveUp({ messageId: this.messageId });
  }

  /** When the next renewal is due: a heartbeat interval from now, or a call deadline before the message could reappear. */
  private renewalDueInMs(): number {
    return Math.max(0, Math.min(this.settings.heartbeatIntervalMs, this.hiddenUntil - Date.now() - this.settings.callTimeoutMs));
  }

  private scheduleHeartbeat(delayMs: number): void {
    if (!this.ended) this.heartbeatTimer = setTimeout(() => void this.beat(), delayMs);
  }

  private async beat(): Promise<void> {
    const sentAt = Date.now();
    const visibilityMs = this.settings.visibilityTimeoutSeconds * 1000;
    let nextMs = 0;
    let final = false;
    this.heartbeatCall = this.queue.changeVisibility(this.message.ReceiptHandle ?? '', this.settings.visibilityTimeoutSeconds).then(
      () => {
        this.hiddenUntil = Math.max(this.hiddenUntil, sentAt + visibilityMs);
        this.heartbeats.succeeded({ messageId: this.messageId });
        nextMs = this.renewalDueInMs();
      },
      (error: unknown) => {
        if (this.ended) return;
        final = isFinalQueueError(error);
        nextMs = Math.min(this.settings.heartbeatIntervalMs, this.heartbeats.next(error, { messageId: this.messageId }));
      },
    );
    await this.heartbeatCall;
    this.heartbeatCall = undefined;
    if (!final) this.scheduleHeartbeat(nextMs);
  }
}
