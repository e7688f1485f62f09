/**
 * Where a job's objects live in the results bucket. The agent, the jobs CLI and the
 * JobResults construct (whose grants are scoped to these prefixes) share this one layout.
 */

/** Successful results: `results/<outputPrefix><jobId>`, body and content type of the `/invocations` response. */
export const RESULTS_PREFIX = 'results/';
/** Failures: `errors/<jobId>.json`, written when a job is malformed or has used its last attempt. */
export const ERRORS_PREFIX = 'errors/';
/** Inputs too large for an SQS message, uploaded by the submitter: `inputs/<jobId>`. */
export const INPUTS_PREFIX = 'inputs/';
/**
 * Attempt markers, `results/.attempts/<jobId>.json`, written when an attempt starts: how
 * `jobs get` tells running from queued. Job ids and output prefixes never start with a dot,
 * so no result key can land here.
 */
export const ATTEMPTS_PREFIX = `${RESULTS_PREFIX}.attempts/`;

/** Key of a job's result. */
export function resultKey(jobId: string, outputPrefix = ''): string {
  return `${RESULTS_PREFIX}${outputPrefix}${jobId}`;
}

/** Key of a job's error document. */
export function errorKey(jobId: string): string {
  return `${ERRORS_PREFIX}${jobId}.json`;
}

/** Key of a job's uploaded input. */
export function inputKey(jobId: string): string {
  return `${INPUTS_PREFIX}${jobId}`;
}

/** Key of a job's attempt marker. */
export function attemptKey(jobId: string): string {
  return `${ATTEMPTS_PREFIX}${jobId}.json`;
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
