import { App, CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ModelBucket, modelArchiveKey } from '../../../lib/constructs/inference/model-bucket';
import { AccessLogsBucket } from '../../../lib/constructs/inference/access-logs-bucket';
import { bareStack } from './fixtures';

describe('ModelBucket', () => {
  const stack = bareStack();
  const logs = new AccessLogsBucket(stack, 'Logs', { expirationDays: 30 });
  const models = new ModelBucket(stack, 'Models', { serverAccessLogsBucket: logs.bucket });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  models.grantReadModels(reader);
  const template = Template.fromStack(stack);
  const modelBucketId = stack.getLogicalId(models.bucket.node.defaultChild as CfnElement);

  test('the model key is models/{name}/{version}/model.tar.gz', () => {
    expect(modelArchiveKey({ name: 'sentiment', version: '1.2.0' })).toBe('models/sentiment/1.2.0/model.tar.gz');
  });

  test('is versioned, blocks public access and is retained by default', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'model-bucket/' },
      }),
    });
  });

  test('is SSE-KMS with the aws/s3 key and bucket keys', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'model-bucket/' }),
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
    });
  });

  test('aborts incomplete uploads after 7 days', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'model-bucket/' }),
      LifecycleConfiguration: { Rules: [{ Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }] },
    });
  });

  test('sends its object events to EventBridge', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'model-bucket/' }),
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
  });

  test('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: modelBucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('grantReadModels allows s3:GetObject under models/ only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [modelBucketId, 'Arn'] }, '/models/*']] } },
        ],
      },
    });
  });

  test('without a logs bucket, no server access logging', () => {
    const other = bareStack();
    new ModelBucket(other, 'Models', {});
    Template.fromStack(other).hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: Match.absent() });
  });

  test('the removal policy is a prop', () => {
    const other = bareStack();
    new ModelBucket(other, 'Models', { removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(other).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });
});

describe('ModelBucket replicating models/ to another Region', () => {
  const stack = new Stack(new App(), 'Primary', { env: { region: 'us-east-1' } });
  const models = new ModelBucket(stack, 'Models', { replicateModelsTo: { bucketName: 'replica-of-models', region: 'us-west-2' } });
  const template = Template.fromStack(stack);
  const statements = () => (Object.values(template.findResources('AWS::IAM::Policy'))[0].Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);

  // AWS's complete example policy for replicating SSE-S3 and SSE-KMS objects, its statements as
  // actions (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html),
  // with the tags the rule replicates too (s3:GetObjectVersionTagging, s3:ReplicateTags).
  test.each([
    [['s3:GetReplicationConfiguration', 's3:ListBucket'], 'the source bucket'],
    [['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], 'the source objects under models/'],
    [['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], 'the destination objects under models/'],
    [['kms:Decrypt'], 'the source Region\'s keys through S3'],
    [['kms:Encrypt'], 'the destination Region\'s keys through S3'],
  ])('the replication role holds AWS\'s example statement %j (%s)', (actions) => {
    expect(statements().map((s) => [s.Action].flat())).toContainEqual(actions);
  });

  test('the role holds nothing beyond AWS\'s example', () => {
    expect(statements()).toHaveLength(5);
  });

  test('the rule names the destination bucket by its name (a bucket ARN holds no Region or account)', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: { Rules: [Match.objectLike({ Destination: Match.objectLike({ Bucket: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::replica-of-models']] } }) })] },
    });
  });

  test('exposes the role S3 assumes', () => {
    expect(stack.resolve(models.replicationRole?.role.assumeRolePolicy?.toJSON().Statement[0].Principal)).toEqual({ Service: 's3.amazonaws.com' });
  });

  test('a bucket that replicates nothing has no role and no rule', () => {
    const other = bareStack();
    const plain = new ModelBucket(other, 'Models', {});
    expect([plain.replicationRole, Template.fromStack(other).toJSON().Resources[other.getLogicalId(plain.bucket.node.defaultChild as CfnElement)].Properties.ReplicationConfiguration]).toEqual([undefined, undefined]);
  });

  test('a named bucket goes with its stack', () => {
    const other = bareStack();
    new ModelBucket(other, 'Models', { bucketName: 'a-known-name', removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(other).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ BucketName: 'a-known-name' }) });
  });

  test('a named bucket that would be retained is refused, naming the fix', () => {
    expect(() => new ModelBucket(bareStack(), 'Models', { bucketName: 'a-known-name' }))
      .toThrow(/bucketName \("a-known-name"\) needs removalPolicy DESTROY \(got retain\): a retained bucket keeps its name and the next deploy of the stack would fail with AlreadyExists/);
  });
});

describe('AccessLogsBucket', () => {
  const stack = bareStack();
  const logs = new AccessLogsBucket(stack, 'Logs', { expirationDays: 30 });
  new ModelBucket(stack, 'Models', { serverAccessLogsBucket: logs.bucket });
  const template = Template.fromStack(stack);

  test('is SSE-S3 encrypted, private and expires logs', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('is versioned and drops replaced or expired versions a day later', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 } })] },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
  });

  test('accepts server access logs through its bucket policy, not an ACL', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
    template.resourcePropertiesCountIs('AWS::S3::Bucket', { AccessControl: 'LogDeliveryWrite' }, 0);
  });

  test('rejects an expiration of 0 days', () => {
    expect(() => new AccessLogsBucket(bareStack(), 'Logs', { expirationDays: 0 })).toThrow(/expirationDays \(0\) must be a whole number >= 1/);
  });
});
