import { createHash, randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerLost, Fault, Faults } from './faults';
import { readBody } from './http';

/** One message of the in-memory queue. */
export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  receiptHandle: string | undefined;
  visibleAt: number;
  receiveCount: number;
  deleted: boolean;
  /** Moved to the dead-letter queue by the redrive policy. */
  deadLettered: boolean;
  /** Moved back from the dead-letter queue by a redrive: it lives on as a new message. */
  redriven: boolean;
}

/** SQS's own fault: a message accepted (queued) whose answer never reaches the sender, as when a connection drops. */
export type SqsFault = Fault | AnswerLost;

/** One SQS call as the fake received it, and how it answered. */
export interface SqsCall {
  readonly action: string;
  readonly input: Record<string, unknown>;
  /** When the request arrived (epoch ms). */
  readonly at: number;
  /** The fault injected, if any. */
  readonly fault?: SqsFault;
}

/** The queue's MaximumMessageSize: SQS's default and largest, 262,144 bytes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html). */
export const MAXIMUM_MESSAGE_SIZE = 262_144;

/** SQS error answers of the JSON protocol (awsQueryCompatible, as the real service sends them). */
const ERRORS: Record<'internal-error' | 'unavailable' | 'throttled', { status: number; code: string; queryCode: string }> = {
  'internal-error': { status: 500, code: 'InternalError', queryCode: 'InternalError;Receiver' },
  unavailable: { status: 503, code: 'ServiceUnavailable', queryCode: 'ServiceUnavailable;Receiver' },
  throttled: { status: 400, code: 'RequestThrottled', queryCode: 'RequestThrottled;Sender' },
};

/**
 * An SQS queue in memory with real visibility semantics, served over SQS's JSON protocol
 * (X-Amz-Target AmazonSQS.*, the protocol of the bundled SDK): a received message is hidden
 * until its visibility timeout passes or it is deleted; only the latest receipt handle of a
 * message may delete it or change its visibility (deleting it again with that handle succeeds,
 * as SQS does); ReceiveMessage takes MaxNumberOfMessages 1 to 10 (400 InvalidParameterValue
 * otherwise) and returns up to that many of the visible messages, long-polls up to
 * WaitTimeSeconds, hands nothing to a client that left, answers ApproximateReceiveCount when
 * asked (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html),
 * and dead-letters a message received maxReceiveCount times. SendMessage queues a message and
 * answers its MessageId and the MD5 of its body, which the SDK checks
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html);
 * GetQueueAttributes answers the attributes asked for
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html).
 * `redrive()` moves the dead letters back as SQS's message-move task does. `faults` makes calls
 * fail, hang or lag, or a send queue its message without answering.
 */
export class FakeSqsQueue {
  readonly messages: StoredMessage[] = [];
  readonly calls: SqsCall[] = [];
  readonly faults = new Faults<SqsFault>();
  /** The redrive policy's maxReceiveCount. */
  maxReceiveCount = Infinity;

  constructor(private readonly defaultVisibilitySeconds = 30, private readonly queueArn = 'arn:aws:sqs:us-east-1:123456789012:jobs') {}

  /** Queues `body` as a message with this id (a job's id, so the ledger can match them). */
  send(body: string, id: string = randomUUID()): StoredMessage {
    const message: StoredMessage = {
      id, body, receiptHandle: undefined, visibleAt: 0, receiveCount: 0, deleted: false, deadLettered: false, redriven: false,
    };
    this.messages.push(message);
    return message;
  }

  isVisible(message: StoredMessage, now = Date.now()): boolean {
    return !message.deleted && !message.deadLettered && message.visibleAt <= now;
  }

  /**
   * Moves every dead-lettered message back, as StartMessageMoveTask does: "All redriven
   * messages are considered new messages and are assigned a new messageID and enqueueTime"
   * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html),
   * so their receive count starts again. Returns the new messages.
   */
  redrive(): StoredMessage[] {
    const dead = this.messages.filter((message) => message.deadLettered && !message.redriven);
    return dead.map((message) => {
      message.redriven = true;
      return this.send(message.body);
    });
  }

  /** The calls of one action. */
  callsOf(action: string): SqsCall[] {
    return this.calls.filter((call) => call.action === action);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const action = String(req.headers['x-amz-target']).replace('AmazonSQS.', '');
    const input = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const fault = this.faults.take(action);
    this.calls.push({ action, input, at: Date.now(), fault });
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers }).end(JSON.stringify(body));
    };
    if (fault === 'hang') return;
    if (fault === 'answer-lost') {
      if (action === 'SendMessage') this.send(String(input.MessageBody));
      return;
    }
    if (typeof fault === 'object') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    else if (fault) {
      const error = ERRORS[fault];
      reply(error.status, { __type: `com.amazonaws.sqs#${error.code}`, message: `injected ${fault}` }, { 'x-amzn-query-error': error.queryCode });
      return;
    }
    const handled = this.messages.find((m) => m.receiptHandle !== undefined && m.receiptHandle === input.ReceiptHandle);
    const inFlight = handled && !handled.deleted && handled.visibleAt > Date.now() ? handled : undefined;
    switch (action) {
      case 'ReceiveMessage': {
        const max = input.MaxNumberOfMessages === undefined ? 1 : Number(input.MaxNumberOfMessages);
        if (!(Number.isInteger(max) && max >= 1 && max <= 10)) {
          return reply(400, { __type: 'com.amazonaws.sqs#InvalidParameterValue', message: `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.` },
            { 'x-amzn-query-error': 'InvalidParameterValue;Sender' });
        }
        reply(200, await this.receive(res, input, max));
        return;
      }
      case 'SendMessage': {
        const body = String(input.MessageBody);
        return reply(200, { MessageId: this.send(body).id, MD5OfMessageBody: createHash('md5').update(body).digest('hex') });
      }
      case 'GetQueueAttributes': {
        const names = (input.AttributeNames as string[] | undefined) ?? [];
        const visible = this.messages.filter((m) => this.isVisible(m)).length;
        const all: Record<string, string> = {
          MaximumMessageSize: String(MAXIMUM_MESSAGE_SIZE),
          QueueArn: this.queueArn,
          ApproximateNumberOfMessages: String(visible),
          ApproximateNumberOfMessagesNotVisible: String(this.messages.filter((m) => !m.deleted && !m.deadLettered && !this.isVisible(m)).length),
        };
        return reply(200, { Attributes: Object.fromEntries(Object.entries(all).filter(([name]) => names.includes(name) || names.includes('All'))) });
      }
      case 'DeleteMessage':
        if (handled?.deleted) return reply(200, {});
        if (!inFlight) return reply(400, { __type: 'com.amazonaws.sqs#ReceiptHandleIsInvalid', message: 'stale receipt handle' });
        inFlight.deleted = true;
        return reply(200, {});
      case 'ChangeMessageVisibility':
        if (!inFlight) return reply(400, { __type: 'com.amazonaws.sqs#MessageNotInflight', message: 'message not in flight' });
        inFlight.visibleAt = Date.now() + Number(input.VisibilityTimeout) * 1000;
        return reply(200, {});
      default:
        return reply(400, { __type: 'com.amazonaws.sqs#UnsupportedOperation', message: action });
    }
  }

  private async receive(res: ServerResponse, input: Record<string, unknown>, max: number): Promise<{ Messages?: unknown[] }> {
    const waitUntil = Date.now() + Number(input.WaitTimeSeconds ?? 0) * 1000;
    const wantsCount = (input.MessageSystemAttributeNames as string[] | undefined)?.some((name) => name === 'ApproximateReceiveCount' || name === 'All');
    let gone = false;
    res.once('close', () => { gone = !res.writableFinished; });
    for (;;) {
      if (gone) return {};
      for (const message of this.messages.filter((m) => this.isVisible(m) && m.receiveCount >= this.maxReceiveCount)) message.deadLettered = true;
      const taken = this.messages.filter((m) => this.isVisible(m)).slice(0, max);
      if (taken.length > 0) {
        return {
          Messages: taken.map((message) => {
            message.receiptHandle = randomUUID();
            message.receiveCount += 1;
            message.visibleAt = Date.now() + Number(input.VisibilityTimeout ?? this.defaultVisibilitySeconds) * 1000;
            return {
              MessageId: message.id,
              ReceiptHandle: message.receiptHandle,
              Body: message.body,
              MD5OfBody: createHash('md5').update(message.body).digest('hex'),
              ...(wantsCount ? { Attributes: { ApproximateReceiveCount: String(message.receiveCount) } } : {}),
            };
          }),
        };
      }
      if (Date.now() >= waitUntil) return {};
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
