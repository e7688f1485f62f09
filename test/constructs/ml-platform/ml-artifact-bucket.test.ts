import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlArtifactBucket } from '../../../lib/constructs/ml-platform/ml-artifact-bucket';

describe('MlArtifactBucket', () => {
  const stack = new Stack(new App(), 'Ml');
  new MlArtifactBucket(stack, 'Artifacts');
  const template = Template.fromStack(stack);

  test('is encrypted with the aws/s3 key and a bucket key', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
    });
  });

  test('aborts incomplete uploads after 7 days', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }] },
    });
  });

  test('sends its object events to EventBridge', () => {
    template.hasResourceProperties('AWS::S3::Bucket', { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } });
  });

  test('is versioned and retained by default', () => {
    template.hasResource('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } }, DeletionPolicy: 'Retain' });
  });
});
