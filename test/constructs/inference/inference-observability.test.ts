import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { InferenceObservability } from '../../../lib/constructs/inference/inference-observability';
import { fleetAndQueue } from './fixtures';

describe('InferenceObservability', () => {
  const { stack, fleet, queue } = fleetAndQueue();
  const topic = new sns.Topic(stack, 'Alerts');
  new InferenceObservability(stack, 'Observability', {
    queue,
    deadLetterQueue: new sqs.Queue(stack, 'Dlq'),
    fleet,
    logGroupName: '/ai/inference/dev/llama',
    backlogPerInstance: new cloudwatch.MathExpression({ expression: 'm1', usingMetrics: { m1: queue.metricNumberOfMessagesSent() } }),
    logRetention: RetentionDays.ONE_WEEK,
    alarmAction: new cwActions.SnsAction(topic),
  });
  const template = Template.fromStack(stack);

  test('log group of the given name with the configured retention, retained by default', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { LogGroupName: '/ai/inference/dev/llama', RetentionInDays: 7 },
    });
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

  test('one dashboard with queue depth, backlog per instance, InService and GPU utilization', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const title of ['Queue depth', 'Backlog per instance', 'InService instances', 'GPU utilization (%)']) {
      expect(body).toContain(`\\"title\\":\\"${title}\\"`);
    }
    expect(body).toContain('\\"AI/Custom\\",\\"GPUUtilization\\",\\"AutoScalingGroupName\\"');
  });
});
