import { FakeAutoScaling } from './fake-auto-scaling';
import { FakeSqsQueue } from './fake-sqs';
import { LoopbackServer, listenOnLoopback } from './http';

/** One loopback endpoint for SQS (JSON protocol, by its X-Amz-Target) and Auto Scaling (query protocol). */
export interface FakeAws {
  readonly url: string;
  readonly queueUrl: string;
  readonly queue: FakeSqsQueue;
  readonly autoScaling: FakeAutoScaling;
  close(): Promise<void>;
}

export async function startFakeAws(): Promise<FakeAws> {
  const queue = new FakeSqsQueue();
  const autoScaling = new FakeAutoScaling();
  const server: LoopbackServer = await listenOnLoopback((req, res) => {
    const target = req.headers['x-amz-target'];
    const handled = typeof target === 'string' && target.startsWith('AmazonSQS.')
      ? queue.handle(req, res)
      : autoScaling.handle(req, res);
    handled.catch(() => res.writeHead(500).end());
  });
  return {
    url: server.url,
    queueUrl: `${server.url}/123456789012/jobs`,
    queue,
    autoScaling,
    close: () => server.close(),
  };
}
