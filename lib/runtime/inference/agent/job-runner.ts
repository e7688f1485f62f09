import type { Message } from '@aws-sdk/client-sqs';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { JobEnvelope, decodeInline, parseJobEnvelope } from '../job-envelope';
import { parseS3Uri, resultKey } from '../job-keys';
import { AgentConfig } from './config';
import { Logger, errorMessage } from './log';
import { JobNotification, Notifier } from './notifier';
import { ScaleInProtection } from './protection';
import { ResultsWriter } from './results-writer';

/** The clients a job's outcome is written and announced with. */
export interface JobClients {
  /** Writes results, errors and attempt markers; reads uploaded inputs. */
  readonly s3: S3Client;
  /** Publishes to the success and error topics. */
  readonly sns: SNSClient;
}

/** The job in flight: when it started and how to abort its request. */
interface RunningJob {
  /** SQS id of the job's message. */
  readonly messageId: string;
  /** When the attempt started (epoch ms). */
  readonly startedAt: number;
  /** Aborts the job's request to the inference server; only a drain uses it. */
  readonly controller: AbortController;
}

/** The fields every notification of one attempt shares. */
type Attempt = Pick<JobNotification, 'jobId' | 'attempt'> & { readonly messageId: string };

/**
 * Runs one job, the contract of SageMaker Asynchronous Inference: reads the envelope, POSTs
 * its input to `/invocations` under scale-in protection, writes the response to
 * `results/<jobId>` and publishes to the success topic, and only then resolves (so
 * sqs-consumer deletes the message). A retryable failure throws (the message is retried);
 * the last attempt (receive count >= maxAttempts) first writes `errors/<jobId>.json` and
 * publishes to the error topic. A malformed message gets its error document and notification
 * at once and resolves: retrying it cannot help. A repeat (redelivery, crash before the
 * delete) finds its result written, runs nothing and sends a notification flagged `repeat`;
 * a result is never overwritten, by a failure or anything else.
 */
export class JobRunner {
  private running: RunningJob | undefined;
  private accepting = true;
  private readonly results: ResultsWriter;
  private readonly notifier: Notifier;

  constructor(
    private readonly config: AgentConfig,
    clients: JobClients,
    private readonly protection: ScaleInProtection,
    private readonly log: Logger,
  ) {
    this.results = new ResultsWriter(clients.s3, config.resultsBucketName);
    this.notifier = new Notifier(clients.sns, config.successTopicArn, config.errorTopicArn);
  }

  /** The job in flight, if any. */
  get current(): { readonly messageId: string; readonly startedAt: number } | undefined {
    return this.running;
  }

  /** Refuses every later message: one received while draining is failed back to the queue. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** Aborts the job in flight, which then goes back to the queue. */
  abortCurrent(reason: string): void {
    this.running?.controller.abort(new Error(reason));
  }

  readonly handleMessage = async (message: Message): Promise<Message> => {
    const messageId = message.MessageId ?? 'unknown';
    if (!this.accepting) throw new Error(`job ${messageId} received while draining: returned to the queue`);
    const attempt = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
    const parsed = parseJobEnvelope(message.Body ?? '');
    const problems = parsed.ok ? this.inputProblems(parsed.envelope) : parsed.problems;
    if (!parsed.ok || problems.length > 0) {
      await this.recordError({ jobId: (parsed.ok ? parsed.envelope.jobId : parsed.jobId) ?? messageId, attempt, messageId }, 'malformed', problems);
      return message;
    }
    const envelope = parsed.envelope;
    const job: RunningJob = { messageId, startedAt: Date.now(), controller: new AbortController() };
    const current: Attempt = { jobId: envelope.jobId, attempt, messageId };
    const key = resultKey(envelope.jobId, envelope.outputPrefix);
    this.running = job;
    this.log('job_started', { messageId, jobId: envelope.jobId, attempt });
    try {
      await this.protection.acquire();
      if (attempt > 1 && await this.results.exists(key)) {
        await this.announceRepeat(current, key);
        return message;
      }
      await this.run(envelope, key, current, job);
      return message;
    } catch (error) {
      // A job a drain returned is not a failure; an earlier attempt's result is never turned into one.
      if (job.controller.signal.aborted || attempt < this.config.maxAttempts) throw error;
      if (await this.results.exists(key)) {
        await this.announceRepeat(current, key);
        return message;
      }
      await this.recordError(current, 'failed', [errorMessage(error)]);
      throw error;
    } finally {
      this.running = undefined;
      if (this.accepting) this.protection.releaseWhenIdle();
    }
  };

  /** Invokes the server, writes the result, publishes it. */
  private async run(envelope: JobEnvelope, key: string, current: Attempt, job: RunningJob): Promise<void> {
    const { jobId } = envelope;
    await this.results.writeAttempt({
      jobId,
      attempt: current.attempt,
      instanceId: this.config.instanceId,
      resultKey: key,
      startedAt: new Date(job.startedAt).toISOString(),
      deadline: new Date(job.startedAt + this.config.jobTimeoutSeconds * 1000).toISOString(),
    });
    const body = 'inline' in envelope.input
      ? decodeInline(envelope.input)
      : await this.results.readInput(parseS3Uri(envelope.input.s3Uri)?.key ?? '');
    const invokedAt = Date.now();
    const response = await fetch(this.config.inferenceUrl, {
      method: 'POST',
      headers: { 'content-type': envelope.contentType, ...(envelope.accept ? { accept: envelope.accept } : {}), 'x-job-id': jobId },
      body,
      signal: AbortSignal.any([job.controller.signal, AbortSignal.timeout(this.config.jobTimeoutSeconds * 1000)]),
    });
    const output = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) {
      throw new Error(`inference server answered ${response.status} for job ${jobId}: ${Buffer.from(output.subarray(0, 200)).toString('utf8')}`);
    }
    const durationMs = Date.now() - invokedAt;
    const written = await this.results.writeResult(key, output, response.headers.get('content-type') ?? 'application/octet-stream', {
      jobId, modelName: this.config.model.name, modelVersion: this.config.model.version, instanceId: this.config.instanceId, durationMs, attempt: current.attempt,
    });
    await this.notifier.publish({ ...this.common(current), status: 'succeeded', repeat: written.repeat, location: written.location, durationMs });
    this.log('job_succeeded', { messageId: current.messageId, jobId, durationMs, repeat: written.repeat, location: written.location });
  }

  /** An earlier attempt wrote the result: announce it again, flagged as a repeat. */
  private async announceRepeat(current: Attempt, key: string): Promise<void> {
    const location = `s3://${this.results.bucket}/${key}`;
    await this.notifier.publish({ ...this.common(current), status: 'succeeded', repeat: true, location });
    this.log('job_succeeded', { messageId: current.messageId, jobId: current.jobId, repeat: true, location });
  }

  /** Writes `errors/<jobId>.json` and publishes it to the error topic. */
  private async recordError(current: Attempt, reason: 'malformed' | 'failed', problems: readonly string[]): Promise<void> {
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
    });
    await this.notifier.publish({ ...this.common(current), status: 'failed', repeat: written.repeat, location: written.location, problems });
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
