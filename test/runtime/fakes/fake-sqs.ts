import { createHash, randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http';

/** One message of the in-memory queue. */
export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  receiptHandle: string | undefined;
  visibleAt: number;
  receiveCount: number;
  deleted: boolean;
}

/**
 * An SQS queue in memory with real visibility semantics, served over SQS's JSON protocol:
 * a received message is hidden until its visibility timeout passes or it is deleted; only
 * the latest receipt handle of a message in flight may delete it or change its visibility;
 * ReceiveMessage long-polls up to WaitTimeSeconds and hands nothing to a client that left.
 */
export class FakeSqsQueue {
  readonly messages: StoredMessage[] = [];
  readonly calls: { action: string; input: Record<string, unknown> }[] = [];

  constructor(private readonly defaultVisibilitySeconds = 30) {}

  send(body: string, id: string = randomUUID()): StoredMessage {
    const message: StoredMessage = { id, body, receiptHandle: undefined, visibleAt: 0, receiveCount: 0, deleted: false };
    this.messages.push(message);
    return message;
  }

  isVisible(message: StoredMessage, now = Date.now()): boolean {
    return !message.deleted && message.visibleAt <= now;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const action = String(req.headers['x-amz-target']).replace('AmazonSQS.', '');
    const input = JSON.parse(await readBody(req)) as Record<string, unknown>;
    this.calls.push({ action, input });
    const reply = (status: number, body: unknown): void => {
      if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    };
    const inFlight = this.messages.find((m) => !m.deleted && m.receiptHandle === input.ReceiptHandle && m.visibleAt > Date.now());
    switch (action) {
      case 'ReceiveMessage':
        reply(200, await this.receive(res, input));
        return;
      case 'DeleteMessage':
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

  private async receive(res: ServerResponse, input: Record<string, unknown>): Promise<{ Messages?: unknown[] }> {
    const waitUntil = Date.now() + Number(input.WaitTimeSeconds ?? 0) * 1000;
    const systemAttributes = (input.MessageSystemAttributeNames ?? []) as string[];
    let gone = false;
    res.once('close', () => { gone = !res.writableFinished; });
    for (;;) {
      const message = this.messages.find((m) => this.isVisible(m));
      if (gone) return {};
      if (message) {
        message.receiptHandle = randomUUID();
        message.receiveCount += 1;
        message.visibleAt = Date.now() + Number(input.VisibilityTimeout ?? this.defaultVisibilitySeconds) * 1000;
        return {
          Messages: [{
            MessageId: message.id,
            ReceiptHandle: message.receiptHandle,
            Body: message.body,
            MD5OfBody: createHash('md5').update(message.body).digest('hex'),
            ...(systemAttributes.includes('ApproximateReceiveCount') ? { Attributes: { ApproximateReceiveCount: String(message.receiveCount) } } : {}),
          }],
        };
      }
      if (Date.now() >= waitUntil) return {};
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
