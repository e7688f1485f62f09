import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TrainingBuckets } from '../../../lib/constructs/training/training-buckets';

function synth(props: Partial<ConstructorParameters<typeof TrainingBuckets>[2]> = {}): Template {
  const stack = new Stack(new App(), 'Test');
  new TrainingBuckets(stack, 'Buckets', { removalPolicy: RemovalPolicy.RETAIN, checkpointNoncurrentVersionDays: 7, ...props });
  return Template.fromStack(stack);
}

describe('TrainingBuckets', () => {
  const template = synth();
  const buckets = template.findResources('AWS::S3::Bucket');

  test('creates the checkpoint, dataset, artifact and access-log buckets', () => {
    template.resourceCountIs('AWS::S3::Bucket', 4);
  });

  test('every bucket is versioned, owner-enforced, blocks public access and sends its events to EventBridge', () => {
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
    }
  });

  test.each(['checkpoints/', 'datasets/', 'artifacts/'])('the %s bucket is SSE-KMS with the aws/s3 key and bucket keys', (prefix) => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { LogFilePrefix: prefix },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
    });
  });

  test('the access log bucket is SSE-S3, the only encryption log delivery accepts', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.absent(),
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
  });

  test('every bucket policy denies requests without TLS', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      );
    }
  });

  test('the removal policy applies to every bucket, and none is auto-emptied', () => {
    for (const bucket of Object.values(buckets)) {
      expect([bucket.DeletionPolicy, bucket.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    }
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('noncurrent checkpoint versions expire after checkpointNoncurrentVersionDays; incomplete uploads are aborted', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { LogFilePrefix: 'checkpoints/' },
      LifecycleConfiguration: {
        Rules: [{ Id: 'expire-replaced-checkpoints', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }],
      },
    });
  });

  test('only the checkpoint bucket carries the checkpoint marker the GpuCost pack checks', () => {
    const marked = Object.values(buckets).filter((bucket) =>
      (bucket.Properties.Tags ?? []).some((tag: { Key: string; Value: string }) => tag.Key === 'bucket_role' && tag.Value === 'checkpoints'));
    expect(marked.map((bucket) => bucket.Properties.LoggingConfiguration?.LogFilePrefix)).toEqual(['checkpoints/']);
  });

  test.each(['datasets/', 'artifacts/'])('the %s bucket aborts incomplete uploads and keeps every version', (prefix) => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { LogFilePrefix: prefix },
      LifecycleConfiguration: { Rules: [{ Id: 'abort-incomplete-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }] },
    });
  });

  test('server access logs go to the log bucket under a bucket policy, not an ACL', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.AccessControl).toBeUndefined();
    }
  });

  test('access logs expire after accessLogRetentionDays', () => {
    synth({ accessLogRetentionDays: 30 }).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-logs', ExpirationInDays: 30 })] },
    });
  });

  test('DESTROY reaches every bucket', () => {
    const destroyed = synth({ removalPolicy: RemovalPolicy.DESTROY }).findResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    expect(Object.keys(destroyed)).toHaveLength(4);
  });

  test.each([
    [{ checkpointNoncurrentVersionDays: 0 }, /checkpointNoncurrentVersionDays \(0\) must be a whole number >= 1/],
    [{ accessLogRetentionDays: 2.5 }, /accessLogRetentionDays \(2\.5\) must be a whole number >= 1/],
    [{ abortIncompleteMultipartUploadDays: 0 }, /abortIncompleteMultipartUploadDays \(0\) must be a whole number >= 1/],
  ])('rejects %o', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
