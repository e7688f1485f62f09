import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { InferenceObservability } from '../../../lib/constructs/inference/inference-observability';
import { bareStack } from './fixtures';
import { EXAMPLE_STACK, resolve } from '../../helpers/fake-cloudformation';

describe('InferenceObservability', () => {
  const stack = bareStack();
  const queue = new sqs.Queue(stack, 'Queue');
  const topic = new sns.Topic(stack, 'Alerts');
  new InferenceObservability(stack, 'Observability', {
    queue,
    deadLetterQueue: new sqs.Queue(stack, 'Dlq'),
    logGroupName: '/ai/inference/dev/llama',
    logRetention: RetentionDays.ONE_WEEK,
    alarmAction: new cwActions.SnsAction(topic),
  });
  const template = Template.fromStack(stack);

  test('log group of the given name with the configured retention, retained by default', () => {
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ RetentionInDays: 7 }) });
  });

  test('a retained log group\'s name ends with the deployment\'s stack UUID, so a redeploy never meets the old one', () => {
    const [logGroup] = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(resolve(logGroup.Properties.LogGroupName, EXAMPLE_STACK)).toBe('/ai/inference/dev/llama/51af3dc0-da77-11e4-872e-1234567db123');
  });

  test('a log group that goes with the stack keeps the name as given', () => {
    const other = bareStack();
    const otherQueue = new sqs.Queue(other, 'Queue');
    new InferenceObservability(other, 'Observability', {
      queue: otherQueue,
      deadLetterQueue: new sqs.Queue(other, 'Dlq'),
      logGroupName: '/ai/inference/dev/llama',
      logRetention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Template.fromStack(other).hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ LogGroupName: '/ai/inference/dev/llama' }) });
  });

  test('alarms when the oldest job waited more than 15 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 900,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Alerts') }],
    });
  });

  test('alarms when the dead-letter queue is not empty', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Dlq'), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Alerts') }],
    });
  });
});
