import { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerLost, Fault, Faults } from './faults';
import { LoopbackServer, listenOnLoopback } from './http';

/** One stored object. */
export interface StoredObject {
  readonly body: Buffer;
  readonly contentType: string;
  /** User metadata, from the `x-amz-meta-*` headers. */
  readonly metadata: Record<string, string>;
}

/** One PutObject the fake answered: its key and status (200, or 412 for a conditional write on a taken key). */
export interface PutRecord {
  readonly key: string;
  readonly status: number;
}

/**
 * S3's own faults: a conditional write meeting a concurrent one (409 ConditionalRequestConflict,
 * "On a 409 failure you should retry the upload":
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html), and a write stored whose
 * answer is lost.
 */
export type S3Fault = Fault | 'conditional-conflict' | AnswerLost;

/**
 * S3 over its REST protocol, path-style (`/{bucket}/{key}`), as the SDK speaks it to an IP
 * endpoint: PutObject (honouring `If-None-Match: *` with 412 PreconditionFailed:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html), GetObject,
 * HeadObject and ListObjectsV2. `requireIfNoneMatch` lists the key prefixes where a bucket
 * policy denies PutObject without If-None-Match (403 AccessDenied), as JobResults' policy does.
 * `afterStore` runs once an object is durable and before the answer is sent, where a drill can
 * kill the writer. `faults` makes calls (by action name: PutObject, GetObject, HeadObject,
 * ListObjectsV2) fail, hang or lag (a failed call stores nothing), or store without answering.
 */
export class FakeS3 {
  /** Objects by `bucket/key`. */
  readonly objects = new Map<string, StoredObject>();
  readonly puts: PutRecord[] = [];
  readonly faults = new Faults<S3Fault>();
  requireIfNoneMatch: readonly string[] = [];
  afterStore: (key: string) => void = () => undefined;

  private constructor(private readonly server: LoopbackServer) {}

  static async start(): Promise<FakeS3> {
    const ready: { s3?: FakeS3 } = {};
    const server = await listenOnLoopback((req, res) => {
      ready.s3?.handle(req, res).catch(() => res.writeHead(500).end());
    });
    const s3 = new FakeS3(server);
    ready.s3 = s3;
    return s3;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** The object at `bucket/key`, if any. */
  get(bucket: string, key: string): StoredObject | undefined {
    return this.objects.get(`${bucket}/${key}`);
  }

  /** Stores an object, as a submitter uploading an input would. */
  put(bucket: string, key: string, body: string, contentType = 'application/octet-stream'): void {
    this.objects.set(`${bucket}/${key}`, { body: Buffer.from(body), contentType, metadata: {} });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://s3');
    const [bucket, ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = `${bucket}/${key}`;
    const isList = req.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2';
    const action = isList ? 'ListObjectsV2' : ({ PUT: 'PutObject', HEAD: 'HeadObject' } as Record<string, string>)[req.method ?? ''] ?? 'GetObject';
    const fault = this.faults.take(action, key);
    if (fault === 'hang') return;
    if (typeof fault === 'object') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    else if (fault === 'conditional-conflict') {
      this.error(res, 409, 'ConditionalRequestConflict', 'A conflicting conditional operation is currently in progress against this resource.');
      return;
    } else if (fault && fault !== 'answer-lost') {
      const [status, code] = fault === 'internal-error' ? [500, 'InternalError'] : [503, fault === 'throttled' ? 'SlowDown' : 'ServiceUnavailable'];
      this.error(res, status, code, `injected ${fault}`);
      return;
    }
    if (isList) {
      this.list(res, bucket, url.searchParams.get('prefix') ?? '', Number(url.searchParams.get('max-keys') ?? '1000'));
      return;
    }
    if (req.method === 'PUT') {
      if (req.headers['if-none-match'] === undefined && this.requireIfNoneMatch.some((prefix) => key.startsWith(prefix))) {
        this.puts.push({ key, status: 403 });
        this.error(res, 403, 'AccessDenied', 'Access Denied (the bucket policy requires If-None-Match)');
        return;
      }
      if (req.headers['if-none-match'] === '*' && this.objects.has(path)) {
        this.puts.push({ key, status: 412 });
        this.error(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        return;
      }
      const metadata = Object.fromEntries(Object.entries(req.headers)
        .filter(([name]) => name.startsWith('x-amz-meta-'))
        .map(([name, value]) => [name.replace('x-amz-meta-', ''), String(value)]));
      this.objects.set(path, { body: Buffer.concat(chunks), contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'), metadata });
      this.puts.push({ key, status: 200 });
      this.afterStore(key);
      if (fault !== 'answer-lost') res.writeHead(200, { etag: '"etag"' }).end();
      return;
    }
    const object = this.objects.get(path);
    if (!object) {
      if (req.method === 'HEAD') res.writeHead(404).end();
      else this.error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      return;
    }
    const headers = {
      'content-type': object.contentType,
      'content-length': String(object.body.length),
      ...Object.fromEntries(Object.entries(object.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
    };
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : object.body);
  }

  private list(res: ServerResponse, bucket: string, prefix: string, maxKeys: number): void {
    const keys = [...this.objects.keys()]
      .filter((path) => path.startsWith(`${bucket}/${prefix}`))
      .map((path) => path.slice(bucket.length + 1))
      .sort()
      .slice(0, maxKeys);
    res.writeHead(200, { 'content-type': 'application/xml' }).end('<?xml version="1.0" encoding="UTF-8"?>'
      + '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
      + `<Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>false</IsTruncated>`
      + keys.map((key) => `<Contents><Key>${key}</Key><Size>${this.objects.get(`${bucket}/${key}`)?.body.length}</Size></Contents>`).join('')
      + '</ListBucketResult>');
  }

  private error(res: ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/xml' })
      .end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>r</RequestId></Error>`);
  }
}
