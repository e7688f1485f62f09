import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, GetObjectCommandOutput, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { EXIT_FAILED, EXIT_OK, EXIT_TIMEOUT, EXIT_USAGE, runJobs } from '../../scripts/jobs/cli';
import { ENVIRONMENTS, mergeConfig } from '../../lib/config';
import { ENVIRONMENT_NAMES, UNKNOWN_ENVIRONMENT } from '../helpers/environments';
import { BUCKET, DLQ, ENV, QUEUE, SERVICE, clients, cloudFormation, cloudWatch, deployedStack, notFound, resetMocks, s3, sqs, testIo } from './jobs-fixtures';

const body = (text: string) => ({ Body: { transformToString: async () => text, transformToByteArray: async () => Buffer.from(text) } as unknown as GetObjectCommandOutput['Body'] });

beforeEach(() => {
  resetMocks();
  deployedStack();
  sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE, AttributeNames: ['MaximumMessageSize'] }).resolves({ Attributes: { MaximumMessageSize: '262144' } });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  s3.on(GetObjectCommand).rejects(notFound());
  s3.on(HeadObjectCommand).rejects(notFound('NotFound'));
});

/** The first environment with a second service beside its first. */
const SECOND = 'second-service';
const withSecondService = mergeConfig(ENVIRONMENTS[0], { inference: { [SECOND]: ENVIRONMENTS[0].inference[SERVICE] } });

const run = (argv: string[], io = testIo(), environments = ENVIRONMENTS) => runJobs(argv, io, () => clients(), environments).then((code) => ({ code, io }));

describe('jobs CLI usage', () => {
  test.each([
    [['launch', '--env', ENV], 'jobs: unknown command "launch": use one of submit, get, wait, list, redrive, stats (npm run jobs -- --help)'],
    [['stats', '--env', UNKNOWN_ENVIRONMENT], `jobs stats: --env (${UNKNOWN_ENVIRONMENT}) must be one of ${ENVIRONMENT_NAMES.join(', ')} (npm run jobs -- stats --help)`],
    [['stats'], `jobs stats: --env (missing) must be one of ${ENVIRONMENT_NAMES.join(', ')} (npm run jobs -- stats --help)`],
    [['get', '--env', ENV], 'jobs get: takes <jobId>, got none (npm run jobs -- get --help)'],
    [['list', 'extra', '--env', ENV], 'jobs list: takes no argument, got extra (npm run jobs -- list --help)'],
    [['wait', 'j1', '--env', ENV, '--timeout', 'soon'], 'jobs wait: --timeout (soon) must be a number of seconds > 0 (npm run jobs -- wait --help)'],
    [['submit', '--env', ENV, '--ttl', '0'], 'jobs submit: --ttl (0) must be a whole number from 1 to 1209600 (npm run jobs -- submit --help)'],
    [['list', '--env', ENV, '--limit', '5000'], 'jobs list: --limit (5000) must be a whole number from 1 to 1000 (npm run jobs -- list --help)'],
    [['redrive', '--env', ENV, '--max-per-second', '0'], 'jobs redrive: --max-per-second (0) must be a whole number from 1 to 500 (npm run jobs -- redrive --help)'],
    [['stats', '--env', ENV, '--ttl', '5'], expect.stringMatching(/^jobs stats: Unknown option '--ttl'.* \(npm run jobs -- stats --help\)$/)],
  ])('%j is a usage error: exit 2, one line, nothing called', async (argv, message) => {
    const { code, io } = await run(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(io.err).toEqual([message]);
    expect(io.err[0]).not.toContain('\n');
    expect([...sqs.calls(), ...s3.calls(), ...cloudFormation.calls()]).toEqual([]);
  });

  test('needs a region', async () => {
    const { code, io } = await run(['stats', '--env', ENV], testIo({ env: {} }));
    expect(code).toBe(EXIT_USAGE);
    expect(io.err).toEqual(['jobs stats: no region: pass --region or set AWS_REGION (npm run jobs -- stats --help)']);
  });

  test('--help lists every command, exit 0', async () => {
    const { code, io } = await run(['--help']);
    expect(code).toBe(EXIT_OK);
    expect(io.out[0]).toMatch(/^usage: npm run jobs -- <command>/);
    for (const command of ['submit', 'get', 'wait', 'list', 'redrive', 'stats']) expect(io.out[0]).toMatch(new RegExp(`\\n  ${command} `));
  });

  test('an unknown service is a usage error naming the environment\'s services', async () => {
    const { code, io } = await run(['stats', '--env', ENV, '--service', 'no-such-service']);
    expect(code).toBe(EXIT_USAGE);
    expect(io.err).toEqual([`jobs stats: --service (no-such-service) is not a service of ${ENV}: use one of ${SERVICE} (npm run jobs -- stats --help)`]);
  });

  test('a command on one service needs --service where the environment has several', async () => {
    const { code, io } = await run(['get', 'j1', '--env', ENV], testIo(), [withSecondService]);
    expect(code).toBe(EXIT_USAGE);
    expect(io.err).toEqual([`jobs get: --service is needed: ${ENV} has the services ${SERVICE}, ${SECOND}; name one (npm run jobs -- get --help)`]);
  });

  test.each(['submit', 'get', 'wait', 'list', 'redrive', 'stats'])('%s --help prints its options and exits 0, calling nothing, even without --env', async (command) => {
    const { code, io } = await run([command, '--help'], testIo({ env: {} }));
    expect(code).toBe(EXIT_OK);
    expect(io.out[0]).toMatch(new RegExp(`^usage: npm run jobs -- ${command}`));
    expect(io.out[0]).toContain(`--env <${ENVIRONMENT_NAMES.join('|')}>`);
    expect(io.err).toEqual([]);
    expect([...sqs.calls(), ...s3.calls(), ...cloudFormation.calls(), ...cloudWatch.calls()]).toEqual([]);
  });
});

describe('jobs CLI errors', () => {
  test('a stack that is not deployed says how to deploy it', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error(`Stack with id ${ENV}-AiInference does not exist`), { name: 'ValidationError' }));
    const { code, io } = await run(['stats', '--env', ENV]);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err).toEqual([expect.stringContaining(`stack ${ENV}-AiInference is not deployed in this account and region: deploy it (npx cdk deploy ${ENV}/AiInference)`)]);
  });

  test('a stack without the results outputs asks for a current deploy', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: `${ENV}-AiInference`, CreationTime: new Date(), StackStatus: 'UPDATE_COMPLETE', Outputs: [] }] });
    const { io } = await run(['stats', '--env', ENV]);
    expect(io.err[0]).toMatch(/has no output QueueUrl, DeadLetterQueueUrl, ResultsBucketName: deploy the current version of the app/);
  });

  test('missing credentials say how to log in', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { code, io } = await run(['stats', '--env', ENV]);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toBe('jobs: no AWS credentials found (Could not load credentials from any providers): run aws configure or aws sso login, or set AWS_PROFILE');
  });

  test('a file above what Node.js can read is called too large', async () => {
    const tooLarge = Object.assign(new RangeError('File size (3221225472) is greater than 2 GiB'), { code: 'ERR_FS_FILE_TOO_LARGE' });
    const { code, io } = await run(['submit', 'huge.bin', '--env', ENV], testIo({ readFile: async () => { throw tooLarge; } }));
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toMatch(/^jobs: the input file is too large: the jobs CLI sends at most 2 GiB/);
  });
});

describe('jobs CLI commands', () => {
  test('submit sends the file and prints the job id, its status and where its result will be', async () => {
    const { code, io } = await run(['submit', 'in.json', '--env', ENV, '--job-id', 'order-17', '--output-prefix', 'batch-1/', '--ttl', '3600']);
    expect(code).toBe(EXIT_OK);
    expect(io.out.map((line) => JSON.parse(line))).toEqual([{ jobId: 'order-17', status: 'queued', resultUri: `s3://${BUCKET}/results/batch-1/order-17` }]);
    expect(JSON.parse(String(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody)).ttlSeconds).toBe(3600);
    expect(JSON.parse(String(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody)).input).toEqual({ inline: 'contents of in.json' });
  });

  test('submit without a file reads stdin', async () => {
    await run(['submit', '--env', ENV, '--content-type', 'application/json']);
    expect(JSON.parse(String(sqs.commandCalls(SendMessageCommand)[0].args[0].input.MessageBody)).input).toEqual({ inline: '{"text":"from stdin"}' });
  });

  test('submit --wait prints the submission, then the final status, and saves the result with --out', async () => {
    s3.on(GetObjectCommand, { Key: 'inputs/order-17/envelope.json' }).resolves(body('{"jobId":"order-17"}'));
    s3.on(HeadObjectCommand, { Bucket: BUCKET, Key: 'results/order-17' }).rejectsOnce(notFound('NotFound')).resolves({ ContentType: 'application/json', Metadata: {} });
    s3.on(GetObjectCommand, { Key: 'results/order-17' }).resolves(body('{"label":"positive"}'));
    const { code, io } = await run(['submit', 'in.json', '--env', ENV, '--job-id', 'order-17', '--wait', '--out', 'result.json']);
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(io.out[0])).toEqual(expect.objectContaining({ jobId: 'order-17', status: 'queued' }));
    expect(JSON.parse(io.out[1])).toEqual(expect.objectContaining({ status: 'succeeded', resultUri: `s3://${BUCKET}/results/order-17` }));
    expect(Buffer.from(io.written.get('result.json') ?? []).toString()).toBe('{"label":"positive"}');
  });

  test('get of a failed job prints the error and exits 1', async () => {
    s3.on(GetObjectCommand, { Key: 'errors/j1.json' }).resolves(body('{"reason":"malformed","failedAt":"2026-05-01T11:00:00Z"}'));
    const { code, io } = await run(['get', 'j1', '--env', ENV]);
    expect(code).toBe(EXIT_FAILED);
    expect(JSON.parse(io.out[0])).toEqual(expect.objectContaining({ status: 'failed', error: { reason: 'malformed', failedAt: '2026-05-01T11:00:00Z' } }));
  });

  test('get of an expired job exits 1', async () => {
    s3.on(GetObjectCommand, { Key: 'errors/j1.json' }).resolves(body('{"reason":"expired","failedAt":"2026-05-01T11:00:00Z"}'));
    const { code, io } = await run(['get', 'j1', '--env', ENV]);
    expect(code).toBe(EXIT_FAILED);
    expect(JSON.parse(io.out[0]).status).toBe('expired');
  });

  test('get of a queued job exits 0', async () => {
    s3.on(GetObjectCommand, { Key: 'inputs/j1/envelope.json' }).resolves(body('{"jobId":"j1"}'));
    const { code, io } = await run(['get', 'j1', '--env', ENV]);
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(io.out[0]).status).toBe('queued');
  });

  test.each(['get', 'wait'])('%s of an unknown job id is an error: exit 1 at once, one line', async (command) => {
    const { code, io } = await run([command, 'nobody', '--env', ENV]);
    expect(code).toBe(EXIT_FAILED);
    expect(io.out).toEqual([]);
    expect(io.err).toEqual([`jobs: no job nobody in ${BUCKET}: nothing was submitted under that id (inputs/nobody/envelope.json) and no attempt, result or error exists`]);
  });

  test('list prints the recent jobs, one JSON status a line', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: false });
    s3.on(ListObjectsV2Command, { Prefix: 'inputs/' }).resolves({ Contents: [{ Key: 'inputs/j1/envelope.json', LastModified: new Date() }], IsTruncated: false });
    s3.on(GetObjectCommand, { Key: 'inputs/j1/envelope.json' }).resolves(body('{"jobId":"j1"}'));
    const { code, io } = await run(['list', '--env', ENV]);
    expect(code).toBe(EXIT_OK);
    expect(io.out.map((line) => JSON.parse(line).jobId)).toEqual(['j1']);
  });

  test('wait exits 3 after its timeout, saying how to check later', async () => {
    s3.on(GetObjectCommand, { Key: 'inputs/j1/envelope.json' }).resolves(body('{"jobId":"j1"}'));
    const { code, io } = await run(['wait', 'j1', '--env', ENV, '--timeout', '10']);
    expect(code).toBe(EXIT_TIMEOUT);
    expect(io.err[0]).toBe(`jobs: job j1 did not finish within 10 s; check again with: npm run jobs -- get j1 --env ${ENV}`);
  });

  test('stats prints queued, in flight, the oldest age and dead letters', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE }).resolves({ Attributes: { ApproximateNumberOfMessages: '12', ApproximateNumberOfMessagesNotVisible: '2' } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ }).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'oldest', Values: [340] }] });
    const { code, io } = await run(['stats', '--env', ENV]);
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(io.out[0])).toEqual({ service: SERVICE, queued: 12, inFlight: 2, oldestAgeSeconds: 340, deadLetters: 1 });
    expect(cloudWatch.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries?.[0].MetricStat?.Metric?.Dimensions).toEqual([{ Name: 'QueueName', Value: `${ENV}-jobs` }]);
  });

  test('stats without --service covers every service, one line each', async () => {
    deployedStack([SERVICE, SECOND]);
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' } });
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const { code, io } = await run(['stats', '--env', ENV], testIo(), [withSecondService]);
    expect(code).toBe(EXIT_OK);
    expect(io.out.map((line) => JSON.parse(line).service)).toEqual([SERVICE, SECOND]);
  });
});

describe('jobs CLI redrive', () => {
  beforeEach(() => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ, AttributeNames: ['ApproximateNumberOfMessages'] }).resolves({ Attributes: { ApproximateNumberOfMessages: '4' } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ, AttributeNames: ['QueueArn'] }).resolves({ Attributes: { QueueArn: `arn:aws:sqs:eu-central-1:123456789012:${ENV}-jobs-dlq` } });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE, AttributeNames: ['QueueArn'] }).resolves({ Attributes: { QueueArn: `arn:aws:sqs:eu-central-1:123456789012:${ENV}-jobs` } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
  });

  test('asks before moving, with the count, and stops on no', async () => {
    const questions: string[] = [];
    const { code } = await run(['redrive', '--env', ENV], testIo({ confirm: async (q) => { questions.push(q); return false; } }));
    expect(code).toBe(EXIT_FAILED);
    expect(questions).toEqual([`move about 4 jobs from ${DLQ} back to ${QUEUE}?`]);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  test('starts a message-move task from the dead-letter queue to the job queue on yes', async () => {
    const { code, io } = await run(['redrive', '--env', ENV, '--max-per-second', '10'], testIo({ confirm: async () => true }));
    expect(code).toBe(EXIT_OK);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0].args[0].input).toEqual({
      SourceArn: `arn:aws:sqs:eu-central-1:123456789012:${ENV}-jobs-dlq`, DestinationArn: `arn:aws:sqs:eu-central-1:123456789012:${ENV}-jobs`, MaxNumberOfMessagesPerSecond: 10,
    });
    expect(io.out).toEqual(['redrive of about 4 jobs started (task task-1)']);
  });

  test('--yes skips the question', async () => {
    const { code } = await run(['redrive', '--env', ENV, '--yes']);
    expect(code).toBe(EXIT_OK);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(1);
  });

  test('an empty dead-letter queue has nothing to redrive', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ, AttributeNames: ['ApproximateNumberOfMessages'] }).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    const { code, io } = await run(['redrive', '--env', ENV, '--yes']);
    expect(code).toBe(EXIT_OK);
    expect(io.out).toEqual(['the dead-letter queue is empty: nothing to redrive']);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });
});
