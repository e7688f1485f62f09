import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { JobsContext } from '../jobs/context';
import { WaitOptions, waitForJob } from '../jobs/status';
import { submitJob } from '../jobs/submit';
import { Outcome, fail, pass } from './check-result';

/** The job the smoke check sends: tiny, and named so it is easy to find in the results bucket. */
export const SMOKE_JOB_BODY = '{"smokeCheck":true}';

/** What the job check's credentials need, in the words of docs/operations.md's "Smoke check". */
export const JOB_CHECK_RIGHTS = 'sqs:SendMessage on the job queue, s3:PutObject under inputs/ and s3:GetObject/s3:ListBucket on the results bucket (grantSubmitJobs + grantSubmitInputs + grantReadResults)';

/** True when AWS refused the call for lack of rights (403, or an AccessDenied code). */
function isAccessDenied(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return $metadata?.httpStatusCode === 403 || /AccessDenied|NotAuthorized|AuthorizationError/.test(name ?? '');
}

/**
 * A job goes through end to end: when the fleet has a healthy instance, one tiny job is
 * submitted and its result must appear within the timeout. A fleet asleep (no healthy
 * target, checked by the fleet check) is not woken just for this. The check sends a message
 * and reads an object, which the read-only lookup role the deploy workflow uses may not do:
 * credentials that may not send the job skip the check, saying what it needs.
 */
export async function checkJobRoundTrip(
  elbv2: ElasticLoadBalancingV2Client,
  context: JobsContext,
  targetGroupArn: string,
  wait: WaitOptions,
): Promise<Outcome> {
  const { TargetHealthDescriptions: targets = [] } = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
  if (!targets.some((t) => t.TargetHealth?.State === 'healthy')) {
    return pass('skipped: no healthy instance to run a job now (the fleet is asleep)');
  }
  const jobId = `smoke-check-${wait.now().getTime()}`;
  try {
    await submitJob(context, { body: Buffer.from(SMOKE_JOB_BODY), source: 'the smoke check', contentType: 'application/json', jobId });
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    return pass(`skipped: these credentials may not send a job (${(error as Error).name}); the job check needs ${JOB_CHECK_RIGHTS}`);
  }
  let status;
  try {
    status = await waitForJob(context, jobId, wait);
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    return fail(`job ${jobId} was sent but its result cannot be read with these credentials (${(error as Error).name}); the job check needs ${JOB_CHECK_RIGHTS}`);
  }
  if (!status) return fail(`job ${jobId} had no result within ${wait.timeoutMs / 1000} s: npm run jobs -- get ${jobId} shows where it is`);
  if (status.status === 'failed' || status.status === 'expired') return fail(`job ${jobId} ${status.status}: ${JSON.stringify(status.error.problems ?? status.error)}`);
  return pass(`job ${jobId} succeeded: ${status.resultUri}`);
}
