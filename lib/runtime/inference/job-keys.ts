/**
 * Where a job's objects live in the results bucket. The agent, the jobs CLI and the
 * JobResults construct (whose grants and bucket policy are scoped to these prefixes) share
 * this one layout. Job ids and output prefix segments never start with a dot, so the
 * `.announced/` markers cannot collide with a result or an error document.
 */

/** Successful results: `results/<outputPrefix><jobId>`, body and content type of the `/invocations` response. Written once. */
export const RESULTS_PREFIX = 'results/';
/** Failures: `errors/<jobId>.json`, written once, when a job is malformed, expired or failed its last attempt. */
export const ERRORS_PREFIX = 'errors/';
/**
 * Each job's own folder of submitted objects, `inputs/<jobId>/`: its submission record
 * (`envelope.json`) and, for an input too large for a message, the input (`input`). A job may
 * only read inputs under its own folder.
 */
export const INPUTS_PREFIX = 'inputs/';
/**
 * Attempt records, `attempts/<jobId>.json`: written when an attempt starts and when a job's
 * failure is recorded, read by `jobs get`. The one prefix the fleet may overwrite.
 */
export const ATTEMPTS_PREFIX = 'attempts/';

/** Key of a job's result. */
export function resultKey(jobId: string, outputPrefix = ''): string {
  return `${RESULTS_PREFIX}${outputPrefix}${jobId}`;
}

/** Key of a job's error document. */
export function errorKey(jobId: string): string {
  return `${ERRORS_PREFIX}${jobId}.json`;
}

/** The folder of a job's submitted objects, `inputs/<jobId>/`. */
export function inputFolder(jobId: string): string {
  return `${INPUTS_PREFIX}${jobId}/`;
}

/** Key of an input too large for a message. */
export function inputKey(jobId: string): string {
  return `${inputFolder(jobId)}input`;
}

/** Key of a job's submission record: its envelope, written once by the submitter. */
export function submissionKey(jobId: string): string {
  return `${inputFolder(jobId)}envelope.json`;
}

/** Key of a job's attempt record. */
export function attemptKey(jobId: string): string {
  return `${ATTEMPTS_PREFIX}${jobId}.json`;
}

/**
 * Key of the marker written, once, after SNS accepted a job's first announcement of an
 * outcome: `results/.announced/<jobId>.succeeded`, `errors/.announced/<jobId>.failed` or
 * `.expired`. A later announcement of the same outcome is flagged `repeat`.
 */
export function announcedKey(jobId: string, outcome: 'succeeded' | 'failed' | 'expired'): string {
  return `${outcome === 'succeeded' ? RESULTS_PREFIX : ERRORS_PREFIX}.announced/${jobId}.${outcome}`;
}

/** `s3://bucket/key`. */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** Splits `s3://bucket/key`; undefined for anything else. */
export function parseS3Uri(uri: string): { readonly bucket: string; readonly key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}
