import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { JobQueue } from '../../../lib/constructs/inference/job-queue';
import { bareStack } from './fixtures';

describe('JobQueue', () => {
  const stack = bareStack();
  const jobs = new JobQueue(stack, 'Jobs', { maxJobDuration: Duration.minutes(15) });
  const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() });
  const worker = new iam.Role(stack, 'Worker', { assumedBy: new iam.AccountRootPrincipal() });
  jobs.grantSubmitJobs(producer);
  jobs.grantConsumeJobs(worker);
  const template = Template.fromStack(stack);

  test('visibility timeout is the longest job', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 900 });
  });

  test('failed jobs go to the dead-letter queue after 3 receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('JobsDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 3 },
    });
  });

  test('the dead-letter queue declares itself one through its redrive allow policy', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1_209_600, RedriveAllowPolicy: { redrivePermission: 'allowAll' } });
  });

  test('the dead-letter queue keeps jobs 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1_209_600 });
  });

  test('both queues are encrypted', () => {
    const queues = template.findResources('AWS::SQS::Queue', { Properties: { SqsManagedSseEnabled: true } });
    expect(Object.keys(queues)).toHaveLength(2);
  });

  test('both queues refuse requests without TLS', () => {
    template.resourcePropertiesCountIs('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    }, 2);
  });

  test('both queues are retained by default', () => {
    const retained = template.findResources('AWS::SQS::Queue', { DeletionPolicy: 'Retain' });
    expect(Object.keys(retained)).toHaveLength(2);
  });

  test('grantConsumeJobs allows exactly receive, delete, change visibility and attributes', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Worker') }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('JobsQueue'), 'Arn'] },
          },
        ],
      },
    });
  });

  test('grantSubmitJobs allows sending', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('Producer') }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: Match.arrayWith(['sqs:SendMessage']) })] },
    });
  });

  test('a job longer than the SQS visibility limit is rejected', () => {
    expect(() => new JobQueue(bareStack(), 'Jobs', { maxJobDuration: Duration.seconds(43_201) })).toThrow(
      /maxJobDuration \(12 hours 1 second\) must be between 1 second and 12 hours/,
    );
  });

  test('a job duration below one second is rejected', () => {
    expect(() => new JobQueue(bareStack(), 'Jobs', { maxJobDuration: Duration.seconds(0) })).toThrow(/maxJobDuration \(0 seconds\) must be between 1 second and 12 hours/);
  });

  test('exposes maxReceiveCount, the attempt the agent records as the last', () => {
    expect(new JobQueue(bareStack(), 'Jobs', { maxJobDuration: Duration.minutes(1), maxReceiveCount: 5 }).maxReceiveCount).toBe(5);
  });

  test('maxReceiveCount below 1 is rejected', () => {
    expect(() => new JobQueue(bareStack(), 'Jobs', { maxJobDuration: Duration.minutes(1), maxReceiveCount: 0 })).toThrow(/maxReceiveCount \(0\) must be a whole number >= 1/);
  });
});
