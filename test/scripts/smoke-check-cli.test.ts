import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand, Output } from '@aws-sdk/client-cloudformation';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeEndpointCommand, DescribeMlflowTrackingServerCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE } from '../../scripts/smoke-check/check-result';
import { run } from '../../scripts/smoke-check/cli';
import { SmokeCheckClients } from '../../scripts/smoke-check/smoke-check';

const cloudFormation = mockClient(CloudFormationClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const sqs = mockClient(SQSClient);
const sageMaker = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);
const eks = mockClient(EKSClient);

import { ENVIRONMENTS, EnvironmentConfig, inferenceServicesOf, mergeConfig } from '../../lib/config';
import { INFERENCE_SERVICE_OUTPUTS } from '../../lib/constructs/inference/inference-service';
import { DEFAULT_SERVICE, serviceOutputKey } from '../../lib/stacks/service-names';
import { runSmokeCheck } from '../../scripts/smoke-check/smoke-check';
import { ENVIRONMENT_NAMES, UNKNOWN_ENVIRONMENT } from '../helpers/environments';

/** The environment the checks run on: the first; its ML platform switched off, whatever its config says, where it matters. */
const ENV = ENVIRONMENTS[0].name;
const QUEUE = `https://sqs.eu-central-1.amazonaws.com/123456789012/${ENV}-jobs`;
const DLQ = `https://sqs.eu-central-1.amazonaws.com/123456789012/${ENV}-jobs-dlq`;
const SERVICES = inferenceServicesOf(ENVIRONMENTS[0]).map(([name]) => name);

function outputs(values: Record<string, string>): Output[] {
  return Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue }));
}

/** One service's outputs, each service with the same queues and targets. */
function serviceOutputs(service: string): Record<string, string> {
  const values: Record<(typeof INFERENCE_SERVICE_OUTPUTS)[number], string> = {
    QueueUrl: QUEUE, DeadLetterQueueUrl: DLQ, TargetGroupArn: 'tg', AutoScalingGroupName: 'asg', LoadBalancerDnsName: 'lb', LogGroupName: 'logs',
    ResultsBucketName: 'results', SuccessTopicArn: 'ok', ErrorTopicArn: 'error', AlarmTopicArn: 'alarms', DashboardUrl: 'https://console.aws.amazon.com/cloudwatch/home',
  };
  return Object.fromEntries(Object.entries(values).map(([output, value]) => [serviceOutputKey(service, output as keyof typeof values), value]));
}

/** The deployed stacks of `env` with `services`. */
function deployed(env: string, services: readonly string[]): void {
  cloudFormation.on(DescribeStacksCommand, { StackName: `${env}-AiInference` }).resolves({
    Stacks: [{
      StackName: `${env}-AiInference`, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(),
      Outputs: outputs({ ModelBucketName: 'b', FileSystemId: 'fs-1', ...Object.assign({}, ...services.map(serviceOutputs)) }),
    }],
  });
  cloudFormation.on(DescribeStacksCommand, { StackName: `${env}-Training` }).resolves({
    Stacks: [{ StackName: `${env}-Training`, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs: outputs({ EndpointName: `${env}-sentiment` }) }],
  });
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

/** Runs the CLI with AWS_REGION set, returning its exit code and printed lines (stdout and stderr). */
async function runCli(argv: string[], env: NodeJS.ProcessEnv = { AWS_REGION: 'eu-central-1' }) {
  const lines: string[] = [];
  const regions: string[] = [];
  const print = (line: string) => { lines.push(line); };
  const code = await run(argv, env, (region) => (regions.push(region), clients()), { print, printError: print });
  return { code, lines, regions };
}

/** The checks of one service, all passing. */
const serviceLines = (service: string) => [
  `ok   ${ENV}-AiInference ${service} fleet: 1 of 1 targets healthy`,
  `ok   ${ENV}-AiInference ${service} queue: exists (arn:aws:sqs:eu-central-1:123456789012:${ENV}-jobs)`,
  `ok   ${ENV}-AiInference ${service} dead-letter queue: exists and is empty`,
  expect.stringMatching(new RegExp(`^ok {3}${ENV}-AiInference ${service} job: job smoke-check-\\d+ succeeded: s3://results/results/smoke-check-\\d+$`)),
];

beforeEach(() => {
  [cloudFormation, elbv2, sqs, sageMaker, s3, eks].forEach((mock) => mock.reset());
  deployed(ENV, SERVICES);
  elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [{ Target: { Id: 'i-1' }, TargetHealth: { State: 'healthy' } }] });
  sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE }).resolves({ Attributes: { QueueArn: `arn:aws:sqs:eu-central-1:123456789012:${ENV}-jobs`, MaximumMessageSize: '262144' } });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  s3.on(HeadObjectCommand).resolves({ ContentType: 'application/json' });
  // No attempt marker: the result is found at results/<jobId>.
  s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'NoSuchKey', message: 'NoSuchKey', $fault: 'client', $metadata: { httpStatusCode: 404 } }));
  sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ }).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
  sageMaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService' });
  sageMaker.on(DescribeMlflowTrackingServerCommand, { TrackingServerName: 'mlflow' }).resolves({ IsActive: 'Active', TrackingServerStatus: 'Created' });
  eks.on(DescribeClusterCommand, { name: 'kfp' }).resolves({ cluster: { status: 'ACTIVE', version: '1.35' } });
  cloudFormation.on(DescribeStacksCommand, { StackName: `${ENV}-MlPlatform` }).resolves({
    Stacks: [{ StackName: `${ENV}-MlPlatform`, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: outputs({ MlflowTrackingServerName: 'mlflow', ClusterName: 'kfp' }) }],
  });
});

const mlPlatformLines = ENVIRONMENTS[0].mlPlatform.enabled ? [
  `ok   ${ENV}-MlPlatform MLflow tracking server: mlflow is Active (Created)`,
  `ok   ${ENV}-MlPlatform cluster: kfp is ACTIVE, Kubernetes 1.35`,
] : [];

describe('smoke-check exit codes', () => {
  test('0 when every check passes: what it checks first (the job may take minutes), then one ok line per check of every service', async () => {
    const { code, lines } = await runCli(['--env', ENV]);
    expect(code).toBe(EXIT_OK);
    expect(lines).toEqual([
      `smoke-check: checking ${ENV} in eu-central-1 (the test job of each service may take up to 5 minutes)...`,
      ...SERVICES.flatMap(serviceLines), expect.stringMatching(new RegExp(`^ok {3}${ENV}-Training endpoint: `)), ...mlPlatformLines,
    ]);
  });

  test('1 when a check fails, with one FAIL line naming the reason', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ }).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    const { code, lines } = await runCli(['--env', ENV, '--service', SERVICES[0]]);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([
      `FAIL ${ENV}-AiInference ${SERVICES[0]} dead-letter queue: 2 failed jobs in ${DLQ}: inspect them, fix the cause, then redrive or purge`,
    ]);
  });

  test('1 with a single line when a service\'s outputs are missing', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: `${ENV}-AiInference` }).resolves({
      Stacks: [{ StackName: `${ENV}-AiInference`, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: outputs({ [serviceOutputKey(SERVICES[0], 'QueueUrl')]: QUEUE }) }],
    });
    const { code, lines } = await runCli(['--env', ENV, '--service', SERVICES[0]]);
    expect(code).toBe(EXIT_CHECK_FAILED);
    const missing = ['DeadLetterQueueUrl', 'TargetGroupArn', 'AutoScalingGroupName', 'ResultsBucketName'] as const;
    expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([
      `FAIL ${ENV}-AiInference ${SERVICES[0]} outputs: Error: stack ${ENV}-AiInference has no output ${missing.map((o) => serviceOutputKey(SERVICES[0], o)).join(', ')}: deploy the current version of the app`,
    ]);
  });

  test('2 on an unknown environment, in one line', async () => {
    const { code, lines } = await runCli(['--env', UNKNOWN_ENVIRONMENT]);
    expect(code).toBe(EXIT_USAGE);
    expect(lines).toEqual([`smoke-check: --env (${UNKNOWN_ENVIRONMENT}) must be one of ${ENVIRONMENT_NAMES.join(', ')} (see --help)`]);
  });

  test('2 on a service the environment does not have, in one line', async () => {
    const { code, lines } = await runCli(['--env', ENV, '--service', 'no-such-service']);
    expect(code).toBe(EXIT_USAGE);
    expect(lines).toEqual([`smoke-check: --service (no-such-service) is not a service of ${ENV}: use one of ${SERVICES.join(', ')} (see --help)`]);
  });

  test('--region wins over AWS_REGION', async () => {
    const { regions } = await runCli(['--env', ENV, '--region', 'us-east-1']);
    expect(regions).toEqual(['us-east-1']);
  });

  test('--help prints the usage and exits 0, calling nothing', async () => {
    const { code, lines, regions } = await runCli(['--help']);
    expect([code, regions]).toEqual([EXIT_OK, []]);
    expect(lines[0]).toMatch(new RegExp(`^usage: smoke-check --env <${ENVIRONMENT_NAMES.join('\\|')}>`));
  });
});

describe('command line', () => {
  test.each([
    [['--env'], /^smoke-check: Option '--env <value>' argument missing \(see --help\)$/],
    [['--env', ENV, '--verbose'], /^smoke-check: Unknown option '--verbose'.* \(see --help\)$/],
    [['--env', ENV, 'extra'], /^smoke-check: unexpected argument "extra" \(see --help\)$/],
    [[], new RegExp(`^smoke-check: --env \\(missing\\) must be one of ${ENVIRONMENT_NAMES.join(', ')} \\(see --help\\)$`)],
  ])('%j is a usage error in one line', async (argv, message) => {
    const { code, lines } = await runCli(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(lines).toEqual([expect.stringMatching(message)]);
  });

  test('needs a region', async () => {
    const { code, lines } = await runCli(['--env', ENV], {});
    expect([code, lines]).toEqual([EXIT_USAGE, ['smoke-check: no region: pass --region or set AWS_REGION (see --help)']]);
  });

  test('falls back to AWS_DEFAULT_REGION', async () => {
    const { regions } = await runCli(['--env', ENV], { AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(regions).toEqual(['eu-west-1']);
  });
});

describe('runSmokeCheck', () => {
  test('checks the ML platform where the config switches it on', async () => {
    const config: EnvironmentConfig = mergeConfig(ENVIRONMENTS[0], { mlPlatform: { enabled: true } });
    const results = await runSmokeCheck(clients(), config, SERVICES);
    expect(results.slice(-2).map((r) => `${r.check}: ${r.detail}`)).toEqual([
      `${ENV}-MlPlatform MLflow tracking server: mlflow is Active (Created)`,
      `${ENV}-MlPlatform cluster: kfp is ACTIVE, Kubernetes 1.35`,
    ]);
  });

  test('checks every service it is given, each under its name', async () => {
    const services = [DEFAULT_SERVICE, 'summarizer'];
    deployed(ENV, services);
    const results = await runSmokeCheck(clients(), ENVIRONMENTS[0], services);
    expect(results.filter((r) => r.check.endsWith(' fleet')).map((r) => r.check)).toEqual(services.map((service) => `${ENV}-AiInference ${service} fleet`));
    expect(results.every((r) => r.ok)).toBe(true);
  });
});
