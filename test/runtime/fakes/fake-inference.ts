import { ServerResponse } from 'node:http';
import { LoopbackServer, listenOnLoopback } from './http';

/** How the fake inference server answers a job: 200 after a delay, an error status, or never. */
export type InferenceBehaviour = { readonly status: number; readonly delayMs: number } | 'hang';

/**
 * The inference container on loopback: POST /invocations answers per `behaviour`, counting
 * per job id (the x-job-id header) the 200s the client actually received.
 */
export class FakeInference {
  behaviour: InferenceBehaviour = { status: 200, delayMs: 0 };
  readonly completed = new Map<string, number>();
  readonly started: string[] = [];

  private constructor(private readonly server: LoopbackServer) {}

  static async start(): Promise<FakeInference> {
    const ready: { inference?: FakeInference } = {};
    const server = await listenOnLoopback((req, res) => {
      req.resume();
      ready.inference?.answer(String(req.headers['x-job-id']), res);
    });
    const inference = new FakeInference(server);
    ready.inference = inference;
    return inference;
  }

  get url(): string {
    return `${this.server.url}/invocations`;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private answer(jobId: string, res: ServerResponse): void {
    this.started.push(jobId);
    const behaviour = this.behaviour;
    if (behaviour === 'hang') return;
    const timer = setTimeout(() => {
      res.writeHead(behaviour.status).end('{}', () => {
        if (behaviour.status === 200) this.completed.set(jobId, (this.completed.get(jobId) ?? 0) + 1);
      });
    }, behaviour.delayMs);
    res.once('close', () => clearTimeout(timer));
  }
}
