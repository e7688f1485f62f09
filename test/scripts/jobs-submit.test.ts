import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { parseJobEnvelope } from '../../lib/runtime/inference/job-envelope';
import { MAX_INPUT_BYTES, submitJob } from '../../scripts/jobs/submit';
import { BUCKET, QUEUE, context, resetMocks, s3, sqs } from './jobs-fixtures';

beforeEach(() => {
  resetMocks();
  sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE, AttributeNames: ['MaximumMessageSize'] }).resolves({ Attributes: { MaximumMessageSize: '1024' } });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  s3.on(PutObjectCommand).resolves({});
});

/** The envelope sent to the queue. */
const sentEnvelope = () => {
  const parsed = parseJobEnvelope(String(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody));
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.envelope;
};

describe('submitJob', () => {
  test('sends an input that fits the message inline, in a valid envelope', async () => {
    const submitted = await submitJob(context(), { body: Buffer.from('{"text":"hi"}'), source: 'in.json', contentType: 'application/json', jobId: 'order-17' });
    expect(submitted.inputLocation).toBe('inline');
    expect(sentEnvelope()).toEqual(expect.objectContaining({ jobId: 'order-17', contentType: 'application/json', input: { inline: '{"text":"hi"}' } }));
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input.QueueUrl).toBe(QUEUE);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('uploads an input larger than the queue\'s MaximumMessageSize to inputs/ and sends its S3 URI', async () => {
    const body = Buffer.alloc(2000, 'a');
    const submitted = await submitJob(context(), { body, source: 'big.txt', contentType: 'text/plain', jobId: 'big-1' });
    expect(submitted.inputLocation).toBe(`s3://${BUCKET}/inputs/big-1`);
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input).toEqual({ Bucket: BUCKET, Key: 'inputs/big-1', Body: body, ContentType: 'text/plain' });
    expect(sentEnvelope().input).toEqual({ s3Uri: `s3://${BUCKET}/inputs/big-1` });
  });

  test('counts the whole envelope against the limit, not only the input', async () => {
    await submitJob(context(), { body: Buffer.alloc(900, 'a'), source: 'in.txt', contentType: 'text/plain' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  test('refuses an input above 2 GiB, naming its source', async () => {
    const body = { length: MAX_INPUT_BYTES + 1 } as Buffer;
    await expect(submitJob(context(), { body, source: 'huge.bin', contentType: 'application/octet-stream' }))
      .rejects.toThrow(/huge.bin is 2147483648 bytes: the jobs CLI sends at most 2147483647 bytes \(2 GiB\)/);
  });

  test('refuses a queue that reports no MaximumMessageSize', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
    await expect(submitJob(context(), { body: Buffer.from('{}'), source: 'stdin', contentType: 'application/json' }))
      .rejects.toThrow(`queue ${QUEUE} did not report its MaximumMessageSize`);
  });

  test('refuses an invalid job id before sending anything', async () => {
    await expect(submitJob(context(), { body: Buffer.from('{}'), source: 'stdin', contentType: 'application/json', jobId: 'no spaces' }))
      .rejects.toThrow(/Invalid job: \/jobId must match pattern/);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
