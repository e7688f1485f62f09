import { GetObjectCommand, GetObjectCommandOutput, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { JOB_STATUSES } from '../../lib/runtime/inference/job-notification';
import { listJobs } from '../../scripts/jobs/list';
import { getJobStatus, waitForJob } from '../../scripts/jobs/status';
import { BUCKET, context, notFound, resetMocks, s3, s3Error } from './jobs-fixtures';

const NOW = new Date('2026-05-01T12:00:00Z');
/** A GetObject answer whose body is `value` as JSON (the CLI reads bodies with transformToString). */
const json = (value: unknown) => ({ Body: { transformToString: async () => JSON.stringify(value) } as unknown as GetObjectCommandOutput['Body'] });
const record = (fields: Record<string, unknown> = {}) => ({
  jobId: 'j1', attempt: 1, instanceId: 'i-1', resultKey: 'results/j1', startedAt: '2026-05-01T11:59:00.000Z', deadline: '2026-05-01T12:09:00.000Z', status: 'running', ...fields,
});
const submitted = () => s3.on(GetObjectCommand, { Key: 'inputs/j1/envelope.json' }).resolves(json({ jobId: 'j1', submittedAt: '2026-05-01T11:58:00.000Z' }));

beforeEach(() => {
  resetMocks();
  s3.on(GetObjectCommand).rejects(notFound());
  s3.on(HeadObjectCommand).rejects(notFound('NotFound'));
});

describe('getJobStatus', () => {
  test('succeeded when the result exists, with its location, content type and metadata', async () => {
    s3.on(HeadObjectCommand, { Bucket: BUCKET, Key: 'results/j1' }).resolves({ ContentType: 'application/json', Metadata: { 'model-version': '7' } });
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual({
      jobId: 'j1', status: 'succeeded', resultUri: `s3://${BUCKET}/results/j1`, contentType: 'application/json', metadata: { 'model-version': '7' },
    });
  });

  test('finds a result under the output prefix its submission record names', async () => {
    s3.on(GetObjectCommand, { Key: 'inputs/j1/envelope.json' }).resolves(json({ jobId: 'j1', outputPrefix: 'batch-42/' }));
    s3.on(HeadObjectCommand, { Key: 'results/batch-42/j1' }).resolves({ ContentType: 'text/plain' });
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual(expect.objectContaining({ status: 'succeeded', resultUri: `s3://${BUCKET}/results/batch-42/j1` }));
  });

  test('finds a result under the output prefix its attempt record names', async () => {
    s3.on(GetObjectCommand, { Key: 'attempts/j1.json' }).resolves(json(record({ resultKey: 'results/batch-42/j1' })));
    s3.on(HeadObjectCommand, { Key: 'results/batch-42/j1' }).resolves({ ContentType: 'text/plain' });
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual(expect.objectContaining({ status: 'succeeded' }));
  });

  test('failed when the last attempt recorded its failure', async () => {
    const error = { jobId: 'j1', reason: 'failed', problems: ['inference server answered 500'], failedAt: '2026-05-01T11:59:30.000Z' };
    s3.on(GetObjectCommand, { Key: 'attempts/j1.json' }).resolves(json(record({ status: 'failed' })));
    s3.on(GetObjectCommand, { Key: 'errors/j1.json' }).resolves(json(error));
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual({
      jobId: 'j1', status: 'failed', resultUri: `s3://${BUCKET}/results/j1`, errorUri: `s3://${BUCKET}/errors/j1.json`, error,
    });
  });

  test('expired when its error document says so', async () => {
    submitted();
    s3.on(GetObjectCommand, { Key: 'errors/j1.json' }).resolves(json({ reason: 'expired', failedAt: '2026-05-01T11:59:30.000Z' }));
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual(expect.objectContaining({ status: 'expired' }));
  });

  test('running again when a redriven job started after its last error', async () => {
    s3.on(GetObjectCommand, { Key: 'attempts/j1.json' }).resolves(json(record({ startedAt: '2026-05-01T11:59:50.000Z' })));
    s3.on(GetObjectCommand, { Key: 'errors/j1.json' }).resolves(json({ failedAt: '2026-05-01T11:00:00.000Z' }));
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual(expect.objectContaining({ status: 'running' }));
  });

  test('running while an attempt is within its timeout', async () => {
    s3.on(GetObjectCommand, { Key: 'attempts/j1.json' }).resolves(json(record()));
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual({
      jobId: 'j1', status: 'running', resultUri: `s3://${BUCKET}/results/j1`, attempt: 1, instanceId: 'i-1', startedAt: '2026-05-01T11:59:00.000Z',
    });
  });

  test('queued for a retry when the last attempt timed out without a result', async () => {
    s3.on(GetObjectCommand, { Key: 'attempts/j1.json' }).resolves(json(record({ deadline: '2026-05-01T11:59:30.000Z' })));
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual(expect.objectContaining({ status: 'queued', detail: 'attempt 1 ended without a result: waiting for a retry' }));
  });

  test('queued when submitted and no attempt has started', async () => {
    submitted();
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual({
      jobId: 'j1', status: 'queued', resultUri: `s3://${BUCKET}/results/j1`, detail: 'submitted 2026-05-01T11:58:00.000Z: no attempt has started yet',
    });
  });

  test('an id with no record at all is unknown, not queued', async () => {
    await expect(getJobStatus(context(), 'nobody', NOW)).rejects.toThrow(
      `no job nobody in ${BUCKET}: nothing was submitted under that id (inputs/nobody/envelope.json) and no attempt, result or error exists`);
  });

  test('an access error is not taken for a missing result', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('Forbidden', 403));
    await expect(getJobStatus(context(), 'j1', NOW)).rejects.toThrow('Forbidden');
  });

  test('speaks only the one status vocabulary', async () => {
    submitted();
    expect(JOB_STATUSES).toContain((await getJobStatus(context(), 'j1', NOW)).status);
  });
});

describe('waitForJob', () => {
  test('polls until the result appears', async () => {
    submitted();
    s3.on(HeadObjectCommand, { Key: 'results/j1' }).rejectsOnce(notFound('NotFound')).resolves({ ContentType: 'application/json' });
    let clock = NOW.getTime();
    const status = await waitForJob(context(), 'j1', { timeoutMs: 60_000, pollIntervalMs: 5000, sleep: async (ms) => { clock += ms; }, now: () => new Date(clock) });
    expect(status?.status).toBe('succeeded');
    expect(clock - NOW.getTime()).toBe(5000);
  });

  test('gives up after the timeout', async () => {
    submitted();
    let clock = NOW.getTime();
    const status = await waitForJob(context(), 'j1', { timeoutMs: 12_000, pollIntervalMs: 5000, sleep: async (ms) => { clock += ms; }, now: () => new Date(clock) });
    expect(status).toBeUndefined();
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(3);
  });

  test('stops at once on an unknown job, without sleeping', async () => {
    let slept = 0;
    await expect(waitForJob(context(), 'nobody', { timeoutMs: 600_000, pollIntervalMs: 5000, sleep: async () => { slept += 1; }, now: () => NOW }))
      .rejects.toThrow(/no job nobody/);
    expect(slept).toBe(0);
  });
});

describe('listJobs', () => {
  const listed = (keys: [string, string][]) => ({ Contents: keys.map(([Key, at]) => ({ Key, LastModified: new Date(at) })), IsTruncated: false });

  test('lists the jobs with the newest records first, each with its status, up to the limit', async () => {
    s3.on(ListObjectsV2Command, { Prefix: 'inputs/' }).resolves(listed([
      ['inputs/old/envelope.json', '2026-05-01T10:00:00Z'], ['inputs/new/envelope.json', '2026-05-01T11:00:00Z'], ['inputs/new/input', '2026-05-01T11:00:00Z'],
    ]));
    s3.on(ListObjectsV2Command, { Prefix: 'attempts/' }).resolves(listed([['attempts/old.json', '2026-05-01T11:30:00Z']]));
    s3.on(ListObjectsV2Command, { Prefix: 'errors/' }).resolves(listed([['errors/gone.json', '2026-05-01T09:00:00Z'], ['errors/.announced/gone.failed', '2026-05-01T11:59:00Z']]));
    s3.on(GetObjectCommand, { Key: 'inputs/new/envelope.json' }).resolves(json({ jobId: 'new' }));
    s3.on(GetObjectCommand, { Key: 'attempts/old.json' }).resolves(json(record({ jobId: 'old', resultKey: 'results/old' })));
    const jobs = await listJobs(context(), 2, NOW);
    expect(jobs.map((job) => [job.jobId, job.status])).toEqual([['old', 'running'], ['new', 'queued']]);
  });

  test('reads every page of a prefix', async () => {
    s3.on(ListObjectsV2Command, { Prefix: 'inputs/' })
      .resolvesOnce({ ...listed([['inputs/a/envelope.json', '2026-05-01T10:00:00Z']]), IsTruncated: true, NextContinuationToken: 't1' })
      .resolves(listed([['inputs/b/envelope.json', '2026-05-01T10:30:00Z']]));
    s3.on(ListObjectsV2Command, { Prefix: 'attempts/' }).resolves(listed([]));
    s3.on(ListObjectsV2Command, { Prefix: 'errors/' }).resolves(listed([]));
    s3.on(GetObjectCommand, { Key: 'inputs/a/envelope.json' }).resolves(json({ jobId: 'a' }));
    s3.on(GetObjectCommand, { Key: 'inputs/b/envelope.json' }).resolves(json({ jobId: 'b' }));
    expect((await listJobs(context(), 20, NOW)).map((job) => job.jobId)).toEqual(['b', 'a']);
    expect(s3.commandCalls(ListObjectsV2Command, { Prefix: 'inputs/' })[1].args[0].input.ContinuationToken).toBe('t1');
  });
});
