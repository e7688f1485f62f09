import { randomUUID } from 'node:crypto';
import { JSONSchemaType } from 'ajv';
import { compileSchema, publishedSchema, schemaProblems } from './published-schema';

/**
 * The job envelope: the body of every message on the job queue, written by the jobs CLI (or
 * any producer, from the JSON schema below) and read by the queue agent. Version 1.
 */
export const JOB_ENVELOPE_VERSION = 1;

/**
 * Longest inline input (characters): larger inputs travel through S3, as SageMaker
 * Asynchronous Inference takes every input from S3, so that the bodies of the jobs an
 * instance holds at once stay small whatever the queue's MaximumMessageSize.
 */
export const MAX_INLINE_INPUT_CHARS = 256 * 1024;

/**
 * Longest time-to-live of a job (seconds): SQS keeps a message at most 14 days
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html),
 * so a longer one could never apply.
 */
export const MAX_TTL_SECONDS = 1_209_600;

/** The input carried in the message itself. */
export interface InlineInput {
  /** The request body, as text or base64, at most MAX_INLINE_INPUT_CHARS characters. */
  readonly inline: string;
  /**
   * How `inline` is encoded.
   * @default 'utf8'
   */
  readonly encoding?: 'utf8' | 'base64';
}

/** An input too large to travel inline, uploaded to the results bucket in the job's own folder. */
export interface S3Input {
  /** `s3://<results bucket>/inputs/<jobId>/<name>`: no `.` or `..` segment, under the job's own id. */
  readonly s3Uri: string;
}

/** One inference job. */
export interface JobEnvelope {
  /** Schema version: 1. */
  readonly version: typeof JOB_ENVELOPE_VERSION;
  /** Client-supplied or generated id: letters, digits, '-' and '_', up to 128, not starting with '-' or '_'. */
  readonly jobId: string;
  /** When the job was submitted, ISO 8601 in UTC. */
  readonly submittedAt: string;
  /** Content-Type of the input, passed to `/invocations`. */
  readonly contentType: string;
  /**
   * Accept header passed to `/invocations`.
   * @default - none
   */
  readonly accept?: string;
  /** The request body. */
  readonly input: InlineInput | S3Input;
  /**
   * Folders under `results/` for the result, e.g. `batch-42/`: the result is `results/<outputPrefix><jobId>`.
   * @default - the result is `results/<jobId>`
   */
  readonly outputPrefix?: string;
  /**
   * Seconds after `submittedAt` past which a job still waiting is not run but recorded and
   * announced as `expired`, as SageMaker Asynchronous Inference marks a request expired after its
   * RequestTTLSeconds (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpointAsync.html);
   * whole, 1 to 1,209,600 (14 days).
   * @default - the job never expires
   */
  readonly ttlSeconds?: number;
}

const JOB_ID = '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$';
const MEDIA_TYPE = '^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+( *;[ -~]*)?$';

/** A key segment other than `.` or `..`, then more of them: S3 keys are literal, but no path should look like it climbs. */
const INPUT_KEY = '(?:(?!\\.\\.?(?:/|$))[^\\s/]+/)*(?!\\.\\.?$)[^\\s/]+';

const TYPED_SCHEMA: JSONSchemaType<JobEnvelope> = {
  $id: 'https://ai-infra/schemas/job-envelope/1',
  title: 'Inference job envelope, version 1',
  type: 'object',
  required: ['version', 'jobId', 'submittedAt', 'contentType', 'input'],
  additionalProperties: false,
  properties: {
    version: { type: 'integer', const: JOB_ENVELOPE_VERSION, description: 'Schema version: 1.' },
    jobId: { type: 'string', pattern: JOB_ID, description: 'The job id, unique per results bucket: the result is results/[outputPrefix]<jobId>.' },
    submittedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$', description: 'When the job was submitted, ISO 8601 in UTC.' },
    contentType: { type: 'string', maxLength: 256, pattern: MEDIA_TYPE, description: 'Content-Type of the input, passed to /invocations.' },
    accept: { type: 'string', nullable: true, maxLength: 256, pattern: MEDIA_TYPE, description: 'Accept header passed to /invocations.' },
    input: {
      type: 'object',
      description: 'The request body: inline, or an object in the job\'s own folder inputs/<jobId>/ of the results bucket.',
      oneOf: [
        {
          type: 'object',
          required: ['inline'],
          additionalProperties: false,
          properties: {
            inline: { type: 'string', maxLength: MAX_INLINE_INPUT_CHARS },
            encoding: { type: 'string', nullable: true, enum: ['utf8', 'base64'] },
          },
          if: { properties: { encoding: { const: 'base64' } }, required: ['encoding'] },
          then: { properties: { inline: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' } } },
        },
        {
          type: 'object',
          required: ['s3Uri'],
          additionalProperties: false,
          properties: { s3Uri: { type: 'string', pattern: `^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/inputs/${INPUT_KEY}$` } },
        },
      ],
    } as JSONSchemaType<JobEnvelope['input']>,
    outputPrefix: { type: 'string', nullable: true, maxLength: 512, pattern: '^([A-Za-z0-9][A-Za-z0-9._-]*/)+$', description: 'Folders under results/ for the result, e.g. batch-42/.' },
    ttlSeconds: { type: 'integer', nullable: true, minimum: 1, maximum: MAX_TTL_SECONDS, description: 'Seconds after submittedAt past which a job still waiting is not run but announced expired.' },
  },
};

/**
 * The envelope's JSON Schema (draft-07), for producers written in other languages: published
 * as `schemas/job-envelope.schema.json` in the package, and the schema the agent validates with.
 */
export const JOB_ENVELOPE_SCHEMA = publishedSchema(TYPED_SCHEMA);

const validate = compileSchema<JobEnvelope>(JOB_ENVELOPE_SCHEMA);

/** A message body read as an envelope: the job, or every problem and the job id if one was readable. */
export type ParsedEnvelope =
  | { readonly ok: true; readonly envelope: JobEnvelope }
  | { readonly ok: false; readonly problems: readonly string[]; readonly jobId?: string };

/** Reads a message body; never throws. */
export function parseJobEnvelope(body: string): ParsedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, problems: [`the message body is not JSON (${(error as Error).message}): send a job envelope, version ${JOB_ENVELOPE_VERSION}`] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: [`the message body (${body.slice(0, 40)}) is not a JSON object: send a job envelope, version ${JOB_ENVELOPE_VERSION}`] };
  }
  const record = value as Record<string, unknown>;
  const jobId = typeof record.jobId === 'string' && new RegExp(JOB_ID).test(record.jobId) ? record.jobId : undefined;
  if (record.version !== JOB_ENVELOPE_VERSION) {
    return { ok: false, jobId, problems: [`version (${JSON.stringify(record.version)}) is not supported: this agent reads version ${JOB_ENVELOPE_VERSION}`] };
  }
  if (validate(value)) return { ok: true, envelope: value };
  return { ok: false, jobId, problems: schemaProblems(validate.errors) };
}

/** When a job with a time-to-live expires (epoch ms); undefined when it never does. */
export function expiresAt(envelope: JobEnvelope): number | undefined {
  return envelope.ttlSeconds === undefined ? undefined : Date.parse(envelope.submittedAt) + envelope.ttlSeconds * 1000;
}

/** The request body of a job with inline input. */
export function decodeInline(input: InlineInput): Buffer {
  return Buffer.from(input.inline, input.encoding ?? 'utf8');
}

/** Inline input for `bytes`: as text when they are UTF-8, base64 otherwise. */
export function inlineInput(bytes: Buffer): InlineInput {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? { inline: text } : { inline: bytes.toString('base64'), encoding: 'base64' };
}

/** What a submitter chooses; the rest of the envelope is filled in. */
export interface NewJob {
  /** @default - a random UUID */
  readonly jobId?: string;
  readonly contentType: string;
  /** @default - none */
  readonly accept?: string;
  readonly input: InlineInput | S3Input;
  /** @default - none */
  readonly outputPrefix?: string;
  /** @default - the job never expires */
  readonly ttlSeconds?: number;
}

/** A version-1 envelope for `job`, submitted `now`; throws naming every problem. */
export function createJobEnvelope(job: NewJob, now: Date = new Date()): JobEnvelope {
  const envelope: JobEnvelope = {
    version: JOB_ENVELOPE_VERSION,
    jobId: job.jobId ?? randomUUID(),
    submittedAt: now.toISOString(),
    contentType: job.contentType,
    ...(job.accept === undefined ? {} : { accept: job.accept }),
    input: job.input,
    ...(job.outputPrefix === undefined ? {} : { outputPrefix: job.outputPrefix }),
    ...(job.ttlSeconds === undefined ? {} : { ttlSeconds: job.ttlSeconds }),
  };
  const parsed = parseJobEnvelope(JSON.stringify(envelope));
  if (!parsed.ok) throw new Error(`Invalid job: ${parsed.problems.join('; ')}`);
  return envelope;
}
