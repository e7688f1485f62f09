import { EnvironmentConfig } from '../../lib/config';
import { JobsClientTimeouts, JobsClients, createJobsClients } from './context';
import { Placement, submitWithFailover } from './failover';
import { RegionalStatus, jobStatusInRegions } from './regional-status';
import { JobsRegions, jobsRegionsOf } from './regions';
import { JobStatus, pollUntilFinal, readResult } from './status';
import { Submission } from './submit';

/** A job to submit: its body and how to run it; the rest of the envelope is the client's. */
export interface JobRequest extends Omit<Submission, 'body' | 'source'> {
  /** The request body, sent to the model's `/invocations`. */
  readonly body: Buffer | string;
}

/** Where a job is: its status and the Region whose records hold it. */
export interface JobLocation {
  readonly status: JobStatus;
  /** The Region that holds the job. */
  readonly region: string;
}

/** How the client treats the primary Region and waits. */
export interface JobsClientOptions {
  /**
   * The impaired-Region switch: true (or a function answering true, asked before each
   * submission) marks the primary Region impaired, and every job goes to the standby at once,
   * nothing sent to the primary. An application wires it to whatever its operators flip (a
   * parameter, a feature flag, an AWS Health event); the jobs CLI's `--region-impaired` is the
   * same switch for one command.
   * With one Region, a submission while it is on is an error: there is nowhere to fail over to.
   * @default false - the primary, failing over only when it cannot be reached
   */
  readonly primaryImpaired?: boolean | (() => boolean | Promise<boolean>);
  /** Sleeps between polls of `wait`. @default - setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock. @default - the system clock */
  readonly now?: () => Date;
}

/** What `wait` waits for. */
export interface JobWait {
  /** How long to wait for a final status, in milliseconds. */
  readonly timeoutMs: number;
  /** @default 5000 */
  readonly pollIntervalMs?: number;
}

/**
 * The jobs client for applications: what `npm run jobs` does, as a library. It submits to the
 * environment's primary Region and, in an environment with a `secondaryRegion`, fails over to
 * the standby when the primary's stack, queue or bucket cannot be reached or the primary is
 * marked impaired (`primaryImpaired`); a job runs in one Region only (scripts/jobs/failover.ts).
 * It reads a job's status and result from whichever Region holds it.
 *
 * ```ts
 * const jobs = JobsClient.forEnvironment(config, 'default');
 * const { envelope } = await jobs.submit({ body: JSON.stringify({ text }), contentType: 'application/json' });
 * const done = await jobs.wait(envelope.jobId, { timeoutMs: 600_000 });
 * if (done?.status.status === 'succeeded') use(await jobs.result(envelope.jobId));
 * ```
 */
export class JobsClient {
  /**
   * The client of `service` in the environment `config`: its Regions from the config (both,
   * where it has a `secondaryRegion`), their queues and buckets read from the stacks' outputs on
   * first use, with the SDK's default credentials and the CLI's timeouts.
   */
  static forEnvironment(
    config: EnvironmentConfig,
    service: string,
    options: JobsClientOptions & { readonly timeouts?: JobsClientTimeouts; readonly clientsFor?: (region: string) => JobsClients } = {},
  ): JobsClient {
    const clientsFor = options.clientsFor ?? ((region: string) => createJobsClients(region, options.timeouts));
    return new JobsClient(jobsRegionsOf(config, service, clientsFor, undefined, process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION), options);
  }

  constructor(private readonly regions: JobsRegions, private readonly options: JobsClientOptions = {}) {}

  /** Submits the job: to the primary, or to the standby when the primary is impaired or cannot be reached. */
  async submit(job: JobRequest): Promise<Placement> {
    const { primaryImpaired } = this.options;
    const impaired = typeof primaryImpaired === 'function' ? await primaryImpaired() : primaryImpaired === true;
    if (impaired && !this.regions.standby) {
      throw new Error(`primaryImpaired is on but there is no standby Region to fail over to (only ${this.regions.primary.region}): set the environment's secondaryRegion, or turn the switch off`);
    }
    const body = typeof job.body === 'string' ? Buffer.from(job.body) : job.body;
    return submitWithFailover(this.regions, { ...job, body, source: 'the request body' }, { primaryImpaired: impaired }, this.now());
  }

  /** The job's status, from the Region that holds it (read from both). Throws UnknownJobError for a job neither knows. */
  async status(jobId: string): Promise<JobLocation> {
    return location(await jobStatusInRegions(this.regions, jobId, this.now()));
  }

  /** Polls until the job is final (succeeded, failed or expired); undefined when `timeoutMs` passes first. */
  async wait(jobId: string, { timeoutMs, pollIntervalMs = 5000 }: JobWait): Promise<JobLocation | undefined> {
    if (!(timeoutMs >= 0 && Number.isFinite(timeoutMs))) throw new RangeError(`timeoutMs (${timeoutMs}) must be a finite number of milliseconds, 0 or more: how long to wait for a final status`);
    if (!(pollIntervalMs > 0 && Number.isFinite(pollIntervalMs))) throw new RangeError(`pollIntervalMs (${pollIntervalMs}) must be a finite number of milliseconds above 0, e.g. 5000`);
    let found: RegionalStatus | undefined;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const status = await pollUntilFinal(async (now) => (found = await jobStatusInRegions(this.regions, jobId, now)).status, { timeoutMs, pollIntervalMs, sleep, now: () => this.now() });
    return status && found ? location(found) : undefined;
  }

  /** The result of a succeeded job, from the Region that ran it; an error naming the status otherwise. */
  async result(jobId: string): Promise<Uint8Array> {
    const { status, region } = await jobStatusInRegions(this.regions, jobId, this.now());
    if (status.status !== 'succeeded') throw new Error(`job ${jobId} has no result: it is ${status.status} in ${region.region}`);
    return readResult(await region.context(), status.resultUri);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function location({ status, region }: RegionalStatus): JobLocation {
  return { status, region: region.region };
}
