import type { Message } from '@aws-sdk/client-sqs';
import { JobEnvelope, decodeInline, expiresAt, parseJobEnvelope } from '../job-envelope';
import { inputFolder, parseS3Uri, resultKey, s3Uri } from '../job-keys';
import { AwsClients } from './aws-clients';
import { ResolvedAgentConfig } from './config';
import { DeadlineError } from './deadline';
import { Attempt, Failure, JobOutcomes } from './job-outcomes';
import { Logger, errorMessage } from './log';
import { Notifier } from './notifier';
import { JobHandler } from './queue-worker';
import { AttemptRecord, ResultsWriter } from './results-writer';
import { RetriedCalls } from './retried-call';

/** A message read as a job: its envelope and result key, or why it is malformed. */
type ReadJob =
  | { readonly ok: true; readonly current: Attempt; readonly envelope: JobEnvelope; readonly key: string }
  | { readonly ok: false; readonly current: Attempt; readonly problems: readonly string[] };

/**
 * Runs jobs, the contract of SageMaker Asynchronous Inference, as the queue worker's handler
 * (the worker holds scale-in protection, keeps the message hidden and deletes it once run()
 * resolves). Before anything else, whatever the receive count, it looks for the job's result:
 * a duplicate delivery, a retry after a crash or a redriven message of a finished job runs
 * nothing and announces the result (see JobOutcomes). A redriven message's receive count says
 * nothing of earlier attempts: "All redriven messages are considered new messages and are
 * assigned a new messageID and enqueueTime"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html).
 * Otherwise it POSTs the input to `/invocations`, writes the response to `results/<jobId>`
 * once, announces it, and only then resolves. Every S3 and SNS call is bounded and retried with
 * backoff until the job's signal aborts.
 *
 * - A job without a result is claimed for this Region before anything else happens to it (see
 *   region-claim.ts); one a submitter moved to the other Region first is deleted untouched.
 * - A retryable failure throws: the worker returns the message for a later attempt.
 * - A malformed message (or one whose input is not the job's own) and a job past its
 *   time-to-live get `errors/<jobId>.json` and an error notification at once and resolve, so
 *   they are deleted: retrying cannot fix them. A malformed message naming a job that has a
 *   result changes nothing.
 * - The last attempt (receive count >= maxAttempts) that fails, or cannot start, records the
 *   failure (error document, notification) before the queue dead-letters the job. When it ran
 *   out of time, the record is written after the deadline, retried for deleteRetryBudgetSeconds.
 * - A job a drain returns is no failure: nothing is recorded.
 */
export class JobRunner implements JobHandler {
  private readonly results: ResultsWriter;
  private readonly outcomes: JobOutcomes;

  constructor(private readonly config: ResolvedAgentConfig, clients: Pick<AwsClients, 's3' | 'sns'>, private readonly log: Logger) {
    const calls = new RetriedCalls({
      callTimeoutMs: config.apiTimeoutSeconds * 1000,
      backoff: { baseMs: config.backoffBaseSeconds * 1000, maxMs: config.backoffMaxSeconds * 1000 },
    }, log);
    this.results = new ResultsWriter(clients.s3, config.resultsBucketName, calls);
    this.outcomes = new JobOutcomes(config, this.results, new Notifier(clients.sns, config.successTopicArn, config.errorTopicArn, calls), log);
  }

  async run(message: Message, signal: AbortSignal): Promise<void> {
    const job = this.read(message);
    let failure: Failure | undefined;
    let record: AttemptRecord | undefined;
    try {
      if (await this.announceExistingResult(job, signal)) return;
      if (job.ok && !(await this.claimedHere(job.current, signal))) return;
      failure = job.ok ? this.refusal(job.envelope) : malformed(job.problems);
      if (job.ok && !failure) {
        record = await this.startAttempt(job, signal);
        await this.invoke(job, signal);
        return;
      }
      if (failure) await this.outcomes.failed(job.current, failure, signal);
    } catch (error) {
      if (!this.isLastAttempt(job.current) || returnedByDrain(signal)) throw error;
      // The last attempt failed; one that ran out of time gets its record after the deadline.
      const stop = signal.aborted ? AbortSignal.timeout(this.config.deleteRetryBudgetSeconds * 1000) : signal;
      if (await this.announceExistingResult(job, stop)) return;
      await this.outcomes.failed(job.current, failure ?? { outcome: 'failed', reason: 'failed', problems: [errorMessage(error)] }, stop, record);
      throw error;
    }
  }

  async notStarted(message: Message, error: Error): Promise<void> {
    const job = this.read(message);
    if (!this.isLastAttempt(job.current)) return;
    const stop = AbortSignal.timeout(this.config.deleteRetryBudgetSeconds * 1000);
    try {
      if (await this.announceExistingResult(job, stop)) return;
      if (job.ok && !(await this.claimedHere(job.current, stop))) return;
      const refusal = job.ok ? this.refusal(job.envelope) : malformed(job.problems);
      await this.outcomes.failed(job.current, refusal ?? { outcome: 'failed', reason: 'failed', problems: [errorMessage(error)] }, stop);
    } catch (recording) {
      this.log('job_error_not_recorded', { messageId: job.current.messageId, jobId: job.current.jobId, error: errorMessage(recording) });
    }
  }

  private read(message: Message): ReadJob {
    const messageId = message.MessageId ?? 'unknown';
    const attempt = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    const parsed = parseJobEnvelope(message.Body ?? '');
    if (!parsed.ok) return { ok: false, current: { jobId: parsed.jobId ?? messageId, attempt, messageId }, problems: parsed.problems };
    const { envelope } = parsed;
    return { ok: true, current: { jobId: envelope.jobId, attempt, messageId }, envelope, key: resultKey(envelope.jobId, envelope.outputPrefix) };
  }

  /**
   * Announces the job's result if it has one, and says so. A malformed message has no result
   * key of its own: its job's attempt record names the key its result would have.
   */
  private async announceExistingResult(job: ReadJob, stop: AbortSignal): Promise<boolean> {
    const key = job.ok ? job.key : (await this.results.readAttempt(job.current.jobId, stop))?.resultKey;
    if (key === undefined || !(await this.results.exists(key, stop))) return false;
    if (job.ok) {
      await this.outcomes.succeeded(job.current, s3Uri(this.results.bucket, key), stop);
    } else {
      this.log('job_malformed_ignored', { messageId: job.current.messageId, jobId: job.current.jobId, reason: 'the job named has a result', problems: job.problems });
    }
    return true;
  }

  /**
   * Claims the job for this Region (see region-claim.ts): true when it runs here; false when a
   * submitter moved it to the other Region first, where it runs and is announced, so this
   * message is deleted with nothing run, written or announced here.
   */
  private async claimedHere(current: Attempt, stop: AbortSignal): Promise<boolean> {
    const region = await this.results.claimRegion(current.jobId, this.config.region, stop);
    if (region === this.config.region) return true;
    this.log('job_moved', { messageId: current.messageId, jobId: current.jobId, region });
    return false;
  }

  /** Why a valid envelope's job must not run, recorded at once: an input not its own, or its time-to-live passed. */
  private refusal(envelope: JobEnvelope): Failure | undefined {
    const problems = this.inputProblems(envelope);
    if (problems.length > 0) return malformed(problems);
    const expiry = expiresAt(envelope);
    if (expiry !== undefined && Date.now() > expiry) {
      return {
        outcome: 'expired',
        reason: 'expired',
        problems: [`the job waited past its time-to-live: submitted ${envelope.submittedAt} with ttlSeconds ${envelope.ttlSeconds}, expired at ${new Date(expiry).toISOString()}`],
      };
    }
    return undefined;
  }

  /** A job may read only its own input, in the results bucket under `inputs/<jobId>/`. */
  private inputProblems(envelope: JobEnvelope): string[] {
    if ('inline' in envelope.input) return [];
    const { s3Uri: uri } = envelope.input;
    const location = parseS3Uri(uri);
    if (location?.bucket !== this.config.resultsBucketName) {
      return [`/input/s3Uri (${uri}) must be in the results bucket ${this.config.resultsBucketName}: upload inputs to ${inputFolder(envelope.jobId)}`];
    }
    return location.key.startsWith(inputFolder(envelope.jobId)) ? []
      : [`/input/s3Uri (${uri}) must be under the job's own folder ${inputFolder(envelope.jobId)}: a job reads only its own input`];
  }

  private async startAttempt(job: Extract<ReadJob, { ok: true }>, signal: AbortSignal): Promise<AttemptRecord> {
    const startedAt = Date.now();
    const record: AttemptRecord = {
      jobId: job.current.jobId,
      attempt: job.current.attempt,
      instanceId: this.config.instanceId,
      resultKey: job.key,
      startedAt: new Date(startedAt).toISOString(),
      deadline: new Date(startedAt + this.config.jobTimeoutSeconds * 1000).toISOString(),
      status: 'running',
    };
    await this.results.writeAttempt(record, signal);
    return record;
  }

  /** Invokes the server, writes the result once, announces it. */
  private async invoke(job: Extract<ReadJob, { ok: true }>, signal: AbortSignal): Promise<void> {
    const { envelope, current } = job;
    const body = 'inline' in envelope.input
      ? decodeInline(envelope.input)
      : await this.results.read(parseS3Uri(envelope.input.s3Uri)?.key ?? '', signal);
    const invokedAt = Date.now();
    const response = await fetch(this.config.inferenceUrl, {
      method: 'POST',
      headers: { 'content-type': envelope.contentType, ...(envelope.accept ? { accept: envelope.accept } : {}), 'x-job-id': envelope.jobId },
      body,
      signal,
    });
    const output = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) {
      throw new Error(`inference server answered ${response.status} for job ${envelope.jobId}: ${Buffer.from(output.subarray(0, 200)).toString('utf8')}`);
    }
    const durationMs = Date.now() - invokedAt;
    const written = await this.results.writeResult(job.key, output, response.headers.get('content-type') ?? 'application/octet-stream', {
      jobId: envelope.jobId, modelName: this.config.model.name, modelVersion: this.config.model.version, instanceId: this.config.instanceId, durationMs, attempt: current.attempt,
    }, signal);
    await this.outcomes.succeeded(current, written.location, signal, { written: written.created, timing: { submittedAt: envelope.submittedAt, invokedAt, durationMs } });
  }

  private isLastAttempt(current: Attempt): boolean {
    return current.attempt >= this.config.maxAttempts;
  }
}

/** The failure of a message that is not a job the fleet may run. */
function malformed(problems: readonly string[]): Failure {
  return { outcome: 'failed', reason: 'malformed', problems };
}

/** True when the job's signal was aborted by a drain returning it, not by its own deadline. */
function returnedByDrain(signal: AbortSignal): boolean {
  return signal.aborted && !(signal.reason instanceof DeadlineError);
}
