import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetObjectCommand, GetObjectCommandOutput, HeadObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSServiceException, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { JOB_CHECK_RIGHTS, SMOKE_JOB_BODY, checkJobRoundTrip } from '../../scripts/smoke-check/job-check';
import { BUCKET, context, notFound, resetMocks, s3, sqs } from './jobs-fixtures';

const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const START = Date.parse('2026-05-01T12:00:00Z');

function waitOptions() {
  let clock = START;
  return { timeoutMs: 30_000, pollIntervalMs: 5000, sleep: async (ms: number) => { clock += ms; }, now: () => new Date(clock) };
}
const check = () => checkJobRoundTrip(new ElasticLoadBalancingV2Client({}), context(), 'tg', waitOptions());

beforeEach(() => {
  resetMocks();
  elbv2.reset();
  elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: 'tg' }).resolves({ TargetHealthDescriptions: [{ Target: { Id: 'i-1' }, TargetHealth: { State: 'healthy' } }] });
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { MaximumMessageSize: '262144' } });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  s3.on(GetObjectCommand).rejects(notFound());
  // The submission record the check wrote: the job is known while it waits.
  s3.on(GetObjectCommand, { Key: `inputs/smoke-check-${START}/envelope.json` })
    .resolves({ Body: { transformToString: async () => '{"jobId":"smoke-check"}' } as unknown as GetObjectCommandOutput['Body'] });
  s3.on(HeadObjectCommand).rejects(notFound('NotFound'));
});

describe('smoke check job round trip', () => {
  test('submits one tiny job and passes when its result appears', async () => {
    s3.on(HeadObjectCommand, { Bucket: BUCKET, Key: `results/smoke-check-${START}` }).rejectsOnce(notFound('NotFound')).resolves({});
    await expect(check()).resolves.toEqual({ ok: true, detail: `job smoke-check-${START} succeeded: s3://${BUCKET}/results/smoke-check-${START}` });
    expect(JSON.parse(String(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody)).input).toEqual({ inline: SMOKE_JOB_BODY });
  });

  test('skips, sending nothing, while the fleet is asleep', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    await expect(check()).resolves.toEqual({ ok: true, detail: 'skipped: no healthy instance to run a job now (the fleet is asleep)' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  test('fails when no result comes within the timeout', async () => {
    await expect(check()).resolves.toEqual({ ok: false, detail: `job smoke-check-${START} had no result within 30 s: npm run jobs -- get smoke-check-${START} shows where it is` });
  });

  test('fails with the problems of a failed job', async () => {
    const error = { Body: { transformToString: async () => '{"problems":["inference server answered 500"],"failedAt":"2026-05-01T12:00:01Z"}' } as unknown as GetObjectCommandOutput['Body'] };
    s3.on(GetObjectCommand, { Key: `errors/smoke-check-${START}.json` }).resolves(error);
    await expect(check()).resolves.toEqual({ ok: false, detail: `job smoke-check-${START} failed: ["inference server answered 500"]` });
  });

  test('skips, saying what it needs, under credentials that may not send a job (the read-only lookup role)', async () => {
    sqs.on(SendMessageCommand).rejects(new SQSServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized' }));
    await expect(check()).resolves.toEqual({ ok: true, detail: `skipped: these credentials may not send a job (AccessDenied); the job check needs ${JOB_CHECK_RIGHTS}` });
  });

  test('fails, saying what it needs, when the job was sent but its result may not be read', async () => {
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }));
    await expect(check()).resolves.toEqual({
      ok: false, detail: `job smoke-check-${START} was sent but its result cannot be read with these credentials (AccessDenied); the job check needs ${JOB_CHECK_RIGHTS}`,
    });
  });

  test('a send that fails for another reason fails the check', async () => {
    sqs.on(SendMessageCommand).rejects(new SQSServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'boom' }));
    await expect(check()).rejects.toThrow(/boom/);
  });
});
