import { ServerResponse } from 'node:http';
import { LoopbackServer, listenOnLoopback, readBody } from './http';

/** One request to `/invocations`: the job id (x-job-id), its Content-Type and body. */
export interface InferenceRequest {
  readonly jobId: string;
  readonly contentType: string;
  readonly body: string;
}

/** How the fake inference server answers a job: 200 after a delay, an error status, or never. */
export type InferenceBehaviour = { readonly status: number; readonly delayMs: number } | 'hang';

/**
 * The inference container on loopback: POST /invocations answers per `behaviour` with a JSON
 * body naming the job, counting per job id (the x-job-id header) the 200s the client
 * actually received, and the most requests it held at once.
 */
export class FakeInference {
  behaviour: InferenceBehaviour = { status: 200, delayMs: 0 };
  readonly completed = new Map<string, number>();
  readonly started: string[] = [];
  readonly requests: InferenceRequest[] = [];
  /** Requests being answered now, and the most there were at once. */
  inFlight = 0;
  maxInFlight = 0;

  private constructor(private readonly server: LoopbackServer) {}

  static async start(): Promise<FakeInference> {
    const ready: { inference?: FakeInference } = {};
    const server = await listenOnLoopback((req, res) => {
      const jobId = String(req.headers['x-job-id']);
      const contentType = String(req.headers['content-type']);
      void readBody(req).then((body) => ready.inference?.requests.push({ jobId, contentType, body }));
      ready.inference?.answer(jobId, res);
    });
    const inference = new FakeInference(server);
    ready.inference = inference;
    return inference;
  }

  get url(): string {
    return `${this.server.url}/invocations`;
  }

  /** The body the server answers for `jobId`. */
  static output(jobId: string): string {
    return JSON.stringify({ label: 'positive', jobId });
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private answer(jobId: string, res: ServerResponse): void {
    this.started.push(jobId);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.once('close', () => { this.inFlight -= 1; });
    const behaviour = this.behaviour;
    if (behaviour === 'hang') return;
    const timer = setTimeout(() => {
      res.writeHead(behaviour.status, { 'content-type': 'application/json' }).end(FakeInference.output(jobId), () => {
        if (behaviour.status === 200) this.completed.set(jobId, (this.completed.get(jobId) ?? 0) + 1);
      });
    }, behaviour.delayMs);
    res.once('close', () => clearTimeout(timer));
  }
}
