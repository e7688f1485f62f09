import { randomUUID } from 'node:crypto';
import { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { LoopbackServer, listenOnLoopback } from './http';

/**
 * IMDSv2 on loopback: PUT /latest/api/token issues a session token (the TTL header is
 * required), GET /latest/meta-data/{path} answers the value set for `path` (404 when unset)
 * and 401 without a valid token.
 */
export class FakeImds {
  readonly metadata = new Map<string, string>();
  private readonly tokens = new Set<string>();

  private constructor(private readonly server: LoopbackServer) {}

  static async start(metadata: Record<string, string> = {}): Promise<FakeImds> {
    const ready: { imds?: FakeImds } = {};
    const server = await listenOnLoopback((req, res) => ready.imds?.handle(req.method, req.url ?? '', req.headers, res));
    const imds = new FakeImds(server);
    for (const [path, value] of Object.entries(metadata)) imds.metadata.set(path, value);
    ready.imds = imds;
    return imds;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(
    method: string | undefined,
    url: string,
    headers: IncomingHttpHeaders,
    res: ServerResponse,
  ): void {
    if (method === 'PUT' && url === '/latest/api/token') {
      if (!headers['x-aws-ec2-metadata-token-ttl-seconds']) {
        res.writeHead(400).end();
        return;
      }
      const token = randomUUID();
      this.tokens.add(token);
      res.writeHead(200).end(token);
      return;
    }
    if (!this.tokens.has(String(headers['x-aws-ec2-metadata-token']))) {
      res.writeHead(401).end();
      return;
    }
    const value = this.metadata.get(url.replace('/latest/meta-data/', ''));
    if (method !== 'GET' || value === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(value);
  }
}
