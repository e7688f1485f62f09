import { DescribeModelPackageCommand, ListModelPackagesCommand, ModelPackageContainerDefinition, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { MODEL_PACKAGE_ATTRIBUTES, ModelPackageProperties } from '../../lib/runtime/model-package/contract';
import { MAX_ATTEMPTS, handler, sagemaker } from '../../lib/runtime/model-package/index';
import { ModelPackageError, resolveModelPackage } from '../../lib/runtime/model-package/resolve';
import { FakeModelRegistry } from './fakes/fake-model-registry';

const mock = mockClient(SageMakerClient);
const client = new SageMakerClient({ region: 'eu-central-1' });
const GROUP = 'sentiment-3f2a1c';
const IMAGE = '763104351884.dkr.ecr.eu-central-1.amazonaws.com/pytorch-inference:2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker';

/** The one serving container of a version: its image and its archive. */
function container(archive: string, image = IMAGE): ModelPackageContainerDefinition[] {
  return [{ Image: image, ModelDataUrl: archive }];
}

let registry: FakeModelRegistry;
beforeEach(() => {
  mock.reset();
  registry = new FakeModelRegistry();
  registry.serve(mock);
});

describe('latest-approved', () => {
  test('is the newest Approved version: newer pending and rejected versions are not served', async () => {
    registry.register(GROUP, { approval: 'Approved', containers: container('s3://models/models/sentiment/1/model.tar.gz') });
    registry.register(GROUP, { approval: 'Approved', containers: container('s3://models/models/sentiment/2/model.tar.gz') });
    registry.register(GROUP, { approval: 'Rejected', containers: container('s3://models/models/sentiment/3/model.tar.gz') });
    registry.register(GROUP, { approval: 'PendingManualApproval', containers: container('s3://models/models/sentiment/4/model.tar.gz') });
    const resolved = await resolveModelPackage(client, { groupName: GROUP, version: 'latest-approved' });
    expect([resolved.version, resolved.modelDataUrl]).toEqual(['2', 's3://models/models/sentiment/2/model.tar.gz']);
  });

  test('follows an approval: approving a newer version makes it the one resolved', async () => {
    registry.register(GROUP, { approval: 'Approved', containers: container('s3://models/v1.tar.gz') });
    const v2 = registry.register(GROUP, { containers: container('s3://models/v2.tar.gz') });
    expect((await resolveModelPackage(client, { groupName: GROUP, version: 'latest-approved' })).version).toBe('1');
    registry.setApproval(GROUP, v2, 'Approved');
    expect((await resolveModelPackage(client, { groupName: GROUP, version: 'latest-approved' })).version).toBe('2');
  });

  test('lists the group\'s versioned packages: ListModelPackages leaves them out by default (ModelPackageType Unversioned)', async () => {
    registry.registerUnversioned(GROUP, { containers: container('s3://marketplace/model.tar.gz') });
    registry.register(GROUP, { approval: 'Approved', containers: container('s3://models/v1.tar.gz') });
    await resolveModelPackage(client, { groupName: GROUP, version: 'latest-approved' });
    expect(mock.commandCalls(ListModelPackagesCommand).map((c) => c.args[0].input)).toEqual([{
      ModelPackageGroupName: GROUP, ModelPackageType: 'Versioned', ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 1,
    }]);
  });

  test('a group with no Approved version fails, saying how to approve one', async () => {
    registry.register(GROUP, { containers: container('s3://models/v1.tar.gz') });
    await expect(resolveModelPackage(client, { groupName: GROUP, version: 'latest-approved' }))
      .rejects.toThrow(new ModelPackageError(`model package group ${GROUP} has no Approved version (or no such group in this account and region): `
        + 'approve one (aws sagemaker update-model-package --model-package-arn <its ARN> --model-approval-status Approved), or serve a version by number'));
  });
});

describe('a version by number', () => {
  test('is found on a later page of the group\'s versions', async () => {
    for (let n = 1; n <= 150; n++) registry.register(GROUP, { approval: 'Approved', containers: container(`s3://models/v${n}.tar.gz`) });
    const resolved = await resolveModelPackage(client, { groupName: GROUP, version: '3' });
    expect([resolved.modelPackageArn, resolved.modelDataUrl]).toEqual([registry.arnOf(GROUP, 3), 's3://models/v3.tar.gz']);
    expect(mock.commandCalls(ListModelPackagesCommand)).toHaveLength(2);
  });

  test('must be Approved: approval is the registry\'s gate to serving', async () => {
    registry.register(GROUP, { approval: 'Rejected', containers: container('s3://models/v1.tar.gz') });
    await expect(resolveModelPackage(client, { groupName: GROUP, version: '1' })).rejects.toThrow(
      `model package ${registry.arnOf(GROUP, 1)} is Rejected: approve it (aws sagemaker update-model-package --model-package-arn ${registry.arnOf(GROUP, 1)} --model-approval-status Approved), or serve another version`,
    );
  });

  test('that the group does not have fails, naming the versions it has', async () => {
    registry.register(GROUP, { approval: 'Approved' });
    registry.register(GROUP, { approval: 'Approved' });
    await expect(resolveModelPackage(client, { groupName: GROUP, version: '7' })).rejects.toThrow(`model package group ${GROUP} has no version 7: it has versions 1, 2`);
  });
});

describe('what a version must hold to be served', () => {
  test.each([
    ['an in-progress version', { status: 'InProgress' as const }, /is InProgress, not Completed: wait for it/],
    ['no inference specification', { containers: undefined }, /has no inference specification: the fleet runs one serving container/],
    ['two containers', { containers: [...container('s3://a/m.tar.gz'), ...container('s3://b/m.tar.gz')] }, /has 2 containers: the fleet runs one serving container/],
    ['uncompressed model data under a prefix', { containers: [{ Image: IMAGE, ModelDataSource: { S3DataSource: { S3Uri: 's3://models/dir/', S3DataType: 'S3Prefix' as const, CompressionType: 'None' as const } } }] },
      /has no model archive: its container's model data is S3Prefix s3:\/\/models\/dir\/ \(CompressionType None\); the fleet downloads one model.tar.gz/],
    ['model data that is not an S3 object', { containers: container('s3://models/') }, /has model data s3:\/\/models\/: it must be one S3 object/],
    ['an image outside ECR', { containers: container('s3://models/v1.tar.gz', 'public.ecr.aws/acme/server:1.0') }, /has image public.ecr.aws\/acme\/server:1.0: it must be a private ECR image/],
  ])('%s fails the resolution with the fix', async (_name, registration, message) => {
    registry.register(GROUP, { approval: 'Approved', containers: container('s3://models/v1.tar.gz'), ...registration });
    await expect(resolveModelPackage(client, { groupName: GROUP, version: 'latest-approved' })).rejects.toThrow(message);
  });

  test('a gzip-compressed S3 object of ModelDataSource is the archive', async () => {
    registry.register(GROUP, {
      approval: 'Approved',
      containers: [{ Image: IMAGE, ModelDataSource: { S3DataSource: { S3Uri: 's3://models/m.tar.gz', S3DataType: 'S3Object', CompressionType: 'Gzip' } } }],
    });
    expect((await resolveModelPackage(client, { groupName: GROUP, version: '1' })).modelDataUrl).toBe('s3://models/m.tar.gz');
  });

  test('resolves the archive\'s bucket and key and the image\'s repository, in the package\'s partition', async () => {
    registry = new FakeModelRegistry('aws-cn');
    mock.reset();
    registry.serve(mock);
    const digest = `sha256:${'a'.repeat(64)}`;
    registry.register(GROUP, {
      approval: 'Approved',
      containers: container('s3://ml-artifacts/mlflow/7/abc/artifacts/model.tar.gz', `123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/ai-infra/serving@${digest}`),
    });
    expect(await resolveModelPackage(client, { groupName: GROUP, version: 'latest-approved' })).toEqual({
      modelPackageArn: registry.arnOf(GROUP, 1),
      version: '1',
      modelDataUrl: 's3://ml-artifacts/mlflow/7/abc/artifacts/model.tar.gz',
      artifactBucket: 'ml-artifacts',
      artifactKey: 'mlflow/7/abc/artifacts/model.tar.gz',
      image: `123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/ai-infra/serving@${digest}`,
      imageRepositoryArn: 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/ai-infra/serving',
      imageRepositoryName: 'ai-infra/serving',
    });
  });
});

describe('the custom resource handler', () => {
  function event(requestType: 'Create' | 'Update' | 'Delete', version: string): CdkCustomResourceEvent<ModelPackageProperties> {
    const common = {
      ServiceToken: 'arn:aws:lambda:eu-central-1:123456789012:function:provider', ResponseURL: 'https://cloudformation-custom-resource-response', StackId: 'stack',
      RequestId: 'request', LogicalResourceId: 'ModelPackage', ResourceType: 'Custom::ModelPackageVersion',
      ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-central-1:123456789012:function:provider', GroupName: GROUP, Version: version, Refresh: 'run-2' },
    };
    if (requestType === 'Create') return { ...common, RequestType: 'Create' };
    if (requestType === 'Update') return { ...common, RequestType: 'Update', PhysicalResourceId: registry.arnOf(GROUP, 1), OldResourceProperties: { ...common.ResourceProperties, Refresh: 'run-1' } };
    return { ...common, RequestType: 'Delete', PhysicalResourceId: registry.arnOf(GROUP, 1) };
  }

  beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  test('Create returns the version\'s ARN as the physical id and every attribute', async () => {
    registry.register(GROUP, { approval: 'Approved', containers: container('s3://models/v1.tar.gz') });
    const response = await handler(event('Create', 'latest-approved'));
    expect(response.PhysicalResourceId).toBe(registry.arnOf(GROUP, 1));
    expect(Object.keys(response.Data ?? {}).sort()).toEqual(Object.values(MODEL_PACKAGE_ATTRIBUTES).sort());
    expect(response.Data?.[MODEL_PACKAGE_ATTRIBUTES.image]).toBe(IMAGE);
  });

  test('an Update after a newer approval returns the new version: a new physical id, so CloudFormation replaces what depends on it', async () => {
    registry.register(GROUP, { approval: 'Approved', containers: container('s3://models/v1.tar.gz') });
    registry.register(GROUP, { approval: 'Approved', containers: container('s3://models/v2.tar.gz') });
    const response = await handler(event('Update', 'latest-approved'));
    expect([response.PhysicalResourceId, response.Data?.[MODEL_PACKAGE_ATTRIBUTES.version]]).toEqual([registry.arnOf(GROUP, 2), '2']);
  });

  test('Delete calls nothing and keeps the physical id: resolving creates nothing', async () => {
    const response = await handler(event('Delete', 'latest-approved'));
    expect([response, mock.commandCalls(ListModelPackagesCommand).length + mock.commandCalls(DescribeModelPackageCommand).length])
      .toEqual([{ PhysicalResourceId: registry.arnOf(GROUP, 1) }, 0]);
  });

  test('a version that cannot be served fails the event with the resolver\'s message', async () => {
    await expect(handler(event('Create', 'latest-approved'))).rejects.toThrow(/has no Approved version/);
  });

  test('the client retries throttling in standard mode, MAX_ATTEMPTS times', async () => {
    const strategy = await sagemaker.config.retryStrategy();
    expect({ mode: 'mode' in strategy ? strategy.mode : undefined, maxAttempts: await sagemaker.config.maxAttempts() }).toEqual({ mode: 'standard', maxAttempts: MAX_ATTEMPTS });
  });
});
