import { JobOutcome, boundedProblems, notificationId } from '../job-notification';
import { ResolvedAgentConfig } from './config';
import { JobTiming, jobMetricFields } from './job-metrics';
import { Logger } from './log';
import { Notifier } from './notifier';
import { AttemptRecord, JobError, ResultsWriter } from './results-writer';

/** The fields every record of one attempt shares. */
export interface Attempt {
  readonly jobId: string;
  /** The message's receive count. */
  readonly attempt: number;
  /** SQS id of the message. */
  readonly messageId: string;
}

/** The log event of each recorded failure. */
const FAILURE_EVENTS: Record<JobError['reason'], string> = { malformed: 'job_malformed', expired: 'job_expired', failed: 'job_error_recorded' };

/** A failure to record: the outcome announced, the error document's reason, what went wrong. */
export interface Failure {
  readonly outcome: Extract<JobOutcome, 'failed' | 'expired'>;
  readonly reason: JobError['reason'];
  readonly problems: readonly string[];
}

/**
 * Records and announces a job's outcome so that every job is announced exactly once as new:
 * - the outcome's object is written once (`If-None-Match: *`): the result, or the error
 *   document, which is never written for a job that has a result (the caller checks);
 * - every notification of one outcome carries the same notificationId;
 * - a notification is flagged `repeat` only when the agent knows SNS accepted an earlier one:
 *   once a publish is answered, a marker is written (`.announced/`), and only a marker makes a
 *   later announcement a repeat. A crash or a lost answer between the write and the marker
 *   makes the next attempt announce again as new, with the same id, never leave the job
 *   announced only as a repeat.
 */
export class JobOutcomes {
  constructor(
    private readonly config: ResolvedAgentConfig,
    private readonly results: ResultsWriter,
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  /**
   * Announces the result at `location`. `written` says this attempt created the result: no
   * announcement can exist yet, so the marker is not looked up. `timing` is given when this
   * attempt ran the job: its log line then carries the job's latency metrics (see
   * jobMetricFields), so a result only announced again is never counted twice.
   */
  async succeeded(current: Attempt, location: string, stop: AbortSignal, details: { readonly written?: boolean; readonly timing?: JobTiming } = {}): Promise<void> {
    const { timing } = details;
    const repeat = details.written ? false : await this.results.wasAnnounced(current.jobId, 'succeeded', stop);
    await this.announce(current, 'succeeded', location, repeat, stop, timing === undefined ? {} : { durationMs: timing.durationMs });
    this.log('job_succeeded', {
      messageId: current.messageId, jobId: current.jobId, repeat, location, durationMs: timing?.durationMs,
      ...(timing === undefined ? {} : jobMetricFields(this.config.metricsNamespace, this.config.autoScalingGroupName, timing, Date.now())),
    });
  }

  /**
   * Writes the error document (once: a later failure of the same job keeps the first), marks
   * this attempt's record `failed`, and announces the failure or expiry on the error topic.
   */
  async failed(current: Attempt, failure: Failure, stop: AbortSignal, record?: AttemptRecord): Promise<void> {
    const problems = boundedProblems(failure.problems);
    const failedAt = new Date().toISOString();
    const written = await this.results.writeError({
      jobId: current.jobId,
      reason: failure.reason,
      problems,
      attempt: current.attempt,
      modelName: this.config.model.name,
      modelVersion: this.config.model.version,
      instanceId: this.config.instanceId,
      failedAt,
      messageId: current.messageId,
    }, stop);
    if (record) await this.results.writeAttempt({ ...record, status: 'failed', endedAt: failedAt }, stop);
    const repeat = await this.results.wasAnnounced(current.jobId, failure.outcome, stop);
    await this.announce(current, failure.outcome, written.location, repeat, stop, { problems });
    this.log(FAILURE_EVENTS[failure.reason], { messageId: current.messageId, jobId: current.jobId, problems, location: written.location, repeat });
  }

  private async announce(current: Attempt, status: JobOutcome, location: string, repeat: boolean, stop: AbortSignal, details: { durationMs?: number; problems?: string[] }): Promise<void> {
    const id = notificationId(status, location);
    await this.notifier.publish({
      version: 1,
      notificationId: id,
      jobId: current.jobId,
      status,
      repeat,
      location,
      ...details,
      attempt: current.attempt,
      model: { name: this.config.model.name, version: this.config.model.version },
      instanceId: this.config.instanceId,
      notifiedAt: new Date().toISOString(),
    }, stop);
    if (!repeat) await this.results.markAnnounced(current.jobId, status, id, stop);
  }
}
