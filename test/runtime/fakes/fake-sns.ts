import { IncomingMessage, ServerResponse } from 'node:http';
import { Faults } from './faults';
import { LoopbackServer, listenOnLoopback, readBody } from './http';

/** One Publish call: the topic, the message and its string attributes. */
export interface Published {
  readonly topicArn: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
}

/**
 * SNS over its query protocol (form-encoded POST, XML answer): Publish, recorded per topic.
 * `afterPublish` runs once a message is recorded and before the answer is sent. `faults`
 * makes Publish calls fail (nothing recorded), hang or lag.
 */
export class FakeSns {
  readonly published: Published[] = [];
  readonly faults = new Faults();
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
    if (fault === 'hang') return;
    if (typeof fault === 'object') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    else if (fault) {
      const [status, type, code] = fault === 'throttled' ? [400, 'Sender', 'Throttling'] : [fault === 'internal-error' ? 500 : 503, 'Receiver', 'InternalError'];
      res.writeHead(status).end(`<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code>`
        + `<Message>injected ${fault}</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
      return;
    }
    if (action !== 'Publish') {
      res.writeHead(400).end('<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>'
        + `<Message>${action} is not supported</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
      return;
    }
    const attributes: Record<string, string> = {};
    for (let i = 1; params.has(`MessageAttributes.entry.${i}.Name`); i += 1) {
      attributes[params.get(`MessageAttributes.entry.${i}.Name`) ?? ''] = params.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    const published = { topicArn: params.get('TopicArn') ?? '', message: params.get('Message') ?? '', attributes };
    this.published.push(published);
    this.afterPublish(published);
    res.writeHead(200).end('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
      + `<PublishResult><MessageId>m-${this.published.length}</MessageId></PublishResult>`
      + '<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>');
  }
}
