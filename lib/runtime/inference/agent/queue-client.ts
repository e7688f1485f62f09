import { ChangeMessageVisibilityCommand, DeleteMessageCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { withDeadline } from './deadline';

/** SQS errors that retrying the same call cannot fix: the receipt handle is no longer the message's. */
const FINAL_ERRORS = new Set(['ReceiptHandleIsInvalid', 'InvalidIdFormat', 'MessageNotInflight', 'QueueDoesNotExist']);

/** True when `error` says the receipt handle is stale, so a retry would fail the same way. */
export function isFinalQueueError(error: unknown): boolean {
  return error instanceof Error && FINAL_ERRORS.has(error.name);
}

/**
 * The agent's SQS calls on the job queue, each bounded: by the call timeout, by `notAfter`
 * (epoch ms) when given, and by `signal`.
 */
export class QueueClient {
  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string, private readonly callTimeoutMs: number) {}

  /**
   * Long-polls for one message, hidden for `visibilitySeconds` once received, with its
   * ApproximateReceiveCount. The deadline is the long poll plus the call timeout.
   */
  async receive(waitSeconds: number, visibilitySeconds: number, signal: AbortSignal): Promise<Message | undefined> {
    const timeoutMs = waitSeconds * 1000 + this.callTimeoutMs;
    const output = await withDeadline('SQS ReceiveMessage', timeoutMs, (abortSignal) => this.sqs.send(new ReceiveMessageCommand({
      QueueUrl: this.queueUrl,
      MaxNumberOfMessages: 1,
      WaitTimeSeconds: waitSeconds,
      VisibilityTimeout: visibilitySeconds,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }), { abortSignal, requestTimeout: timeoutMs }), signal);
    return output.Messages?.[0];
  }

  async delete(receiptHandle: string, notAfter = Infinity): Promise<void> {
    await withDeadline('SQS DeleteMessage', this.timeoutMs(notAfter), (abortSignal) => this.sqs.send(
      new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle }), { abortSignal }));
  }

  async changeVisibility(receiptHandle: string, visibilitySeconds: number, notAfter = Infinity): Promise<void> {
    await withDeadline('SQS ChangeMessageVisibility', this.timeoutMs(notAfter), (abortSignal) => this.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: visibilitySeconds }),
      { abortSignal }));
  }

  private timeoutMs(notAfter: number): number {
    return Math.max(0, Math.min(this.callTimeoutMs, notAfter - Date.now()));
  }
}
