import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DataBucket } from '../../../lib/constructs/storage/data-bucket';

function template(removalPolicy?: RemovalPolicy): Template {
  const stack = new Stack(new App(), 'Data');
  new DataBucket(stack, 'Bucket', { lifecycleRules: [{ id: 'abort', abortIncompleteMultipartUploadAfter: Duration.days(7) }], removalPolicy });
  return Template.fromStack(stack);
}

describe('DataBucket', () => {
  const data = template();

  test('is versioned, private and owner-enforced', () => {
    data.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('is encrypted with the aws/s3 key and a bucket key', () => {
    data.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
    });
  });

  test('refuses requests without TLS', () => {
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('sends its object events to EventBridge', () => {
    data.hasResourceProperties('AWS::S3::Bucket', { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } });
  });

  test('keeps its lifecycle rules', () => {
    data.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [{ Id: 'abort', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }] } });
  });

  test('is retained by default', () => {
    data.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('follows the removal policy it is given', () => {
    template(RemovalPolicy.DESTROY).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });
});
