import type { Message } from '@aws-sdk/client-sqs';
import { JobEnvelope, decodeInline, parseJobEnvelope } from '../job-envelope';
import { parseS3Uri, resultKey, s3Uri } from '../job-keys';
import { AwsClients } from './aws-clients';
import { ResolvedAgentConfig } from './config';
import { DeadlineError } from './deadline';
import { Logger, errorMessage } from './log';
import { JobNotification, Notifier } from './notifier';
import { JobHandler } from './queue-worker';
import { ResultsWriter } from './results-writer';
import { RetriedCalls } from './retried-call';

/** The fields every record of one attempt shares. */
interface Attempt {
  readonly jobId: string;
  /** The message's receive count. */
  readonly attempt: number;
  /** SQS id of the message. */
  readonly messageId: string;
}

/**
 * Runs one job, the contract of SageMaker Asynchronous Inference, as the queue worker's job
 * handler (the worker holds scale-in protection, keeps the message hidden and deletes it once
 * this resolves): reads the envelope, POSTs its input to `/invocations`, writes the response to
 * `results/<jobId>` and publishes to the success topic, and only then resolves. Every S3 and
 * SNS call is bounded and retried with backoff until the job's signal aborts.
 *
 * - A retryable failure throws: the worker returns the message for a later attempt.
 * - A malformed message gets `errors/<jobId>.json` and an error notification at once and
 *   resolves, so it is deleted: retrying cannot fix it.
 * - The last attempt (receive count >= maxAttempts) that fails writes `errors/<jobId>.json` and
 *   notifies the error topic, then throws, leaving the job to the dead-letter queue. When it
 *   failed by running out of time, the record is written after the deadline, retried for
 *   deleteRetryBudgetSeconds.
 * - A repeat (a redelivery, a crash between the write and the delete) finds its result,
 *   runs nothing and sends a notification flagged `repeat`. No result is ever overwritten, and
 *   no failure is recorded for a job that has a result.
 * - A job a drain returns is no failure: nothing is recorded.
 */
export class JobRunner {
  private readonly results: ResultsWriter;
  private readonly notifier: Notifier;

  constructor(private readonly config: ResolvedAgentConfig, clients: Pick<AwsClients, 's3' | 'sns'>, private readonly log: Logger) {
    const calls = new RetriedCalls({
      callTimeoutMs: config.apiTimeoutSeconds * 1000,
      backoff: { baseMs: config.backoffBaseSeconds * 1000, maxMs: config.backoffMaxSeconds * 1000 },
    }, log);
    this.results = new ResultsWriter(clients.s3, config.resultsBucketName, calls);
    this.notifier = new Notifier(clients.sns, config.successTopicArn, config.errorTopicArn, calls);
  }

  readonly handleMessage: JobHandler = async (message: Message, signal: AbortSignal): Promise<void> => {
    const messageId = message.MessageId ?? 'unknown';
    const attempt = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    const parsed = parseJobEnvelope(message.Body ?? '');
    const problems = parsed.ok ? this.inputProblems(parsed.envelope) : parsed.problems;
    if (!parsed.ok || problems.length > 0) {
      const jobId = (parsed.ok ? parsed.envelope.jobId : parsed.jobId) ?? messageId;
      await this.recordError({ jobId, attempt, messageId }, 'malformed', problems, signal);
      return;
    }
    const { envelope } = parsed;
    const current: Attempt = { jobId: envelope.jobId, attempt, messageId };
    const key = resultKey(envelope.jobId, envelope.outputPrefix);
    try {
      if (attempt > 1 && await this.results.exists(key, signal)) {
        await this.announceRepeat(current, key, signal);
        return;
      }
      await this.run(envelope, key, current, signal);
    } catch (error) {
      if (attempt < this.config.maxAttempts || returnedByDrain(signal)) throw error;
      // The last attempt failed; a job that ran out of time gets its record after the deadline.
      const stop = signal.aborted ? AbortSignal.timeout(this.config.deleteRetryBudgetSeconds * 1000) : signal;
      if (await this.results.exists(key, stop)) {
        await this.announceRepeat(current, key, stop);
        return;
      }
      await this.recordError(current, 'failed', [errorMessage(error)], stop);
      throw error;
    }
  };

  /** Invokes the server, writes the result, publishes it. */
  private async run(envelope: JobEnvelope, key: string, current: Attempt, signal: AbortSignal): Promise<void> {
    const { jobId } = envelope;
    const startedAt = Date.now();
    await this.results.writeAttempt({
      jobId,
      attempt: current.attempt,
      instanceId: this.config.instanceId,
      resultKey: key,
      startedAt: new Date(startedAt).toISOString(),
      deadline: new Date(startedAt + this.config.jobTimeoutSeconds * 1000).toISOString(),
    }, signal);
    const body = 'inline' in envelope.input
      ? decodeInline(envelope.input)
      : await this.results.readInput(parseS3Uri(envelope.input.s3Uri)?.key ?? '', signal);
    const invokedAt = Date.now();
    const response = await fetch(this.config.inferenceUrl, {
      method: 'POST',
      headers: { 'content-type': envelope.contentType, ...(envelope.accept ? { accept: envelope.accept } : {}), 'x-job-id': jobId },
      body,
      signal,
    });
    const output = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) {
      throw new Error(`inference server answered ${response.status} for job ${jobId}: ${Buffer.from(output.subarray(0, 200)).toString('utf8')}`);
    }
    const durationMs = Date.now() - invokedAt;
    const written = await this.results.writeResult(key, output, response.headers.get('content-type') ?? 'application/octet-stream', {
      jobId, modelName: this.config.model.name, modelVersion: this.config.model.version, instanceId: this.config.instanceId, durationMs, attempt: current.attempt,
    }, signal);
    await this.notifier.publish({ ...this.common(current), status: 'succeeded', repeat: written.repeat, location: written.location, durationMs }, signal);
    this.log('job_succeeded', { messageId: current.messageId, jobId, durationMs, repeat: written.repeat, location: written.location });
  }

  /** An earlier attempt wrote the result: announce it again, flagged as a repeat. */
  private async announceRepeat(current: Attempt, key: string, stop: AbortSignal): Promise<void> {
    const location = s3Uri(this.results.bucket, key);
    await this.notifier.publish({ ...this.common(current), status: 'succeeded', repeat: true, location }, stop);
    this.log('job_succeeded', { messageId: current.messageId, jobId: current.jobId, repeat: true, location });
  }

  /** Writes `errors/<jobId>.json` and publishes it to the error topic. */
  private async recordError(current: Attempt, reason: 'malformed' | 'failed', problems: readonly string[], stop: AbortSignal): Promise<void> {
    const written = await this.results.writeError({
      jobId: current.jobId,
      reason,
      problems,
      attempt: current.attempt,
      modelName: this.config.model.name,
      modelVersion: this.config.model.version,
      instanceId: this.config.instanceId,
      failedAt: new Date().toISOString(),
      messageId: current.messageId,
    }, stop);
    await this.notifier.publish({ ...this.common(current), status: 'failed', repeat: written.repeat, location: written.location, problems }, stop);
    this.log(reason === 'malformed' ? 'job_malformed' : 'job_error_recorded', { messageId: current.messageId, jobId: current.jobId, problems, location: written.location });
  }

  /** An input reference the fleet cannot read is as malformed as a broken envelope. */
  private inputProblems(envelope: JobEnvelope): string[] {
    if ('inline' in envelope.input) return [];
    const bucket = parseS3Uri(envelope.input.s3Uri)?.bucket;
    return bucket === this.config.resultsBucketName
      ? []
      : [`/input/s3Uri (${envelope.input.s3Uri}) must be in the results bucket ${this.config.resultsBucketName}: upload inputs to inputs/`];
  }

  private common(current: Attempt): Omit<JobNotification, 'status' | 'repeat' | 'location'> {
    return {
      version: 1,
      jobId: current.jobId,
      attempt: current.attempt,
      model: { name: this.config.model.name, version: this.config.model.version },
      instanceId: this.config.instanceId,
      notifiedAt: new Date().toISOString(),
    };
  }
}

/** True when the job's signal was aborted by a drain returning it, not by its own deadline. */
function returnedByDrain(signal: AbortSignal): boolean {
  return signal.aborted && !(signal.reason instanceof DeadlineError);
}
