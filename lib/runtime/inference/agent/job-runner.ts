import type { Message } from '@aws-sdk/client-sqs';
import { Logger } from './log';
import { ScaleInProtection } from './protection';

/** The job in flight: when it started and how to abort its request. */
interface RunningJob {
  /** SQS id of the job's message. */
  readonly messageId: string;
  /** When the request started (epoch ms). */
  readonly startedAt: number;
  /** Aborts the job's request to the inference server. */
  readonly controller: AbortController;
}

/**
 * Runs one job: POSTs the message body to the local inference server under scale-in
 * protection and resolves with the message (so sqs-consumer deletes it) only on a 2xx.
 * Any other outcome throws, which leaves the message in the queue to be retried and
 * eventually dead-lettered. The request is aborted (not just raced) when the job times out
 * or when a drain returns the job.
 */
export class JobRunner {
  private running: RunningJob | undefined;
  private accepting = true;

  constructor(
    private readonly inferenceUrl: string,
    private readonly jobTimeoutMs: number,
    private readonly protection: ScaleInProtection,
    private readonly log: Logger,
  ) {}

  /** The job in flight, if any. */
  get current(): { readonly messageId: string; readonly startedAt: number } | undefined {
    return this.running;
  }

  /** Refuses every later message: one received while draining is failed back to the queue. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Aborts the job in flight, which then goes back to the queue. */
  abortCurrent(reason: string): void {
    this.running?.controller.abort(new Error(reason));
  }

  readonly handleMessage = async (message: Message): Promise<Message> => {
    const messageId = message.MessageId ?? 'unknown';
    if (!this.accepting) throw new Error(`job ${messageId} received while draining: returned to the queue`);
    const job: RunningJob = { messageId, startedAt: Date.now(), controller: new AbortController() };
    this.running = job;
    this.log('job_started', { messageId });
    try {
      await this.protection.acquire();
      const response = await fetch(this.inferenceUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-job-id': messageId },
        body: message.Body ?? '',
        signal: AbortSignal.any([job.controller.signal, AbortSignal.timeout(this.jobTimeoutMs)]),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`inference server answered ${response.status} for job ${messageId}`);
      this.log('job_succeeded', { messageId, durationMs: Date.now() - job.startedAt });
      return message;
    } finally {
      this.running = undefined;
      if (this.accepting) this.protection.releaseWhenIdle();
    }
  };
}
