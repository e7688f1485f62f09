import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupClient, DescribeBackupVaultCommand, ResourceNotFoundException } from '@aws-sdk/client-backup';
import { CloudFormationClient, CloudFormationServiceException, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeAddressesCommand, DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { GetServiceQuotaCommand, ListAWSDefaultServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { App, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { ENVIRONMENTS } from '../../lib/config';
import { gitops } from '../../lib/config/gitops';
import { EnvironmentAssembly, environmentOf, synthesizeEnvironment, synthesizePublished } from '../../scripts/preflight/assembly';
import { PreflightIo, USAGE, run } from '../../scripts/preflight/cli';
import { PreflightClients } from '../../scripts/preflight/clients';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../../scripts/preflight/result';
import { stacksIn } from '../../scripts/preflight/template';

// One environment synthesized once through the app factory, as `npm run preflight` does, and once
// with its model published: the cheapest one (without the ML platform, if there is one).
const config = ENVIRONMENTS.find((c) => !c.mlPlatform.enabled) ?? ENVIRONMENTS[0];
const assembly = synthesizeEnvironment(config.name);
const published = synthesizePublished(config);
const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';

const mocks = {
  sts: mockClient(STSClient), ssm: mockClient(SSMClient), quotas: mockClient(ServiceQuotasClient), ec2: mockClient(EC2Client), lambda: mockClient(LambdaClient),
  cfn: mockClient(CloudFormationClient), logs: mockClient(CloudWatchLogsClient), backup: mockClient(BackupClient), s3: mockClient(S3Client),
  ecr: mockClient(ECRClient), iam: mockClient(IAMClient),
};
const clients = (): PreflightClients => ({
  sts: new STSClient({}), ssm: new SSMClient({}), serviceQuotas: new ServiceQuotasClient({}), ec2: new EC2Client({}), lambda: new LambdaClient({}),
  cloudFormation: new CloudFormationClient({}), logs: new CloudWatchLogsClient({}), backup: new BackupClient({}), s3: new S3Client({}),
  ecrFor: () => new ECRClient({}), iam: new IAMClient({}),
});

/** A fresh account: bootstrapped or not, every adjustable GPU quota at its default, nothing left over. */
function freshAccount(quotaValue: number, bootstrapped: boolean): void {
  Object.values(mocks).forEach((m) => m.reset());
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/me`, UserId: 'AIDA' });
  mocks.ssm.on(GetParameterCommand).callsFake(({ Name }: { Name: string }) => {
    if (Name !== assembly.bootstrap.parameter) return { Parameter: { Name, Type: 'String', Value: 'ami-0123456789abcdef0' } };
    if (!bootstrapped) throw new ParameterNotFound({ $metadata: {}, message: '' });
    return { Parameter: { Name, Type: 'String', Value: '30' } };
  });
  mocks.quotas.on(ListAWSDefaultServiceQuotasCommand).callsFake(({ ServiceCode }: { ServiceCode: string }) => ({ Quotas: QUOTA_NAMES[ServiceCode].map((QuotaName, n) => ({ ServiceCode, QuotaName, QuotaCode: `L-${ServiceCode}${n}`, Value: 0 })) }));
  mocks.quotas.on(GetServiceQuotaCommand).callsFake(({ ServiceCode, QuotaCode }: { ServiceCode: string; QuotaCode: string }) => ({ Quota: { ServiceCode, QuotaCode, Value: quotaValue } }));
  mocks.ec2.on(DescribeInstanceTypesCommand).callsFake(({ InstanceTypes }: { InstanceTypes: string[] }) => ({ InstanceTypes: InstanceTypes.map((InstanceType) => ({ InstanceType, VCpuInfo: { DefaultVCpus: 4 } })) }));
  mocks.ec2.on(DescribeAddressesCommand).resolves({ Addresses: [] });
  mocks.lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: quotaValue, UnreservedConcurrentExecutions: quotaValue } });
  mocks.cfn.on(ListStackResourcesCommand).rejects(new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: {}, message: 'Stack with id x does not exist' }));
  mocks.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  mocks.backup.on(DescribeBackupVaultCommand).rejects(new ResourceNotFoundException({ $metadata: {}, message: '' }));
  mocks.s3.on(HeadBucketCommand).rejects(new NotFound({ $metadata: {}, message: '' }));
  mocks.ecr.on(BatchGetImageCommand).resolves({ images: [{ imageId: { imageTag: 't' } }], failures: [] });
}
const QUOTA_NAMES: Record<string, string[]> = {
  ec2: ['Running On-Demand G and VT instances', 'All G and VT Spot Instance Requests', 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', 'All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests', 'EC2-VPC Elastic IPs'],
  sagemaker: config.sageMaker.endpoint.variants.map((v) => `${v.instanceType} for endpoint usage`),
  lambda: ['Concurrent executions'],
};

async function runCli(argv: string[], io: Partial<PreflightIo> = {}) {
  const lines: string[] = [];
  const code = await run(argv, {
    clientsFor: clients,
    defaultRegion: async () => REGION,
    assemble: () => assembly,
    assemblePublished: () => published,
    print: (line) => lines.push(line),
    ...io,
  });
  return { code, lines };
}

describe('a run against the account', () => {
  test('a fresh account: one line per check, the bootstrap, quota and increase commands failing; exit 1', async () => {
    freshAccount(0, false);
    const { code, lines } = await runCli(['--env', config.name]);
    expect(code).toBe(EXIT_FAILED);
    expect(lines.every((line) => /^(PASS|WARN|FAIL) /.test(line))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^FAIL CDK bootstrap \\(qualifier ${gitops.bootstrapQualifier}\\): .* -> fix: npx cdk bootstrap aws://${ACCOUNT}/${REGION} --qualifier ${gitops.bootstrapQualifier}`)));
    expect(lines).toContainEqual(expect.stringMatching(/^FAIL quota All G and VT Spot Instance Requests \(spot vCPUs\): needs \d+ .* -> fix: aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-ec21 --desired-value \d+ --region eu-central-1$/));
    expect(lines).toContainEqual(expect.stringMatching(/^WARN quota .* for endpoint usage: needs \d+ once modelPublished is true/));
  });

  test('an account ready for the environment: exit 0', async () => {
    freshAccount(5000, true);
    const { code, lines } = await runCli(['--env', config.name]);
    expect([code, lines.filter((line) => line.startsWith('FAIL'))]).toEqual([EXIT_OK, []]);
  });

  test('asks the bootstrap version the synthesized stacks require, of the app\'s qualifier', () => {
    expect(assembly.bootstrap).toEqual({ parameter: `/cdk-bootstrap/${gitops.bootstrapQualifier}/version`, version: expect.any(Number), qualifier: gitops.bootstrapQualifier });
    expect(assembly.bootstrap.version).toBeGreaterThanOrEqual(6);
  });
});

describe('errors, each on one line', () => {
  beforeEach(() => freshAccount(0, true));

  test('--help prints the usage and exits 0 without calling AWS', async () => {
    const { code, lines } = await runCli(['--help']);
    expect([code, lines, mocks.sts.calls()]).toEqual([EXIT_OK, [USAGE], []]);
  });

  test.each([
    [['--env', 'no-such-env'], `--env (no-such-env) must be one of ${ENVIRONMENTS.map((c) => c.name).join(', ')}`],
    [['--env'], 'Option \'--env <value>\' argument missing'],
    [['--env', config.name, '--force'], 'Unknown option \'--force\''],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const { code, lines } = await runCli(argv);
    expect([code, lines[0].split('\n')[0]]).toEqual([EXIT_USAGE, expect.stringContaining(`preflight: ${message}`)]);
  });

  test('no region: exit 2', async () => {
    const { code, lines } = await runCli(['--env', config.name], { defaultRegion: async () => undefined });
    expect([code, lines]).toEqual([EXIT_USAGE, ['preflight: no region: pass --region, set AWS_REGION, or set the region of your AWS profile']]);
  });

  test('no credentials (the SDK\'s CredentialsProviderError): exit 2', async () => {
    mocks.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { code, lines } = await runCli(['--env', config.name]);
    expect([code, lines]).toEqual([EXIT_USAGE, ['preflight: no AWS credentials: Could not load credentials from any providers. Configure them (aws configure, AWS_PROFILE, aws sso login) and run again.']]);
  });

  test('an app that does not synthesize: exit 1', async () => {
    const { code, lines } = await runCli(['--env', config.name], { assemble: () => { throw new Error('Validation failed with the following errors:\n  [x] ...'); } });
    expect([code, lines]).toEqual([EXIT_FAILED, [`preflight: ${config.name} does not synthesize: Validation failed with the following errors: (npx cdk synth -c env=${config.name} shows why)`]]);
  });
});

describe('environmentOf a cloud assembly (--assembly cdk.out)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-assembly-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const app = new App({ outdir: dir });
  new CfnResource(new Stack(new Stage(app, 'qa'), 'Network'), 'Topic', { type: 'AWS::SNS::Topic' });
  app.synth();

  test('reads the environment\'s stacks and the bootstrap version they require (8: the lookup role\'s)', () => {
    const found: EnvironmentAssembly = environmentOf(dir, 'qa');
    expect([found.stacks.map((s) => s.stackName), found.bootstrap]).toEqual([['qa-Network'], { parameter: '/cdk-bootstrap/hnb659fds/version', version: 8, qualifier: 'hnb659fds' }]);
  });

  test('names the synth command for an environment it does not hold', () => {
    expect(() => environmentOf(dir, 'prod')).toThrow(`the cloud assembly in ${dir} has no environment "prod": synthesize it with npx cdk synth -c env=prod`);
  });
});

describe('an environment with a secondaryRegion: each Region checked on its own', () => {
  const standbyConfig = ENVIRONMENTS.find((c) => c.secondaryRegion !== undefined && c.region !== undefined);
  const eips = (n: number) => ({ Resources: Object.fromEntries(Array.from({ length: n }, (_, i) => [`Eip${i}`, { Type: 'AWS::EC2::EIP' }])) });
  /** One stack in each Region: 1 Elastic IP in the primary, 2 in the standby. */
  const twoRegions = (): EnvironmentAssembly => ({
    bootstrap: assembly.bootstrap,
    stacks: [
      { stackName: 'x-Network', template: eips(1), region: standbyConfig?.region },
      { stackName: 'x-StandbyNetwork', template: eips(2), region: standbyConfig?.secondaryRegion },
    ],
  });
  const eipLine = async (region: string) => {
    freshAccount(5000, true);
    const { lines } = await runCli(['--env', standbyConfig!.name, '--region', region], { assemble: twoRegions, assemblePublished: () => twoRegions().stacks });
    return lines.find((line) => line.includes('quota EC2-VPC Elastic IPs'));
  };

  (standbyConfig ? test : test.skip)('--region <region> checks the stacks that deploy there', async () => {
    expect(await eipLine(standbyConfig!.region!)).toMatch(/: 1 for 0 NAT gateway\(s\)/);
  });

  (standbyConfig ? test : test.skip)('--region <secondaryRegion> checks the standby Region\'s stacks only', async () => {
    expect(await eipLine(standbyConfig!.secondaryRegion!)).toMatch(/: 2 for 0 NAT gateway\(s\)/);
  });

  (standbyConfig ? test : test.skip)('without --region, both Regions are checked, each line naming its Region', async () => {
    freshAccount(5000, true);
    const { lines } = await runCli(['--env', standbyConfig!.name], { assemble: twoRegions, assemblePublished: () => twoRegions().stacks });
    expect(lines.filter((line) => line.includes('quota EC2-VPC Elastic IPs'))).toEqual([
      expect.stringMatching(new RegExp(`^PASS ${standbyConfig!.region}: quota EC2-VPC Elastic IPs: 1 for 0 NAT gateway\\(s\\)`)),
      expect.stringMatching(new RegExp(`^PASS ${standbyConfig!.secondaryRegion}: quota EC2-VPC Elastic IPs: 2 for 0 NAT gateway\\(s\\)`)),
    ]);
  });

  (standbyConfig ? test : test.skip)('--region naming neither of its Regions is a usage error naming both', async () => {
    const { code, lines } = await runCli(['--env', standbyConfig!.name, '--region', 'ap-south-2']);
    expect([code, lines[0].split('\n')[0]]).toEqual([EXIT_USAGE, `preflight: --region (ap-south-2) is not where ${standbyConfig!.name} deploys: lib/config/${standbyConfig!.name}.ts names ${standbyConfig!.region} and ${standbyConfig!.secondaryRegion} (see --help)`]);
  });
});

describe('environmentOf a cloud assembly with stacks in named Regions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-regions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const app = new App({ outdir: dir });
  const stage = new Stage(app, 'qa');
  new CfnResource(new Stack(stage, 'Network', { env: { region: 'us-east-1' } }), 'Topic', { type: 'AWS::SNS::Topic' });
  new CfnResource(new Stack(stage, 'StandbyNetwork', { env: { region: 'us-west-2' } }), 'Topic', { type: 'AWS::SNS::Topic' });
  new CfnResource(new Stack(stage, 'Anywhere'), 'Topic', { type: 'AWS::SNS::Topic' });
  app.synth();

  test('records the Region each stack names, none for an environment-agnostic stack', () => {
    const regions = Object.fromEntries(environmentOf(dir, 'qa').stacks.map((s) => [s.stackName, s.region]));
    expect(regions).toStrictEqual({ 'qa-Network': 'us-east-1', 'qa-StandbyNetwork': 'us-west-2', 'qa-Anywhere': undefined });
  });

  test('stacksIn keeps the stacks of a Region and those that name none', () => {
    expect(stacksIn(environmentOf(dir, 'qa').stacks, 'us-west-2').map((s) => s.stackName).sort()).toEqual(['qa-Anywhere', 'qa-StandbyNetwork']);
  });
});
