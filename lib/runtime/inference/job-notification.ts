import { createHash } from 'node:crypto';
import { JSONSchemaType } from 'ajv';
import { compileSchema, publishedSchema, schemaProblems } from './published-schema';

/**
 * Every status a job can have, the one vocabulary of the notifications and of `jobs get`,
 * `wait` and `list`: waiting in the queue, running on an instance, then one of the three
 * outcomes, each announced on a topic.
 */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'expired'] as const;
/** One status of {@link JOB_STATUSES}. */
export type JobStatusName = typeof JOB_STATUSES[number];
/** The outcomes announced: `succeeded` on the success topic, `failed` and `expired` on the error topic. */
export type JobOutcome = Extract<JobStatusName, 'succeeded' | 'failed' | 'expired'>;

/**
 * SNS takes messages of at most 256 KiB, 262,144 bytes
 * (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html, `Message` constraints), and
 * answers a longer one 400 InvalidParameter "Message too long", a final error. Message
 * attributes count towards the same limit, so the agent keeps the whole publish under it.
 */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
/** At most this many problems are listed in an error document or a notification. */
export const MAX_PROBLEMS = 20;
/** A problem longer than this (characters) is cut. */
export const MAX_PROBLEM_CHARS = 1_000;

/** One message on the success or error topic. Version 1. */
export interface JobNotification {
  /** Version of this message's shape: 1. */
  readonly version: 1;
  /**
   * The same for every notification of this job's outcome (a hash of the status and the
   * location): a subscriber that has seen it can drop the message. Standard SNS topics may
   * deliver a message more than once, and the agent publishes again when it cannot know that
   * SNS accepted an earlier publish.
   */
  readonly notificationId: string;
  readonly jobId: string;
  readonly status: JobOutcome;
  /**
   * True only when SNS is known to have accepted an earlier announcement of this outcome
   * (the agent records each accepted one): the first announcement of a job is never a repeat.
   */
  readonly repeat: boolean;
  /** `s3://` location of the result (succeeded) or of the error document (failed, expired). */
  readonly location: string;
  /** Duration of the `/invocations` request that produced the result. @default - absent unless this attempt ran the job */
  readonly durationMs?: number;
  /** The receive count of the message that announced it. */
  readonly attempt: number;
  readonly model: { readonly name: string; readonly version: string };
  readonly instanceId: string;
  /** Why the job failed or expired, at most MAX_PROBLEMS lines. @default - absent on success */
  readonly problems?: readonly string[];
  /** When the message was published, ISO 8601. */
  readonly notifiedAt: string;
}

const TYPED_SCHEMA: JSONSchemaType<JobNotification> = {
  $id: 'https://ai-infra/schemas/job-notification/1',
  title: 'Inference job notification, version 1',
  type: 'object',
  required: ['version', 'notificationId', 'jobId', 'status', 'repeat', 'location', 'attempt', 'model', 'instanceId', 'notifiedAt'],
  additionalProperties: false,
  properties: {
    version: { type: 'integer', const: 1 },
    notificationId: { type: 'string', pattern: '^[0-9a-f]{32}$', description: 'The same for every notification of this outcome: drop one already seen.' },
    jobId: { type: 'string', minLength: 1, maxLength: 128 },
    status: { type: 'string', enum: ['succeeded', 'failed', 'expired'], description: 'The outcome announced.' },
    repeat: { type: 'boolean', description: 'True only when an earlier announcement of this outcome is known to have been accepted: the first is never a repeat.' },
    location: { type: 'string', pattern: '^s3://', description: 'The result (succeeded) or the error document (failed, expired).' },
    durationMs: { type: 'number', nullable: true, minimum: 0 },
    attempt: { type: 'integer', minimum: 1 },
    model: {
      type: 'object',
      required: ['name', 'version'],
      additionalProperties: false,
      properties: { name: { type: 'string' }, version: { type: 'string' } },
    },
    instanceId: { type: 'string' },
    problems: {
      type: 'array', nullable: true, maxItems: MAX_PROBLEMS + 1, items: { type: 'string', maxLength: MAX_PROBLEM_CHARS }, description: 'Why the job failed or expired.',
    },
    notifiedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' },
  },
};

/** The notification's JSON Schema (draft-07), published as `schemas/job-notification.schema.json`. */
export const JOB_NOTIFICATION_SCHEMA = publishedSchema(TYPED_SCHEMA);

const validate = compileSchema<JobNotification>(JOB_NOTIFICATION_SCHEMA);

/** The problems of a notification read from a topic; empty when it is valid. */
export function notificationProblems(value: unknown): string[] {
  return validate(value) ? [] : schemaProblems(validate.errors);
}

/** The stable id of the notifications of one outcome at one location. */
export function notificationId(status: JobOutcome, location: string): string {
  return createHash('sha256').update(`${status}\n${location}`).digest('hex').slice(0, 32);
}

/**
 * Problems as recorded: at most MAX_PROBLEMS lines of at most MAX_PROBLEM_CHARS characters,
 * and a last line counting the rest, so that an envelope with thousands of unknown fields
 * still fits a notification.
 */
export function boundedProblems(problems: readonly string[]): string[] {
  const cut = problems.slice(0, MAX_PROBLEMS).map((problem) => (problem.length > MAX_PROBLEM_CHARS ? `${problem.slice(0, MAX_PROBLEM_CHARS - 1)}…` : problem));
  return problems.length > MAX_PROBLEMS ? [...cut, `… and ${problems.length - MAX_PROBLEMS} more problems`] : cut;
}
