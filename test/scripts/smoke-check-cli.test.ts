import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand, Output } from '@aws-sdk/client-cloudformation';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeEndpointCommand, DescribeMlflowTrackingServerCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { ENVIRONMENTS } from '../../lib/config';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE } from '../../scripts/smoke-check/check-result';
import { USAGE, parseArgs, run } from '../../scripts/smoke-check/cli';
import { SmokeCheckClients } from '../../scripts/smoke-check/smoke-check';

const NAMES = ENVIRONMENTS.map((c) => c.name as string);
const [FIRST] = ENVIRONMENTS;
const ENV = FIRST.name;
const INFERENCE = stackNameOf(ENV, STACK_IDS.inference);
const TRAINING = stackNameOf(ENV, STACK_IDS.training);

const cloudFormation = mockClient(CloudFormationClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const sqs = mockClient(SQSClient);
const sageMaker = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const eks = mockClient(EKSClient);

const QUEUE = 'https://sqs.eu-central-1.amazonaws.com/123456789012/dev-jobs';
const DLQ = 'https://sqs.eu-central-1.amazonaws.com/123456789012/dev-jobs-dlq';

function outputs(values: Record<string, string>): Output[] {
  return Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
}

const clients = (): SmokeCheckClients => ({
  cloudFormation: new CloudFormationClient({}),
  elbv2: new ElasticLoadBalancingV2Client({}),
  autoScaling: new AutoScalingClient({}),
  sqs: new SQSClient({}),
  sageMaker: new SageMakerClient({}),
  s3: new S3Client({}),
  eks: new EKSClient({}),
});

/** Runs the CLI with AWS_REGION set, returning its exit code and printed lines. */
async function runCli(argv: string[], env: NodeJS.ProcessEnv = { AWS_REGION: 'eu-central-1' }) {
  const lines: string[] = [];
  const regions: string[] = [];
  const code = await run(argv, env, (region) => (regions.push(region), clients()), (line) => lines.push(line));
  return { code, lines, regions };
}

beforeEach(() => {
  [cloudFormation, elbv2, sqs, sageMaker, s3, eks].forEach((mock) => mock.reset());
  cloudFormation.on(DescribeStacksCommand, { StackName: INFERENCE }).resolves({
    Stacks: [{
      StackName: INFERENCE, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(),
      Outputs: outputs({ QueueUrl: QUEUE, DeadLetterQueueUrl: DLQ, TargetGroupArn: 'tg', AutoScalingGroupName: 'asg', LoadBalancerDnsName: 'lb', ModelBucketName: 'b', FileSystemId: 'fs-1', ResultsBucketName: 'results' }),
    }],
  });
  cloudFormation.on(DescribeStacksCommand, { StackName: TRAINING }).resolves({
    Stacks: [{ StackName: TRAINING, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs: outputs({ EndpointName: `${ENV}-sentiment` }) }],
  });
  elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [{ Target: { Id: 'i-1' }, TargetHealth: { State: 'healthy' } }] });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE }).resolves({ Attributes: { QueueArn: 'arn:aws:sqs:eu-central-1:123456789012:dev-jobs', MaximumMessageSize: '262144' } });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  s3.on(HeadObjectCommand).resolves({ ContentType: 'application/json' });
  // No attempt marker: the result is found at results/<jobId>.
  s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'NoSuchKey', message: 'NoSuchKey', $fault: 'client', $metadata: { httpStatusCode: 404 } }));
  sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ }).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
  sageMaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService' });
});

describe('smoke-check exit codes', () => {
  test('0 when every check passes, one ok line per check', async () => {
    const { code, lines } = await runCli(['--env', ENV]);
    expect(code).toBe(EXIT_OK);
    expect(lines).toEqual([
      `ok   ${INFERENCE} fleet: 1 of 1 targets healthy`,
      `ok   ${INFERENCE} queue: exists (arn:aws:sqs:eu-central-1:123456789012:dev-jobs)`,
      `ok   ${INFERENCE} dead-letter queue: exists and is empty`,
      expect.stringMatching(new RegExp(`^ok {3}${INFERENCE} job: job smoke-check-\\d+ succeeded: s3://results/results/smoke-check-\\d+$`)),
      expect.stringMatching(new RegExp(`^ok {3}${TRAINING} endpoint: `)),
    ]);
  });

  test('1 when a check fails, with one FAIL line naming the reason', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ }).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    const { code, lines } = await runCli(['--env', ENV]);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([
      `FAIL ${INFERENCE} dead-letter queue: 2 failed jobs in ${DLQ}: inspect them, fix the cause, then redrive or purge`,
    ]);
  });

  test('1 with a single line when the inference outputs are missing', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: INFERENCE }).resolves({
      Stacks: [{ StackName: INFERENCE, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: outputs({ QueueUrl: QUEUE }) }],
    });
    const { code, lines } = await runCli(['--env', ENV]);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([
      `FAIL ${INFERENCE} outputs: Error: stack ${INFERENCE} has no output DeadLetterQueueUrl, TargetGroupArn, AutoScalingGroupName, ResultsBucketName: deploy the current version of the app`,
    ]);
  });

  test('checks the ML platform where the config switches it on', async () => {
    const platform = ENVIRONMENTS.find((c) => c.mlPlatform.enabled);
    expect(platform).toBeDefined();
    const name = platform?.name as string;
    for (const id of [STACK_IDS.inference, STACK_IDS.training]) {
      cloudFormation.on(DescribeStacksCommand, { StackName: stackNameOf(name, id) }).resolves({
        Stacks: [{
          StackName: stackNameOf(name, id), StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(),
          Outputs: outputs({ QueueUrl: QUEUE, DeadLetterQueueUrl: DLQ, TargetGroupArn: 'tg', AutoScalingGroupName: 'asg', ResultsBucketName: 'results', EndpointName: `${name}-sentiment` }),
        }],
      });
    }
    const mlPlatform = stackNameOf(name, STACK_IDS.mlPlatform);
    cloudFormation.on(DescribeStacksCommand, { StackName: mlPlatform }).resolves({
      Stacks: [{ StackName: mlPlatform, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: outputs({ MlflowTrackingServerName: 'mlflow', ClusterName: 'kfp' }) }],
    });
    sageMaker.on(DescribeMlflowTrackingServerCommand, { TrackingServerName: 'mlflow' }).resolves({ IsActive: 'Active', TrackingServerStatus: 'Created' });
    eks.on(DescribeClusterCommand, { name: 'kfp' }).resolves({ cluster: { status: 'ACTIVE', version: '1.35' } });
    const { code, lines } = await runCli(['--env', name]);
    expect(code).toBe(EXIT_OK);
    expect(lines.slice(-2)).toEqual([
      `ok   ${mlPlatform} MLflow tracking server: mlflow is Active (Created)`,
      `ok   ${mlPlatform} cluster: kfp is ACTIVE, Kubernetes 1.35`,
    ]);
  });

  test('2 on an unknown environment, with the usage', async () => {
    const { code, lines } = await runCli(['--env', 'no-such-env']);
    expect(code).toBe(EXIT_USAGE);
    expect(lines[0]).toBe(`smoke-check: --env (no-such-env) must be one of ${NAMES.join(', ')}\n${USAGE}`);
  });

  test('--help prints the usage and exits 0 without calling AWS', async () => {
    const { code, lines, regions } = await runCli(['--help'], {});
    expect([code, lines, regions]).toEqual([EXIT_OK, [USAGE], []]);
  });

  test('--region wins over AWS_REGION', async () => {
    const { regions } = await runCli(['--env', ENV, '--region', 'us-east-1']);
    expect(regions).toEqual(['us-east-1']);
  });
});

describe('parseArgs', () => {
  test.each([
    [['--env'], /^Option '--env <value>' argument missing$/],
    [['--env', ENV, '--verbose'], /^Unknown option '--verbose'/],
    [['--stack', ENV], /^Unknown option '--stack'/],
    [[], new RegExp(`^--env \\(missing\\) must be one of ${NAMES.join(', ')}$`)],
  ])('rejects %j', (argv, message) => {
    expect(parseArgs(argv, { AWS_REGION: 'eu-central-1' })).toMatch(message);
  });

  test('needs a region', () => {
    expect(parseArgs(['--env', ENV], {})).toBe('no region: pass --region or set AWS_REGION');
  });

  test('falls back to AWS_DEFAULT_REGION', () => {
    expect(parseArgs(['--env', ENV], { AWS_DEFAULT_REGION: 'eu-west-1' })).toEqual({ config: FIRST, region: 'eu-west-1' });
  });
});
