import { GetObjectCommand, GetObjectCommandOutput, HeadObjectCommand } from '@aws-sdk/client-s3';
import { getJobStatus, waitForJob } from '../../scripts/jobs/status';
import { BUCKET, context, notFound, resetMocks, s3, s3Error } from './jobs-fixtures';

const NOW = new Date('2026-05-01T12:00:00Z');
/** A GetObject answer whose body is `value` as JSON (the CLI reads bodies with transformToString). */
const json = (value: unknown) => ({ Body: { transformToString: async () => JSON.stringify(value) } as unknown as GetObjectCommandOutput['Body'] });
const marker = (fields: Record<string, unknown> = {}) => ({
  jobId: 'j1', attempt: 1, instanceId: 'i-1', resultKey: 'results/j1', startedAt: '2026-05-01T11:59:00.000Z', deadline: '2026-05-01T12:09:00.000Z', ...fields,
});

beforeEach(() => {
  resetMocks();
  s3.on(GetObjectCommand).rejects(notFound());
  s3.on(HeadObjectCommand).rejects(notFound('NotFound'));
});

describe('getJobStatus', () => {
  test('done when the result exists, with its location, content type and metadata', async () => {
    s3.on(HeadObjectCommand, { Bucket: BUCKET, Key: 'results/j1' }).resolves({ ContentType: 'application/json', Metadata: { 'model-version': '7' } });
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual({
      jobId: 'j1', status: 'done', location: `s3://${BUCKET}/results/j1`, contentType: 'application/json', metadata: { 'model-version': '7' },
    });
  });

  test('finds a result under the output prefix its attempt marker names', async () => {
    s3.on(GetObjectCommand, { Key: 'results/.attempts/j1.json' }).resolves(json(marker({ resultKey: 'results/batch-42/j1' })));
    s3.on(HeadObjectCommand, { Key: 'results/batch-42/j1' }).resolves({ ContentType: 'text/plain' });
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual(expect.objectContaining({ status: 'done', location: `s3://${BUCKET}/results/batch-42/j1` }));
  });

  test('failed when the error document is newer than the last attempt', async () => {
    const error = { jobId: 'j1', reason: 'failed', problems: ['inference server answered 500'], failedAt: '2026-05-01T11:59:30.000Z' };
    s3.on(GetObjectCommand, { Key: 'results/.attempts/j1.json' }).resolves(json(marker()));
    s3.on(GetObjectCommand, { Key: 'errors/j1.json' }).resolves(json(error));
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual({ jobId: 'j1', status: 'failed', location: `s3://${BUCKET}/errors/j1.json`, error });
  });

  test('running again when a redriven job started after its last error', async () => {
    s3.on(GetObjectCommand, { Key: 'results/.attempts/j1.json' }).resolves(json(marker({ startedAt: '2026-05-01T11:59:50.000Z' })));
    s3.on(GetObjectCommand, { Key: 'errors/j1.json' }).resolves(json({ failedAt: '2026-05-01T11:00:00.000Z' }));
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual(expect.objectContaining({ status: 'running' }));
  });

  test('running while an attempt is within its timeout', async () => {
    s3.on(GetObjectCommand, { Key: 'results/.attempts/j1.json' }).resolves(json(marker()));
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual({ jobId: 'j1', status: 'running', attempt: 1, instanceId: 'i-1', startedAt: '2026-05-01T11:59:00.000Z' });
  });

  test('queued for a retry when the last attempt timed out without a result', async () => {
    s3.on(GetObjectCommand, { Key: 'results/.attempts/j1.json' }).resolves(json(marker({ deadline: '2026-05-01T11:59:30.000Z' })));
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual({ jobId: 'j1', status: 'queued', detail: 'attempt 1 ended without a result: waiting for a retry' });
  });

  test('queued when no attempt has started', async () => {
    await expect(getJobStatus(context(), 'j1', NOW)).resolves.toEqual({ jobId: 'j1', status: 'queued', detail: 'no attempt has started yet (or no such job)' });
  });

  test('an access error is not taken for a missing result', async () => {
    s3.on(HeadObjectCommand).rejects(s3Error('Forbidden', 403));
    await expect(getJobStatus(context(), 'j1', NOW)).rejects.toThrow('Forbidden');
  });
});

describe('waitForJob', () => {
  test('polls until the result appears', async () => {
    s3.on(HeadObjectCommand, { Key: 'results/j1' }).rejectsOnce(notFound('NotFound')).resolves({ ContentType: 'application/json' });
    let clock = NOW.getTime();
    const status = await waitForJob(context(), 'j1', { timeoutMs: 60_000, pollIntervalMs: 5000, sleep: async (ms) => { clock += ms; }, now: () => new Date(clock) });
    expect(status?.status).toBe('done');
    expect(clock - NOW.getTime()).toBe(5000);
  });

  test('gives up after the timeout', async () => {
    let clock = NOW.getTime();
    const status = await waitForJob(context(), 'j1', { timeoutMs: 12_000, pollIntervalMs: 5000, sleep: async (ms) => { clock += ms; }, now: () => new Date(clock) });
    expect(status).toBeUndefined();
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(3);
  });
});
