import type { Message } from '@aws-sdk/client-sqs';
import { Logger } from './log';

/**
 * Runs one job: POSTs the message body to the local inference server and resolves only on a
 * 2xx. Any other outcome throws, which leaves the message in the queue to be retried and
 * eventually dead-lettered. `signal` aborts the request (not just races it) when the job's
 * deadline passes or a drain returns the job. The queue worker owns everything around the
 * job: scale-in protection, heartbeats, the delete.
 */
export class JobRunner {
  constructor(
    private readonly inferenceUrl: string,
    private readonly log: Logger,
  ) {}

  readonly handleMessage = async (message: Message, signal: AbortSignal): Promise<void> => {
    const messageId = message.MessageId ?? 'unknown';
    const startedAt = Date.now();
    const response = await fetch(this.inferenceUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-job-id': messageId },
      body: message.Body ?? '',
      signal,
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`inference server answered ${response.status} for job ${messageId}`);
    this.log('job_succeeded', { messageId, durationMs: Date.now() - startedAt });
  };
}
