import { BackupClient, DescribeBackupVaultCommand, ResourceNotFoundException } from '@aws-sdk/client-backup';
import { CloudFormationClient, CloudFormationServiceException, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeAddressesCommand, DescribeInstanceTypesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { BatchGetImageCommand, ECRClient, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { GetRoleCommand, IAMClient, NoSuchEntityException } from '@aws-sdk/client-iam';
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, NotFound, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetServiceQuotaCommand, ListAWSDefaultServiceQuotasCommand, NoSuchResourceException, ServiceQuota, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { adminPrincipalChecks } from '../../scripts/preflight/admin-check';
import { bootstrapCheck } from '../../scripts/preflight/bootstrap-check';
import { DeployedResources } from '../../scripts/preflight/deployed-resources';
import { ec2QuotaChecks } from '../../scripts/preflight/ec2-quota-check';
import { elasticIpCheck } from '../../scripts/preflight/elastic-ip-check';
import { lambdaCheck } from '../../scripts/preflight/lambda-check';
import { leftoverChecks } from '../../scripts/preflight/leftover-check';
import { amiParameterChecks, imageChecks } from '../../scripts/preflight/region-checks';
import { sageMakerQuotaChecks } from '../../scripts/preflight/sagemaker-quota-check';
import { QuotaLookup } from '../../scripts/preflight/service-quotas';
import { EnvironmentStack } from '../../scripts/preflight/template';

const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';
const mocks = {
  quotas: mockClient(ServiceQuotasClient), ssm: mockClient(SSMClient), ec2: mockClient(EC2Client), lambda: mockClient(LambdaClient),
  cfn: mockClient(CloudFormationClient), logs: mockClient(CloudWatchLogsClient), backup: mockClient(BackupClient), s3: mockClient(S3Client),
  ecr: mockClient(ECRClient), iam: mockClient(IAMClient),
};
beforeEach(() => Object.values(mocks).forEach((m) => m.reset()));

/** A quota as ListAWSDefaultServiceQuotas and GetServiceQuota return it (the AWS CLI's get-aws-default-service-quota example). */
const quota = (ServiceCode: string, QuotaCode: string, QuotaName: string, Value: number): ServiceQuota => ({
  ServiceCode, QuotaCode, QuotaName, Value, Unit: 'None', Adjustable: true, GlobalQuota: false, QuotaArn: `arn:aws:servicequotas:${REGION}::${ServiceCode}/${QuotaCode}`,
});
const lookup = () => new QuotaLookup(new ServiceQuotasClient({}), REGION);
const deployed = () => new DeployedResources(new CloudFormationClient({}));
const notDeployed = () => mocks.cfn.on(ListStackResourcesCommand).rejects(new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: {}, message: 'Stack with id x does not exist' }));
const statuses = (results: Array<{ status: string }>) => results.map((r) => r.status);

describe('QuotaLookup', () => {
  test('finds the code by name across pages, and the applied value', async () => {
    mocks.quotas.on(ListAWSDefaultServiceQuotasCommand, { ServiceCode: 'sagemaker', MaxResults: 100 }).resolves({ Quotas: [quota('sagemaker', 'L-1', 'ml.m5.large for training job usage', 0)], NextToken: 't' });
    mocks.quotas.on(ListAWSDefaultServiceQuotasCommand, { ServiceCode: 'sagemaker', MaxResults: 100, NextToken: 't' }).resolves({ Quotas: [quota('sagemaker', 'L-1928E07B', 'ml.g5.xlarge for endpoint usage', 0)] });
    mocks.quotas.on(GetServiceQuotaCommand, { ServiceCode: 'sagemaker', QuotaCode: 'L-1928E07B' }).resolves({ Quota: quota('sagemaker', 'L-1928E07B', 'ml.g5.xlarge for endpoint usage', 4) });
    await expect(lookup().byName('sagemaker', ['ml.g5.xlarge for endpoint usage'])).resolves.toEqual({ serviceCode: 'sagemaker', quotaCode: 'L-1928E07B', quotaName: 'ml.g5.xlarge for endpoint usage', value: 4 });
  });

  test('takes the default where no applied value is available (NoSuchResourceException)', async () => {
    mocks.quotas.on(ListAWSDefaultServiceQuotasCommand).resolves({ Quotas: [quota('ec2', 'L-0263D0A3', 'EC2-VPC Elastic IPs', 5)] });
    mocks.quotas.on(GetServiceQuotaCommand).rejects(new NoSuchResourceException({ $metadata: {}, message: 'The request failed because the specified service quota does not exist.' }));
    await expect(lookup().byName('ec2', ['EC2-VPC Elastic IPs'])).resolves.toMatchObject({ quotaCode: 'L-0263D0A3', value: 5 });
  });

  test('falls back to a quota\'s older name', async () => {
    mocks.quotas.on(ListAWSDefaultServiceQuotasCommand).resolves({ Quotas: [quota('ec2', 'L-7212CCBC', 'All P Spot Instance Requests', 0)] });
    mocks.quotas.on(GetServiceQuotaCommand).resolves({ Quota: quota('ec2', 'L-7212CCBC', 'All P Spot Instance Requests', 0) });
    await expect(lookup().byName('ec2', ['All P4, P3 and P2 Spot Instance Requests', 'All P Spot Instance Requests'])).resolves.toMatchObject({ quotaName: 'All P Spot Instance Requests' });
  });
});

describe('bootstrapCheck', () => {
  const need = { parameter: '/cdk-bootstrap/hnb659fds/version', version: 8, qualifier: 'hnb659fds' };
  const check = () => bootstrapCheck(new SSMClient({}), need, ACCOUNT, REGION);
  const fix = `npx cdk bootstrap aws://${ACCOUNT}/${REGION} --qualifier hnb659fds (administrator credentials)`;

  test.each([['30', 'pass'], ['6', 'fail']])('version %s: %s', async (version, status) => {
    mocks.ssm.on(GetParameterCommand, { Name: need.parameter }).resolves({ Parameter: { Name: need.parameter, Type: 'String', Value: version, Version: 1 } });
    const [result] = await check();
    expect([result.status, result.fix]).toEqual([status, status === 'fail' ? fix : undefined]);
  });

  test('fails with the bootstrap command where the qualifier\'s parameter does not exist', async () => {
    mocks.ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ $metadata: {}, message: '' }));
    await expect(check()).resolves.toEqual([{ status: 'fail', check: 'CDK bootstrap (qualifier hnb659fds)', detail: `${ACCOUNT} is not bootstrapped in ${REGION} with that qualifier (${need.parameter} does not exist)`, fix }]);
  });
});

describe('ec2QuotaChecks', () => {
  const groups = [{ source: 'dev-AiInference/Fleet (MaxSize 4)', instanceTypes: ['g5.xlarge', 'g5.2xlarge'], onDemand: { instances: 1 }, spot: { instances: 3 } }];
  beforeEach(() => {
    mocks.ec2.on(DescribeInstanceTypesCommand, { InstanceTypes: ['g5.xlarge'] }).resolves({ InstanceTypes: [{ InstanceType: 'g5.xlarge', VCpuInfo: { DefaultVCpus: 4 } }] });
    mocks.ec2.on(DescribeInstanceTypesCommand, { InstanceTypes: ['g5.2xlarge'] }).resolves({ InstanceTypes: [{ InstanceType: 'g5.2xlarge', VCpuInfo: { DefaultVCpus: 8 } }] });
    mocks.quotas.on(ListAWSDefaultServiceQuotasCommand).resolves({ Quotas: [
      quota('ec2', 'L-DB2E81BA', 'Running On-Demand G and VT instances', 0), quota('ec2', 'L-3819A6DF', 'All G and VT Spot Instance Requests', 0),
    ] });
  });

  test('a fresh account\'s 0 fails each quota with the increase request', async () => {
    mocks.quotas.on(GetServiceQuotaCommand).rejects(new NoSuchResourceException({ $metadata: {}, message: '' }));
    const results = await ec2QuotaChecks(new EC2Client({}), lookup(), groups, REGION);
    expect(results.map((r) => [r.status, r.check, r.fix])).toEqual([
      ['fail', 'quota Running On-Demand G and VT instances (on-demand vCPUs)', `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-DB2E81BA --desired-value 8 --region ${REGION}`],
      ['fail', 'quota All G and VT Spot Instance Requests (spot vCPUs)', `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-3819A6DF --desired-value 24 --region ${REGION}`],
    ]);
  });

  test('passes where the applied quotas cover the maximum', async () => {
    mocks.quotas.on(GetServiceQuotaCommand).resolves({ Quota: quota('ec2', 'L-x', 'x', 64) });
    expect(statuses(await ec2QuotaChecks(new EC2Client({}), lookup(), groups, REGION))).toEqual(['pass', 'pass']);
  });

  test('fails a type the region does not offer (InvalidInstanceType)', async () => {
    mocks.quotas.on(GetServiceQuotaCommand).resolves({ Quota: quota('ec2', 'L-x', 'x', 64) });
    mocks.ec2.on(DescribeInstanceTypesCommand, { InstanceTypes: ['g5.2xlarge'] }).rejects(new EC2ServiceException({ name: 'InvalidInstanceType', $fault: 'client', $metadata: {}, message: 'The following supplied instance types do not exist: [g5.2xlarge]' }));
    const [first] = await ec2QuotaChecks(new EC2Client({}), lookup(), groups, REGION);
    expect([first.status, first.check, first.detail]).toEqual(['fail', 'instance type g5.2xlarge', `${REGION} does not offer it (dev-AiInference/Fleet (MaxSize 4))`]);
  });
});

describe('sageMakerQuotaChecks', () => {
  const needs = [{ instanceType: 'ml.g5.xlarge', instances: 12, sources: ['prod-Training/Config variant primary: 6', 'prod-Training/Config variant candidate: 6'] }];
  beforeEach(() => {
    mocks.quotas.on(ListAWSDefaultServiceQuotasCommand).resolves({ Quotas: [quota('sagemaker', 'L-1928E07B', 'ml.g5.xlarge for endpoint usage', 0)] });
    mocks.quotas.on(GetServiceQuotaCommand).resolves({ Quota: quota('sagemaker', 'L-1928E07B', 'ml.g5.xlarge for endpoint usage', 4) });
  });

  test('a short quota fails the deploy that creates the endpoint', async () => {
    const [result] = await sageMakerQuotaChecks(lookup(), needs, false, REGION);
    expect([result.status, result.fix]).toEqual(['fail', `aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code L-1928E07B --desired-value 12 --region ${REGION}`]);
  });

  test('warns while the model is unpublished: the endpoint comes with a later deploy', async () => {
    const [result] = await sageMakerQuotaChecks(lookup(), needs, true, REGION);
    expect([result.status, result.detail]).toEqual(['warn', expect.stringMatching(/^needs 12 once modelPublished is true .*the account has 4$/)]);
  });

  test('fails an instance type SageMaker does not offer in the region', async () => {
    expect(statuses(await sageMakerQuotaChecks(lookup(), [{ ...needs[0], instanceType: 'ml.g9.xlarge' }], false, REGION))).toEqual(['fail']);
  });
});

describe('lambdaCheck', () => {
  const reserving: EnvironmentStack[] = [{ stackName: 'dev-Training', template: { Resources: { Idle: { Type: 'AWS::Lambda::Function', Properties: { ReservedConcurrentExecutions: 1 } } } } }];
  /** GetAccountSettings as the API reference shapes it: AccountLimit with ConcurrentExecutions and UnreservedConcurrentExecutions. */
  const account = (ConcurrentExecutions: number, UnreservedConcurrentExecutions: number) => mocks.lambda.on(GetAccountSettingsCommand).resolves({
    AccountLimit: { TotalCodeSize: 80530636800, CodeSizeUnzipped: 262144000, CodeSizeZipped: 52428800, ConcurrentExecutions, UnreservedConcurrentExecutions },
  });

  test('a new account\'s 10 cannot give a reservation: Lambda keeps 100 unreserved', async () => {
    notDeployed();
    account(10, 10);
    mocks.quotas.on(ListAWSDefaultServiceQuotasCommand).resolves({ Quotas: [quota('lambda', 'L-B99A9384', 'Concurrent executions', 1000)] });
    mocks.quotas.on(GetServiceQuotaCommand).resolves({ Quota: quota('lambda', 'L-B99A9384', 'Concurrent executions', 10) });
    const [result] = await lambdaCheck(new LambdaClient({}), lookup(), deployed(), reserving);
    expect([result.status, result.fix]).toEqual(['fail', `aws service-quotas request-service-quota-increase --service-code lambda --quota-code L-B99A9384 --desired-value 101 --region ${REGION}`]);
  });

  test('passes with the default 1000', async () => {
    notDeployed();
    account(1000, 1000);
    expect(statuses(await lambdaCheck(new LambdaClient({}), lookup(), deployed(), reserving))).toEqual(['pass']);
  });

  test('a function already deployed with its reservation reserves nothing more', async () => {
    mocks.cfn.on(ListStackResourcesCommand, { StackName: 'dev-Training' }).resolves({ StackResourceSummaries: [{ LogicalResourceId: 'Idle', PhysicalResourceId: 'dev-Training-Idle-abc', ResourceType: 'AWS::Lambda::Function', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() }] });
    mocks.lambda.on(GetFunctionConcurrencyCommand, { FunctionName: 'dev-Training-Idle-abc' }).resolves({ ReservedConcurrentExecutions: 1 });
    account(100, 99);
    expect(statuses(await lambdaCheck(new LambdaClient({}), lookup(), deployed(), reserving))).toEqual(['pass']);
  });
});

describe('elasticIpCheck', () => {
  const network: EnvironmentStack[] = [{ stackName: 'prod-Network', template: { Resources: Object.fromEntries([1, 2, 3].map((n) => [`Eip${n}`, { Type: 'AWS::EC2::EIP' }]).concat([1, 2, 3].map((n) => [`Nat${n}`, { Type: 'AWS::EC2::NatGateway' }]))) } }];
  beforeEach(() => {
    mocks.quotas.on(ListAWSDefaultServiceQuotasCommand).resolves({ Quotas: [quota('ec2', 'L-0263D0A3', 'EC2-VPC Elastic IPs', 5)] });
    mocks.quotas.on(GetServiceQuotaCommand).rejects(new NoSuchResourceException({ $metadata: {}, message: '' }));
  });
  const allocated = (...ips: string[]) => mocks.ec2.on(DescribeAddressesCommand).resolves({ Addresses: ips.map((ip, n) => ({ PublicIp: ip, AllocationId: `eipalloc-${n}`, Domain: 'vpc' })) });

  test('three environments\' five NAT gateways fill the default quota: a sixth address fails', async () => {
    notDeployed();
    allocated('198.51.100.1', '198.51.100.2', '198.51.100.3');
    const [result] = await elasticIpCheck(new EC2Client({}), lookup(), deployed(), network);
    expect([result.status, result.detail, result.fix]).toEqual(['fail', '3 for 3 NAT gateway(s), 0 of them allocated already; 3 allocated in the region: 6 in all, the account has 5', `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3 --desired-value 6 --region ${REGION} (or release unused addresses)`]);
  });

  test('addresses the deployed stack already holds are not counted twice', async () => {
    mocks.cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [1, 2, 3].map((n) => ({ LogicalResourceId: `Eip${n}`, PhysicalResourceId: `198.51.100.${n}`, ResourceType: 'AWS::EC2::EIP', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() })) });
    allocated('198.51.100.1', '198.51.100.2', '198.51.100.3', '203.0.113.9');
    expect(statuses(await elasticIpCheck(new EC2Client({}), lookup(), deployed(), network))).toEqual(['pass']);
  });
});

describe('leftoverChecks', () => {
  const names = [
    { stackName: 'prod-AiInference', logicalId: 'Logs', type: 'AWS::Logs::LogGroup', name: '/ai/inference/prod/sentiment', retained: true },
    { stackName: 'prod-AiInference', logicalId: 'Vault', type: 'AWS::Backup::BackupVault', name: 'prodVault', retained: true },
    { stackName: 'prod-AiInference', logicalId: 'Bucket', type: 'AWS::S3::Bucket', name: 'my-fixed-bucket', retained: true },
  ];
  const clients = () => ({ logs: new CloudWatchLogsClient({}), backup: new BackupClient({}), s3: new S3Client({}) });
  const logGroups = (...found: string[]) => mocks.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: found.map((logGroupName) => ({ logGroupName, arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${logGroupName}:*`, creationTime: 0 })) });

  test('after a teardown, the retained log group and vault are leftovers that fail the deploy, with the command that deletes them', async () => {
    notDeployed();
    logGroups('/ai/inference/prod/sentiment', '/ai/inference/prod/sentiment-old');
    mocks.backup.on(DescribeBackupVaultCommand, { BackupVaultName: 'prodVault' }).resolves({ BackupVaultName: 'prodVault', BackupVaultArn: 'arn' });
    mocks.s3.on(HeadBucketCommand).rejects(new NotFound({ $metadata: { httpStatusCode: 404 }, message: 'Not Found' }));
    const results = await leftoverChecks(clients(), deployed(), names);
    expect(results.map((r) => [r.status, r.fix?.split(' ').slice(0, 3).join(' ')])).toEqual([
      ['fail', 'aws logs delete-log-group'],
      ['fail', 'delete its recovery'],
      ['pass', undefined],
    ]);
    expect(results[0].detail).toBe('exists outside prod-AiInference, left by an earlier deploy (prod-AiInference retains it when deleted): creating Logs fails with AlreadyExists');
  });

  test('what the deployed stack owns is its own; a missing vault (ResourceNotFoundException) and a prefix match are free', async () => {
    mocks.cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [{ LogicalResourceId: 'Bucket', PhysicalResourceId: 'my-fixed-bucket', ResourceType: 'AWS::S3::Bucket', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() }] });
    logGroups('/ai/inference/prod/sentiment-old');
    mocks.backup.on(DescribeBackupVaultCommand).rejects(new ResourceNotFoundException({ $metadata: {}, message: 'Backup vault prodVault does not exist' }));
    const results = await leftoverChecks(clients(), deployed(), names);
    expect(results.map((r) => [r.status, r.detail])).toEqual([['pass', 'free'], ['pass', 'free'], ['pass', 'prod-AiInference owns it']]);
  });

  test('a bucket name another account holds (403) collides too', async () => {
    notDeployed();
    mocks.s3.on(HeadBucketCommand).rejects(new S3ServiceException({ name: 'Forbidden', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Forbidden' }));
    expect(statuses(await leftoverChecks(clients(), deployed(), [names[2]]))).toEqual(['fail']);
  });

  test('a fixed name of a type the preflight cannot look up warns', async () => {
    notDeployed();
    expect(statuses(await leftoverChecks(clients(), deployed(), [{ ...names[0], type: 'AWS::SNS::Topic' }]))).toEqual(['warn']);
  });
});

describe('region checks', () => {
  test('the AMI parameter resolves, or fails with ParameterNotFound', async () => {
    mocks.ssm.on(GetParameterCommand, { Name: '/aws/service/ok' }).resolves({ Parameter: { Name: '/aws/service/ok', Type: 'String', Value: 'ami-0123456789abcdef0' } });
    mocks.ssm.on(GetParameterCommand, { Name: '/aws/service/missing' }).rejects(new ParameterNotFound({ $metadata: {}, message: '' }));
    expect(statuses(await amiParameterChecks(new SSMClient({}), ['/aws/service/ok', '/aws/service/missing'], REGION))).toEqual(['pass', 'fail']);
  });

  const image = { registryId: '763104351884', region: REGION, repositoryName: 'pytorch-inference', tag: '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker', uri: `763104351884.dkr.ecr.${REGION}.amazonaws.com/pytorch-inference:2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker` };

  test('the serving image is found, or its ImageNotFound failure fails', async () => {
    mocks.ecr.on(BatchGetImageCommand).resolvesOnce({ images: [{ registryId: image.registryId, repositoryName: image.repositoryName, imageId: { imageTag: image.tag }, imageManifest: '{}' }], failures: [] })
      .resolves({ images: [], failures: [{ imageId: { imageTag: image.tag }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }] });
    const results = await imageChecks(() => new ECRClient({}), [image, image]);
    expect(results.map((r) => [r.status, r.detail])).toEqual([
      ['pass', `exists in registry 763104351884 of ${REGION}`],
      ['fail', `not in registry 763104351884 of ${REGION} (ImageNotFound: Requested image not found)`],
    ]);
  });

  test('a missing repository fails; credentials that may not look warn', async () => {
    mocks.ecr.on(BatchGetImageCommand).rejectsOnce(new RepositoryNotFoundException({ $metadata: {}, message: '' }))
      .rejects(Object.assign(new Error('not authorized to perform: ecr:BatchGetImage'), { name: 'AccessDeniedException' }));
    expect(statuses(await imageChecks(() => new ECRClient({}), [image, image]))).toEqual(['fail', 'warn']);
  });
});

describe('adminPrincipalChecks', () => {
  const check = (enabled: boolean, adminPrincipalArns: string[]) => adminPrincipalChecks(new IAMClient({}), { name: 'staging', enabled, adminPrincipalArns }, ACCOUNT);

  test('off: nothing to check; on without principals: warns that no person can reach the cluster', async () => {
    expect(statuses(await check(false, []))).toEqual(['pass']);
    const [result] = await check(true, []);
    expect([result.status, result.fix]).toEqual(['warn', 'set mlPlatform.cluster.adminPrincipalArns in lib/config/staging.ts (IAM role or user ARNs)']);
  });

  test('a principal that does not exist (NoSuchEntity) fails; another account\'s warns', async () => {
    mocks.iam.on(GetRoleCommand, { RoleName: 'PlatformAdmin' }).resolves({ Role: { RoleName: 'PlatformAdmin', Path: '/', RoleId: 'AROA', Arn: `arn:aws:iam::${ACCOUNT}:role/PlatformAdmin`, CreateDate: new Date() } });
    mocks.iam.on(GetRoleCommand, { RoleName: 'Gone' }).rejects(new NoSuchEntityException({ $metadata: {}, message: 'The role with name Gone cannot be found.' }));
    expect(statuses(await check(true, [`arn:aws:iam::${ACCOUNT}:role/PlatformAdmin`, `arn:aws:iam::${ACCOUNT}:role/teams/Gone`, 'arn:aws:iam::210987654321:role/Other']))).toEqual(['pass', 'fail', 'warn']);
  });
});
