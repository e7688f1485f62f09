import { CfnElement, RemovalPolicy } from 'aws-cdk-lib';
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
