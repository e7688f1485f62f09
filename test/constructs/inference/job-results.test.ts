import { CfnElement, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccessLogsBucket } from '../../../lib/constructs/inference/access-logs-bucket';
import { JobResults } from '../../../lib/constructs/inference/job-results';
import { bareStack } from './fixtures';

function build(grant: (results: JobResults, role: iam.Role) => void = () => undefined) {
  const stack = bareStack();
  const logs = new AccessLogsBucket(stack, 'Logs', { expirationDays: 30 });
  const results = new JobResults(stack, 'JobResults', { serverAccessLogsBucket: logs.bucket, retention: Duration.days(14) });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
  grant(results, role);
  const ref = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  return { stack, results, template: Template.fromStack(stack), bucketId: ref(results.bucket), logsId: ref(logs.bucket) };
}

/** The statements of the role's policy. */
function statements(template: Template): Record<string, unknown>[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  return policies.flatMap((policy) => (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]));
}

describe('JobResults', () => {
  const { template, bucketId, logsId, stack, results } = build();

  test('the bucket is versioned, private, SSE-KMS with the aws/s3 key and retained by default', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }),
    });
  });

  test('sends its object events to EventBridge', () => {
    template.hasResourceProperties('AWS::S3::Bucket', { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } });
  });

  test('logs access to the given bucket under job-results/', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'job-results/' },
    });
  });

  test('expires every object and older version after the retention, and cleans up', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          { ExpirationInDays: 14, NoncurrentVersionExpiration: { NoncurrentDays: 14 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
          { ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
        ],
      },
    });
  });

  test('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('denies every write under results/ and errors/, and of Region claims, without If-None-Match, whoever writes (S3\'s s3:if-none-match condition key)', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'WriteResultsAndErrorsOnce',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:PutObject',
          Resource: [
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/results/*']] },
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/errors/*']] },
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/inputs/*/region.json']] },
          ],
          Condition: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } },
        }]),
      },
    });
  });

  test('leaves attempt records and submitted inputs writable without If-None-Match', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    const resources = JSON.stringify(policies.map((policy) => policy.Properties.PolicyDocument.Statement.filter((statement: { Sid?: string }) => statement.Sid === 'WriteResultsAndErrorsOnce')));
    expect([resources.match(/attempts/g), resources.match(/inputs[^"]*/g)]).toEqual([null, ['inputs/*/region.json']]);
  });

  test('keeps the bucket logical id, so a refactor cannot replace it', () => {
    expect(bucketId).toMatch(/^JobResultsBucket[0-9A-F]{8}$/);
  });

  test('both topics are encrypted with the SNS managed key', () => {
    const key = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alias/aws/sns']] };
    template.resourcePropertiesCountIs('AWS::SNS::Topic', { KmsMasterKeyId: key }, 2);
  });

  test('both topics refuse plain HTTP publishers', () => {
    template.resourcePropertiesCountIs('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    }, 2);
  });

  test('the topics are the success and error topics', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Inference jobs that succeeded' });
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Inference jobs that failed' });
    expect(stack.resolve(results.successTopic.topicArn)).not.toEqual(stack.resolve(results.errorTopic.topicArn));
  });

  test('the removal policy is configurable', () => {
    const other = bareStack();
    const logs = new AccessLogsBucket(other, 'Logs', { expirationDays: 30 });
    new JobResults(other, 'JobResults', { serverAccessLogsBucket: logs.bucket, removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(other).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ VersioningConfiguration: { Status: 'Enabled' } }) });
  });

  test('keeps results 30 days by default', () => {
    const other = bareStack();
    const logs = new AccessLogsBucket(other, 'Logs', { expirationDays: 30 });
    new JobResults(other, 'JobResults', { serverAccessLogsBucket: logs.bucket });
    Template.fromStack(other).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30 })]) },
    });
  });

  test.each([
    ['a fractional number of days', Duration.hours(36), /retention \(days\) \(1.5\) must be a whole number >= 1/],
    ['less than a day', Duration.hours(12), /retention \(days\) \(0.5\) must be a whole number >= 1/],
  ])('refuses a retention of %s', (_, retention, message) => {
    const other = bareStack();
    const logs = new AccessLogsBucket(other, 'Logs', { expirationDays: 30 });
    expect(() => new JobResults(other, 'JobResults', { serverAccessLogsBucket: logs.bucket, retention })).toThrow(message);
  });
});

describe('JobResults grants', () => {
  const objects = (bucketId: string, ...suffixes: string[]) => suffixes.map((suffix) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, suffix]] }));

  test('grantWriteResults allows writes under results/, errors/ and attempts/, and of Region claims, only', () => {
    const { template, bucketId } = build((results, role) => results.grantWriteResults(role));
    expect(statements(template)).toContainEqual({ Action: 's3:PutObject', Effect: 'Allow', Resource: objects(bucketId, '/results/*', '/errors/*', '/attempts/*', '/inputs/*/region.json') });
  });

  test('grantWriteResults reads attempt records and Region claims only', () => {
    const { template, bucketId } = build((results, role) => results.grantWriteResults(role));
    expect(statements(template)).toContainEqual({ Action: 's3:GetObject', Effect: 'Allow', Resource: objects(bucketId, '/attempts/*', '/inputs/*/region.json') });
  });

  test('grantWriteResults lists only the results/, errors/ and attempts/ prefixes', () => {
    const { template, bucketId } = build((results, role) => results.grantWriteResults(role));
    expect(statements(template)).toContainEqual({
      Action: 's3:ListBucket',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      Condition: { StringLike: { 's3:prefix': ['results/*', 'errors/*', 'attempts/*'] } },
    });
  });

  test('grantWriteResults publishes to the two topics only', () => {
    const { template, stack, results } = build((r, role) => r.grantWriteResults(role));
    expect(statements(template)).toContainEqual({
      Action: 'sns:Publish', Effect: 'Allow', Resource: [stack.resolve(results.successTopic.topicArn), stack.resolve(results.errorTopic.topicArn)],
    });
  });

  test('grantWriteResults grants nothing else: no delete, no wildcard action', () => {
    const { template } = build((results, role) => results.grantWriteResults(role));
    expect(statements(template).map((s) => s.Action).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject', 'sns:Publish']);
  });

  test('grantReadInputs reads under inputs/ only', () => {
    const { template, bucketId } = build((results, role) => results.grantReadInputs(role));
    expect(statements(template)).toEqual([{ Action: 's3:GetObject', Effect: 'Allow', Resource: objects(bucketId, '/inputs/*')[0] }]);
  });

  test('grantSubmitInputs writes under inputs/ only: the jobs\' folders', () => {
    const { template, bucketId } = build((results, role) => results.grantSubmitInputs(role));
    expect(statements(template)).toEqual([{ Action: 's3:PutObject', Effect: 'Allow', Resource: objects(bucketId, '/inputs/*')[0] }]);
  });

  test('grantReadResults reads results, errors, attempt and submission records and Region claims, and lists the bucket, nothing more', () => {
    const { template, bucketId } = build((results, role) => results.grantReadResults(role));
    expect(statements(template)).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: objects(bucketId, '/results/*', '/errors/*', '/attempts/*', '/inputs/*/envelope.json', '/inputs/*/region.json') },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] } },
    ]);
  });
});
