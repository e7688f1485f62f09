import { ChangeMessageVisibilityCommand, DeleteMessageCommand, Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { withDeadline } from './deadline';

/** ReceiveMessage returns at most 10 messages a call. */
export const SQS_MAX_RECEIVE = 10;

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
   * Long-polls for up to `maxMessages` messages (SQS takes 1 to 10 and may return fewer:
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html),
   * each hidden for `visibilitySeconds` once received, with its ApproximateReceiveCount. The
   * deadline is the long poll plus the call timeout.
   */
  async receive(maxMessages: number, waitSeconds: number, visibilitySeconds: number, signal: AbortSignal): Promise<Message[]> {
    const timeoutMs = waitSeconds * 1000 + this.callTimeoutMs;
    const output = await withDeadline('SQS ReceiveMessage', timeoutMs, (abortSignal) => this.sqs.send(new ReceiveMessageCommand({
      QueueUrl: this.queueUrl,
      MaxNumberOfMessages: Math.max(1, Math.min(SQS_MAX_RECEIVE, maxMessages)),
      WaitTimeSeconds: waitSeconds,
      VisibilityTimeout: visibilitySeconds,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }), { abortSignal, requestTimeout: timeoutMs }), signal);
    return output.Messages ?? [];
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
