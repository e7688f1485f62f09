import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { IdleShutdown, IdleShutdownProps } from '../../../lib/constructs/training/idle-shutdown';
import { SpotTrainingFleet } from '../../../lib/constructs/training/spot-training-fleet';
import { stackWithCluster } from './fixtures';

function build(props: Partial<IdleShutdownProps> = {}) {
  const { stack, cluster } = stackWithCluster();
  const spotFleet = new SpotTrainingFleet(stack, 'SpotFleet', { cluster, instanceTypes: ['g5.12xlarge'] });
  const idle = new IdleShutdown(stack, 'IdleShutdown', {
    cluster,
    spotFleet,
    gpuUtilizationThresholdPercent: 10,
    idleDuration: Duration.minutes(30),
    logRetention: RetentionDays.ONE_WEEK,
    ...props,
  });
  return { stack, cluster, spotFleet, idle };
}

const GROUP_REF = { Ref: Match.stringLikeRegexp('^ClusterAutoScalingGroupASG') };
const FLEET_REF = { Ref: Match.stringLikeRegexp('^SpotFleet') };

describe('IdleShutdown', () => {
  const { stack, idle } = build();
  const template = Template.fromStack(stack);
  const functionId = stack.getLogicalId(idle.function.node.defaultChild as never);
  const policy = Object.values(template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^IdleShutdownRole') }] },
  }))[0].Properties.PolicyDocument;

  test('alarms when the cluster stays below the threshold for idleDuration: GPU utilization plus 100 while a job beats', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        { Id: 'expr_1', Expression: 'gpu + 100 * heartbeat', Label: Match.anyValue(), ReturnData: true },
        {
          Id: 'gpu',
          MetricStat: { Metric: { Namespace: 'AI/Custom', MetricName: 'GPUUtilization', Dimensions: [{ Name: 'AutoScalingGroupName', Value: GROUP_REF }] }, Period: 60, Stat: 'Average' },
          ReturnData: false,
        },
        {
          Id: 'heartbeat',
          MetricStat: { Metric: { Namespace: 'AI/Custom', MetricName: 'TrainingJobHeartbeat', Dimensions: [{ Name: 'AutoScalingGroupName', Value: GROUP_REF }] }, Period: 60, Stat: 'Maximum' },
          ReturnData: false,
        },
      ],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 10,
      EvaluationPeriods: 30,
      DatapointsToAlarm: 30,
    });
  });

  test('treats missing data as not breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { TreatMissingData: 'notBreaching' });
  });

  test('the alarm action invokes the Lambda', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ 'Fn::GetAtt': [functionId, 'Arn'] }] });
  });

  test('CloudWatch alarms may invoke the Lambda, from this alarm only', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'lambda.alarms.cloudwatch.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IdleShutdownIdleAlarm'), 'Arn'] },
    });
  });

  test("the Lambda's role allows exactly these actions", () => {
    const actions = policy.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()).sort();
    expect(actions).toEqual(['autoscaling:SetDesiredCapacity', 'ec2:ModifyFleet', 'logs:CreateLogStream', 'logs:PutLogEvents', 'sns:Publish', 'sqs:SendMessage']);
  });

  test('SetDesiredCapacity is limited to the cluster group', () => {
    expect(policy.Statement).toContainEqual({
      Action: 'autoscaling:SetDesiredCapacity',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':autoscaling:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':autoScalingGroup:*:autoScalingGroupName/', { Ref: expect.stringMatching(/^ClusterAutoScalingGroupASG/) }]],
      },
    });
  });

  test('ModifyFleet is limited to the fleet', () => {
    expect(policy.Statement).toContainEqual({
      Action: 'ec2:ModifyFleet',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':fleet/', { Ref: expect.stringMatching(/^SpotFleet/) }]] },
    });
  });

  test('Publish is limited to the topic', () => {
    expect(policy.Statement).toContainEqual({ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^IdleShutdownTopic/) } });
  });

  test('the role has no managed policies', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('the Lambda\'s dead-letter queue declares itself one through its redrive allow policy', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { RedriveAllowPolicy: { redrivePermission: 'allowAll' } });
  });

  test('the Lambda gets the group, the fleet and the topic, reserves no concurrency and has a DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { AUTO_SCALING_GROUP_NAME: GROUP_REF, FLEET_ID: FLEET_REF, TOPIC_ARN: { Ref: Match.stringLikeRegexp('^IdleShutdownTopic') } } },
      ReservedConcurrentExecutions: Match.absent(),
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IdleShutdownDeadLetterQueue'), 'Arn'] } },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^IdleShutdownLogGroup') } },
      Runtime: 'nodejs24.x',
    });
  });

  test('asynchronous invocations are retried twice before the DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
  });

  test('the log group keeps logRetention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('the DLQ is encrypted and denies requests without TLS', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('the topic is encrypted and denies requests without TLS', () => {
    const [topic] = Object.values(template.findResources('AWS::SNS::Topic'));
    expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).toContain(':alias/aws/sns');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test.each([
    [{ gpuUtilizationThresholdPercent: 120 }, /gpuUtilizationThresholdPercent \(120\) must be between 0 and 100/],
    [{ gpuUtilizationThresholdPercent: -1 }, /gpuUtilizationThresholdPercent \(-1\) must be between 0 and 100/],
    [{ idleDuration: Duration.minutes(2) }, /idleDuration \(2 minutes\) must be between 5 minutes and 1 day/],
    [{ idleDuration: Duration.minutes(1441) }, /idleDuration \(1 day 1 minute\) must be between 5 minutes and 1 day/],
    [{ idleDuration: Duration.seconds(450) }, /idleDuration \(7 minutes 30 seconds\) must be a whole number of minutes/],
  ] as Array<[Partial<IdleShutdownProps>, RegExp]>)('rejects %o', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
