import { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerLost, Fault, Faults } from './faults';
import { LoopbackServer, listenOnLoopback, readBody } from './http';

/** One Publish call: the topic, the message and its string attributes. */
export interface Published {
  readonly topicArn: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
}

/** SNS's own faults: KMS throttling the topic's key, and a publish accepted whose answer is lost. */
export type SnsFault = Fault | 'kms-throttled' | AnswerLost;

/**
 * Largest message SNS publishes: 256 KiB, 262,144 bytes, attributes included
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html); a longer one is refused with
 * 400 InvalidParameter "Invalid parameter: Message too long", as users report it
 * (https://github.com/wellcomecollection/platform/issues/1776).
 */
export const SNS_MESSAGE_LIMIT_BYTES = 262_144;

/**
 * SNS over its query protocol (form-encoded POST, XML answer): Publish, recorded per topic,
 * refusing a message above SNS's limit. `afterPublish` runs once a message is recorded and
 * before the answer is sent. `faults` makes Publish calls fail (nothing recorded), hang, lag,
 * meet KMS throttling (400 KMSThrottling, as SNS answers on an encrypted topic:
 * https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors), or be
 * accepted and recorded without an answer.
 */
export class FakeSns {
  readonly published: Published[] = [];
  readonly faults = new Faults<SnsFault>();
  afterPublish: (published: Published) => void = () => undefined;

  private constructor(private readonly server: LoopbackServer) {}

  static async start(): Promise<FakeSns> {
    const ready: { sns?: FakeSns } = {};
    const server = await listenOnLoopback((req, res) => {
      ready.sns?.handle(req, res).catch(() => res.writeHead(500).end());
    });
    const sns = new FakeSns(server);
    ready.sns = sns;
    return sns;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The JSON messages published to `topicArn`. */
  messagesTo(topicArn: string): Record<string, unknown>[] {
    return this.published.filter((p) => p.topicArn === topicArn).map((p) => JSON.parse(p.message) as Record<string, unknown>);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = new URLSearchParams(await readBody(req));
    const action = params.get('Action');
    res.setHeader('content-type', 'text/xml');
    const fault = this.faults.take(action ?? '');
    const error = (status: number, type: string, code: string, message: string): void => {
      res.writeHead(status).end(`<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code>`
        + `<Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
    };
    if (fault === 'hang') return;
    if (typeof fault === 'object') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    else if (fault === 'kms-throttled') return error(400, 'Sender', 'KMSThrottling', 'Rate exceeded (injected)');
    else if (fault && fault !== 'answer-lost') {
      const [status, type, code] = fault === 'throttled' ? [400, 'Sender', 'Throttling'] : [fault === 'internal-error' ? 500 : 503, 'Receiver', 'InternalError'];
      return error(status, type, code, `injected ${fault}`);
    }
    if (action !== 'Publish') return error(400, 'Sender', 'InvalidAction', `${action} is not supported`);
    const attributes: Record<string, string> = {};
    let attributeBytes = 0;
    for (let i = 1; params.has(`MessageAttributes.entry.${i}.Name`); i += 1) {
      const [name, type, value] = ['Name', 'Value.DataType', 'Value.StringValue'].map((field) => params.get(`MessageAttributes.entry.${i}.${field}`) ?? '');
      attributes[name] = value;
      attributeBytes += Buffer.byteLength(name) + Buffer.byteLength(type) + Buffer.byteLength(value);
    }
    const message = params.get('Message') ?? '';
    if (Buffer.byteLength(message) + attributeBytes > SNS_MESSAGE_LIMIT_BYTES) return error(400, 'Sender', 'InvalidParameter', 'Invalid parameter: Message too long');
    const published = { topicArn: params.get('TopicArn') ?? '', message, attributes };
    this.published.push(published);
    this.afterPublish(published);
    if (fault === 'answer-lost') return;
    res.writeHead(200).end('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
      + `<PublishResult><MessageId>m-${this.published.length}</MessageId></PublishResult>`
      + '<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>');
  }
}
