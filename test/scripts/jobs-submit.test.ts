import { PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { MAX_INLINE_INPUT_CHARS, parseJobEnvelope } from '../../lib/runtime/inference/job-envelope';
import { MAX_INPUT_BYTES, submitJob } from '../../scripts/jobs/submit';
import { BUCKET, QUEUE, context, resetMocks, s3, sqs } from './jobs-fixtures';

beforeEach(() => {
  resetMocks();
  sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE, AttributeNames: ['MaximumMessageSize'] }).resolves({ Attributes: { MaximumMessageSize: '1024' } });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  s3.on(PutObjectCommand).resolves({});
});

/** The objects written, by key. */
const puts = () => Object.fromEntries(s3.commandCalls(PutObjectCommand).map((call) => [call.args[0].input.Key, call.args[0].input]));

/** The envelope sent to the queue. */
const sentEnvelope = () => {
  const parsed = parseJobEnvelope(String(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody));
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.envelope;
};

describe('submitJob', () => {
  test('sends an input that fits the message inline, in a valid envelope, and says where the result will be', async () => {
    const submitted = await submitJob(context(), { body: Buffer.from('{"text":"hi"}'), source: 'in.json', contentType: 'application/json', jobId: 'order-17', outputPrefix: 'batch-1/' });
    expect(submitted.inputUri).toBeUndefined();
    expect(submitted.resultUri).toBe(`s3://${BUCKET}/results/batch-1/order-17`);
    expect(sentEnvelope()).toEqual(expect.objectContaining({ jobId: 'order-17', contentType: 'application/json', input: { inline: '{"text":"hi"}' } }));
    expect(sqs.commandCalls(SendMessageCommand)[0].args[0].input.QueueUrl).toBe(QUEUE);
    expect(Object.keys(puts())).toEqual(['inputs/order-17/envelope.json']);
  });

  test('records the submission once, in the job\'s folder, before sending it', async () => {
    await submitJob(context(), { body: Buffer.from('{}'), source: 'in.json', contentType: 'application/json', jobId: 'order-17', ttlSeconds: 60 });
    const record = puts()['inputs/order-17/envelope.json'];
    expect(record).toEqual(expect.objectContaining({ Bucket: BUCKET, IfNoneMatch: '*', ContentType: 'application/json' }));
    expect(JSON.parse(String(record.Body))).toEqual(sentEnvelope());
    expect(sentEnvelope().ttlSeconds).toBe(60);
  });

  test('refuses a job id already submitted (S3 answers 412 to the record), sending nothing', async () => {
    s3.on(PutObjectCommand, { Key: 'inputs/order-17/envelope.json' })
      .rejects(new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 }, message: 'At least one of the pre-conditions you specified did not hold' }));
    await expect(submitJob(context(), { body: Buffer.from('{}'), source: 'in.json', contentType: 'application/json', jobId: 'order-17' }))
      .rejects.toThrow(`job id order-17 was already submitted (s3://${BUCKET}/inputs/order-17/envelope.json exists): choose another --job-id`);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  test('uploads an input larger than the queue\'s MaximumMessageSize to the job\'s folder and sends its S3 URI', async () => {
    const body = Buffer.alloc(2000, 'a');
    const submitted = await submitJob(context(), { body, source: 'big.txt', contentType: 'text/plain', jobId: 'big-1' });
    expect(submitted.inputUri).toBe(`s3://${BUCKET}/inputs/big-1/input`);
    expect(puts()['inputs/big-1/input']).toEqual({ Bucket: BUCKET, Key: 'inputs/big-1/input', Body: body, ContentType: 'text/plain' });
    expect(sentEnvelope().input).toEqual({ s3Uri: `s3://${BUCKET}/inputs/big-1/input` });
  });

  test('uploads an input above the inline bound even when the queue would take it', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { MaximumMessageSize: String(1024 * 1024) } });
    await submitJob(context(), { body: Buffer.alloc(MAX_INLINE_INPUT_CHARS + 1, 'a'), source: 'big.txt', contentType: 'text/plain', jobId: 'big-2' });
    expect(sentEnvelope().input).toEqual({ s3Uri: `s3://${BUCKET}/inputs/big-2/input` });
  });

  test('counts the whole envelope against the limit, not only the input', async () => {
    const submitted = await submitJob(context(), { body: Buffer.alloc(900, 'a'), source: 'in.txt', contentType: 'text/plain' });
    expect(submitted.inputUri).toBeDefined();
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
