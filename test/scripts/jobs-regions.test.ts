import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, GetObjectCommandOutput, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ENVIRONMENTS } from '../../lib/config';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { serviceOutputKey } from '../../lib/stacks/service-names';
import { EXIT_OK, EXIT_USAGE, runJobs } from '../../scripts/jobs/cli';
import { JobsClients } from '../../scripts/jobs/context';
import { standbyEnvironment } from '../helpers/standby';
import { ENV, SERVICE, clients, cloudFormation, cloudWatch, notFound, resetMocks, s3, sqs, testIo } from './jobs-fixtures';

/** An environment with a standby Region (the app's, or the first one given one). */
const config = standbyEnvironment(ENVIRONMENTS);
const env = config.name;
const service = Object.keys(config.inference)[0];
const PRIMARY = { region: config.region, stack: stackNameOf(env, STACK_IDS.inference), queue: 'https://sqs.primary/q', dlq: 'https://sqs.primary/dlq', bucket: 'primary-results' };
const STANDBY = { region: config.secondaryRegion, stack: stackNameOf(env, STACK_IDS.standbyInference), queue: 'https://sqs.standby/q', dlq: 'https://sqs.standby/dlq', bucket: 'standby-results' };

const body = (text: string) => ({ Body: { transformToString: async () => text, transformToByteArray: async () => Buffer.from(text) } as unknown as GetObjectCommandOutput['Body'] });

/** A deployed inference stack of the Region, with the outputs the CLI reads. */
function deployed(at: typeof PRIMARY): void {
  cloudFormation.on(DescribeStacksCommand, { StackName: at.stack }).resolves({
    Stacks: [{
      StackName: at.stack, CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE',
      Outputs: [['QueueUrl', at.queue], ['DeadLetterQueueUrl', at.dlq], ['ResultsBucketName', at.bucket]]
        .map(([output, value]) => ({ OutputKey: serviceOutputKey(service, output as 'QueueUrl'), OutputValue: value })),
    }],
  });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: at.queue }).resolves({ Attributes: { MaximumMessageSize: '262144', ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: at.dlq }).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
}

/** The Regions clients were made for, in order. */
const madeFor: string[] = [];
const run = (argv: string[]) => {
  const io = testIo();
  return runJobs(argv, io, (region): JobsClients => { madeFor.push(region); return clients(); }, [config]).then((code) => ({ code, io }));
};

beforeEach(() => {
  resetMocks();
  madeFor.length = 0;
  deployed(PRIMARY);
  deployed(STANDBY);
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  s3.on(PutObjectCommand).resolves({});
  s3.on(GetObjectCommand).rejects(notFound());
  s3.on(HeadObjectCommand).rejects(notFound('NotFound'));
  cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});

describe('jobs CLI in an environment with a secondaryRegion', () => {
  test('submit sends to the primary Region\'s queue and says so', async () => {
    const { code, io } = await run(['submit', '--env', env, '--job-id', 'r-1']);
    expect([code, JSON.parse(io.out[0])]).toEqual([EXIT_OK, expect.objectContaining({ jobId: 'r-1', region: PRIMARY.region, resultUri: `s3://${PRIMARY.bucket}/results/r-1` })]);
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.QueueUrl)).toEqual([PRIMARY.queue]);
  });

  test('submit --region-impaired sends to the standby Region\'s queue only, saying why', async () => {
    const { code, io } = await run(['submit', '--env', env, '--job-id', 'r-2', '--region-impaired']);
    expect([code, JSON.parse(io.out[0])]).toEqual([EXIT_OK, expect.objectContaining({
      jobId: 'r-2', region: STANDBY.region, failover: `${PRIMARY.region} is marked impaired (--region-impaired): nothing was sent there`,
    })]);
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.QueueUrl)).toEqual([STANDBY.queue]);
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.StackName)).toEqual([STANDBY.stack]);
  });

  test('submit fails over when the primary\'s queue answers 503 before the send', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: PRIMARY.queue }).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
    const { io } = await run(['submit', '--env', env, '--job-id', 'r-3']);
    expect(JSON.parse(io.out[0])).toEqual(expect.objectContaining({ region: STANDBY.region, failover: `${PRIMARY.region} could not be reached (ServiceUnavailable: down): nothing was sent there` }));
  });

  test('submit does not fail over on the caller\'s own error: access denied in the primary fails the submission', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: PRIMARY.queue }).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const { code, io } = await run(['submit', '--env', env, '--job-id', 'r-4']);
    expect([code, io.err]).toEqual([1, ['jobs: AccessDenied: not allowed']]);
    expect(sqs.commandCalls(SendMessageCommand)).toEqual([]);
  });

  test('get reads both Regions and reports the one that holds the job', async () => {
    s3.on(HeadObjectCommand, { Bucket: STANDBY.bucket, Key: 'results/r-5' }).resolves({ ContentType: 'application/json', Metadata: {} });
    s3.on(GetObjectCommand, { Bucket: STANDBY.bucket, Key: 'inputs/r-5/envelope.json' }).resolves(body(JSON.stringify({ jobId: 'r-5', submittedAt: '2026-05-01T12:00:00.000Z' })));
    const { code, io } = await run(['get', 'r-5', '--env', env]);
    expect([code, JSON.parse(io.out[0])]).toEqual([EXIT_OK, expect.objectContaining({ jobId: 'r-5', status: 'succeeded', region: STANDBY.region, resultUri: `s3://${STANDBY.bucket}/results/r-5` })]);
  });

  test('get follows the Region claim over a submission record the primary kept', async () => {
    s3.on(GetObjectCommand, { Bucket: PRIMARY.bucket, Key: 'inputs/r-6/envelope.json' }).resolves(body(JSON.stringify({ jobId: 'r-6', submittedAt: '2026-05-01T12:00:00.000Z' })));
    s3.on(GetObjectCommand, { Bucket: PRIMARY.bucket, Key: 'inputs/r-6/region.json' }).resolves(body(JSON.stringify({ region: STANDBY.region, claimedBy: 'failover', claimedAt: '2026-05-01T12:00:01.000Z' })));
    s3.on(GetObjectCommand, { Bucket: STANDBY.bucket, Key: 'inputs/r-6/envelope.json' }).resolves(body(JSON.stringify({ jobId: 'r-6', submittedAt: '2026-05-01T12:00:00.000Z' })));
    const { io } = await run(['get', 'r-6', '--env', env]);
    expect(JSON.parse(io.out[0])).toEqual(expect.objectContaining({ status: 'queued', region: STANDBY.region }));
  });

  test('a job neither Region knows is an error naming both', async () => {
    const { code, io } = await run(['get', 'r-7', '--env', env]);
    expect([code, io.err]).toEqual([1, [`jobs: no job r-7 in ${PRIMARY.region} and ${STANDBY.region}: nothing was submitted under that id and no attempt, result or error exists`]]);
  });

  test('stats prints one line per Region', async () => {
    const { io } = await run(['stats', '--env', env, '--service', service]);
    expect(io.out.map((line) => JSON.parse(line).region)).toEqual([PRIMARY.region, STANDBY.region]);
  });

  test('--region keeps one of the two Regions: that one only, no failover', async () => {
    const { io } = await run(['stats', '--env', env, '--region', STANDBY.region]);
    expect([io.out.map((line) => JSON.parse(line).region), madeFor]).toEqual([[undefined], [STANDBY.region]]);
  });

  test('--region naming neither Region is a usage error', async () => {
    const { code, io } = await run(['stats', '--env', env, '--region', 'ap-south-1']);
    expect([code, io.err]).toEqual([EXIT_USAGE, [`jobs stats: --region (ap-south-1) is not a Region of ${env}: use ${PRIMARY.region} or ${STANDBY.region}, or leave it out for both (npm run jobs -- stats --help)`]]);
  });

  test('--region-impaired with --region is a usage error: there is nothing to fail over to', async () => {
    const { code, io } = await run(['submit', '--env', env, '--region', PRIMARY.region, '--region-impaired']);
    expect([code, io.err]).toEqual([EXIT_USAGE, [`jobs submit: --region-impaired fails over to the standby Region: ${env} has one Region selected (--region ${PRIMARY.region}) (npm run jobs -- submit --help)`]]);
  });
});

describe('jobs CLI in an environment with one Region', () => {
  test('--region-impaired is a usage error naming why', async () => {
    const io = testIo();
    const code = await runJobs(['submit', '--env', ENV, '--region-impaired'], io, () => clients(), ENVIRONMENTS.filter((c) => c.secondaryRegion === undefined));
    expect([code, io.err]).toEqual([EXIT_USAGE, [`jobs submit: --region-impaired fails over to the standby Region: ${ENV} has no secondaryRegion (npm run jobs -- submit --help)`]]);
  });

  test('submit --help documents --region-impaired', async () => {
    const io = testIo();
    await runJobs(['submit', '--help'], io, () => clients());
    expect(io.out[0]).toMatch(/--region-impaired +the primary Region is impaired: submit to the standby Region at once/);
  });

  test('prints no region field', async () => {
    const io = testIo();
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{
        StackName: 'x', CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE',
        Outputs: ['QueueUrl', 'DeadLetterQueueUrl', 'ResultsBucketName'].map((output) => ({ OutputKey: serviceOutputKey(SERVICE, output as 'QueueUrl'), OutputValue: `${output}-value` })),
      }],
    });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { MaximumMessageSize: '262144' } });
    await runJobs(['submit', '--env', ENV, '--job-id', 'one-1'], io, () => clients(), ENVIRONMENTS.filter((c) => c.secondaryRegion === undefined));
    expect(Object.keys(JSON.parse(io.out[0]))).toEqual(['jobId', 'status', 'resultUri']);
  });
});
