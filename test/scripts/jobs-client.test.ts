import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, GetObjectCommandOutput, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ENVIRONMENTS } from '../../lib/config';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { serviceOutputKey } from '../../lib/stacks/service-names';
import { JobsClient } from '../../scripts/jobs/client';
import { JobsClients } from '../../scripts/jobs/context';
import { standbyEnvironment } from '../helpers/standby';
import { clients, cloudFormation, notFound, resetMocks, s3, sqs } from './jobs-fixtures';

const config = standbyEnvironment(ENVIRONMENTS);
const service = Object.keys(config.inference)[0];
const PRIMARY = { region: config.region, stack: stackNameOf(config.name, STACK_IDS.inference), queue: 'https://sqs.primary/q', bucket: 'primary-results' };
const STANDBY = { region: config.secondaryRegion, stack: stackNameOf(config.name, STACK_IDS.standbyInference), queue: 'https://sqs.standby/q', bucket: 'standby-results' };

const body = (text: string) => ({ Body: { transformToString: async () => text, transformToByteArray: async () => Buffer.from(text) } as unknown as GetObjectCommandOutput['Body'] });

function deployed(at: typeof PRIMARY): void {
  cloudFormation.on(DescribeStacksCommand, { StackName: at.stack }).resolves({
    Stacks: [{
      StackName: at.stack, CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE',
      Outputs: [['QueueUrl', at.queue], ['DeadLetterQueueUrl', `${at.queue}-dlq`], ['ResultsBucketName', at.bucket]]
        .map(([output, value]) => ({ OutputKey: serviceOutputKey(service, output as 'QueueUrl'), OutputValue: value })),
    }],
  });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: at.queue }).resolves({ Attributes: { MaximumMessageSize: '262144' } });
}

/** The Regions clients were made for. */
const madeFor: string[] = [];
const clientsFor = (region: string): JobsClients => {
  madeFor.push(region);
  return clients();
};
let clock = Date.parse('2026-05-01T12:00:00Z');
const timing = { sleep: async (ms: number) => { clock += ms; }, now: () => new Date(clock) };
const client = (primaryImpaired?: boolean | (() => boolean)) => JobsClient.forEnvironment(config, service, { clientsFor, primaryImpaired, ...timing });
const sentTo = () => sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.QueueUrl);

/** The standby's results bucket holds job `jobId`'s result `text`. */
function succeededInStandby(jobId: string, text: string): void {
  s3.on(HeadObjectCommand, { Bucket: STANDBY.bucket, Key: `results/${jobId}` }).resolves({ ContentType: 'application/json', Metadata: {} });
  s3.on(GetObjectCommand, { Bucket: STANDBY.bucket, Key: `inputs/${jobId}/envelope.json` }).resolves(body(JSON.stringify({ jobId, submittedAt: '2026-05-01T12:00:00.000Z' })));
  s3.on(GetObjectCommand, { Bucket: STANDBY.bucket, Key: `results/${jobId}` }).resolves(body(text));
}

beforeEach(() => {
  resetMocks();
  madeFor.length = 0;
  deployed(PRIMARY);
  deployed(STANDBY);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  s3.on(PutObjectCommand).resolves({});
  s3.on(GetObjectCommand).rejects(notFound());
  s3.on(HeadObjectCommand).rejects(notFound('NotFound'));
});

describe('JobsClient in an environment with a secondaryRegion', () => {
  test('forEnvironment reaches both of the config\'s Regions, the primary first', () => {
    client();
    expect(madeFor).toEqual([PRIMARY.region, STANDBY.region]);
  });

  test('submits to the primary while it answers and is not marked impaired', async () => {
    const placed = await client().submit({ jobId: 'c-1', body: '{"text":"hi"}', contentType: 'application/json' });
    expect([placed.region, placed.failover, sentTo()]).toEqual([PRIMARY.region, undefined, [PRIMARY.queue]]);
  });

  test('a string body travels as the job\'s inline input', async () => {
    await client().submit({ jobId: 'c-2', body: '{"text":"hi"}', contentType: 'application/json' });
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody ?? '{}').input).toEqual({ inline: '{"text":"hi"}' });
  });

  test('the switch set to true sends every job to the standby, nothing to the primary', async () => {
    const placed = await client(true).submit({ jobId: 'c-3', body: '{}', contentType: 'application/json' });
    expect([placed.region, sentTo()]).toEqual([STANDBY.region, [STANDBY.queue]]);
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName)).toEqual([STANDBY.stack]);
  });

  test('a switch function is asked before each submission: jobs follow it as it flips', async () => {
    let impaired = false;
    const jobs = client(() => impaired);
    const first = await jobs.submit({ jobId: 'c-4', body: '{}', contentType: 'application/json' });
    impaired = true;
    const second = await jobs.submit({ jobId: 'c-5', body: '{}', contentType: 'application/json' });
    expect([first.region, second.region, sentTo()]).toEqual([PRIMARY.region, STANDBY.region, [PRIMARY.queue, STANDBY.queue]]);
  });

  test('fails over when the primary\'s queue cannot be reached', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: PRIMARY.queue }).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
    const placed = await client().submit({ jobId: 'c-6', body: '{}', contentType: 'application/json' });
    expect([placed.region, sentTo()]).toEqual([STANDBY.region, [STANDBY.queue]]);
  });

  test('status and result read the Region that holds the job', async () => {
    succeededInStandby('c-7', '{"answer":42}');
    const jobs = client();
    expect((await jobs.status('c-7')).region).toBe(STANDBY.region);
    expect(Buffer.from(await jobs.result('c-7')).toString()).toBe('{"answer":42}');
  });

  test('result of a job that has not succeeded is an error naming its status and Region', async () => {
    s3.on(GetObjectCommand, { Bucket: PRIMARY.bucket, Key: 'inputs/c-8/envelope.json' }).resolves(body(JSON.stringify({ jobId: 'c-8', submittedAt: '2026-05-01T12:00:00.000Z' })));
    await expect(client().result('c-8')).rejects.toThrow(`job c-8 has no result: it is queued in ${PRIMARY.region}`);
  });

  test('wait returns the final status and its Region', async () => {
    succeededInStandby('c-9', '{}');
    expect(await client().wait('c-9', { timeoutMs: 60_000 })).toEqual({ status: expect.objectContaining({ status: 'succeeded' }), region: STANDBY.region });
  });

  test('wait returns undefined when the job is not final within timeoutMs', async () => {
    s3.on(GetObjectCommand, { Bucket: PRIMARY.bucket, Key: 'inputs/c-10/envelope.json' }).resolves(body(JSON.stringify({ jobId: 'c-10', submittedAt: '2026-05-01T12:00:00.000Z' })));
    expect(await client().wait('c-10', { timeoutMs: 20_000, pollIntervalMs: 5_000 })).toBeUndefined();
  });

  test.each([
    [{ timeoutMs: -1 }, /timeoutMs \(-1\) must be a finite number of milliseconds, 0 or more/],
    [{ timeoutMs: Infinity }, /timeoutMs \(Infinity\) must be a finite number/],
    [{ timeoutMs: 1000, pollIntervalMs: 0 }, /pollIntervalMs \(0\) must be a finite number of milliseconds above 0/],
  ])('wait(%j) is refused before anything is read', async (options, message) => {
    await expect(client().wait('c-11', options)).rejects.toThrow(message);
    expect(s3.calls()).toEqual([]);
  });
});

describe('JobsClient in an environment with one Region', () => {
  const single = { ...config, secondaryRegion: undefined };

  test('submits to its Region', async () => {
    const placed = await JobsClient.forEnvironment(single, service, { clientsFor }).submit({ jobId: 'o-1', body: '{}', contentType: 'application/json' });
    expect([placed.region, sentTo(), madeFor]).toEqual([PRIMARY.region, [PRIMARY.queue], [PRIMARY.region]]);
  });

  test('the switch on is an error naming why, and nothing is sent', async () => {
    const jobs = JobsClient.forEnvironment(single, service, { clientsFor, primaryImpaired: true });
    await expect(jobs.submit({ jobId: 'o-2', body: '{}', contentType: 'application/json' }))
      .rejects.toThrow(`primaryImpaired is on but there is no standby Region to fail over to (only ${PRIMARY.region}): set the environment's secondaryRegion, or turn the switch off`);
    expect(sqs.commandCalls(SendMessageCommand)).toEqual([]);
  });
});
