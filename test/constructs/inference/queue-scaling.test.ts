import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { QueueScaling, QueueScalingProps } from '../../../lib/constructs/inference/queue-scaling';
import { groupAndQueue } from './fixtures';

function scaling(overrides: Partial<QueueScalingProps> = {}): { construct: QueueScaling; template: Template } {
  const { stack, group, queue } = groupAndQueue();
  const construct = new QueueScaling(stack, 'Scaling', {
    autoScalingGroup: group,
    queue,
    acceptableLatencySeconds: 120,
    secondsPerJob: 10,
    scaleToZeroAfterIdleMinutes: 15,
    ...overrides,
  });
  return { construct, template: Template.fromStack(stack) };
}

describe('QueueScaling, backlogPerInstance mode (default)', () => {
  const { construct, template } = scaling();

  test('target tracking keeps visible messages per InService instance at latency / seconds per job', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: {
        TargetValue: 12,
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'visible',
              Label: 'Visible messages',
              ReturnData: false,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/SQS',
                  MetricName: 'ApproximateNumberOfMessagesVisible',
                  Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Queue'), 'QueueName'] } }],
                },
                Stat: 'Sum',
              },
            },
            {
              Id: 'inService',
              Label: 'InService instances',
              ReturnData: false,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/AutoScaling',
                  MetricName: 'GroupInServiceInstances',
                  Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: Match.stringLikeRegexp('GroupASG') } }],
                },
                Stat: 'Average',
              },
            },
            { Id: 'backlogPerInstance', Label: 'Backlog per instance', Expression: 'visible / inService', ReturnData: true },
          ],
        },
      },
    });
    expect(construct.backlogTargetPerInstance).toBe(12);
  });

  test('no seed step policy in this mode', () => {
    template.resourcePropertiesCountIs('AWS::AutoScaling::ScalingPolicy', { PolicyType: 'SimpleScaling' }, 0);
  });

  test('adds one instance when jobs wait and nothing is in service (0 -> 1)', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(visible > 0 AND FILL(inService, 0) == 0, 1, 0)' }),
        Match.objectLike({ Id: 'visible', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesVisible' }) }) }),
        Match.objectLike({ Id: 'inService', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GroupInServiceInstances' }) }) }),
      ]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('ScalingWakeUp') }],
    });
  });

  test('scales in to 0 after the queue stays empty for the idle time', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      AdjustmentType: 'ExactCapacity',
      StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: 0 }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      Threshold: 0,
      EvaluationPeriods: 15,
      TreatMissingData: 'breaching',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(visible, 0) + FILL(inFlight, 0)' })]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('ScalingScaleToZero') }],
    });
  });

  test('target tracking only scales out: a backlog near 0 says nothing about how many instances keep it there', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: Match.objectLike({ DisableScaleIn: true }),
    });
  });

  test('metricBacklogPerInstance() divides visible messages by InService instances', () => {
    const metric = construct.metricBacklogPerInstance();
    const config = metric.toMetricConfig().mathExpression;
    expect(config?.expression).toBe('visible / inService');
    expect(Object.keys(config?.usingMetrics ?? {}).sort()).toEqual(['inService', 'visible']);
  });
});

describe('QueueScaling, step mode', () => {
  const { template } = scaling({ mode: 'step' });

  test('is the seed policy: +2 instances, cooldown 300 s', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'SimpleScaling',
      AdjustmentType: 'ChangeInCapacity',
      ScalingAdjustment: 2,
      Cooldown: '300',
    });
  });

  test('alarms on more than 10 visible messages for 2 periods of 120 s', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Average',
      Period: 120,
      EvaluationPeriods: 2,
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('ScalingQueueDepthStep'), 'Arn'] }],
    });
  });

  test('has no target tracking policy', () => {
    template.resourcePropertiesCountIs('AWS::AutoScaling::ScalingPolicy', { PolicyType: 'TargetTrackingScaling' }, 0);
  });

  test('still wakes the fleet from 0 and scales it to 0', () => {
    template.resourcePropertiesCountIs('AWS::AutoScaling::ScalingPolicy', { PolicyType: 'StepScaling' }, 2);
  });
});

describe('QueueScaling, step mode thresholds', () => {
  test('are configurable', () => {
    const { template } = scaling({
      mode: 'step',
      step: { threshold: 50, evaluationPeriods: 3, period: Duration.seconds(60), adjustment: 4, cooldown: Duration.seconds(600) },
    });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', { PolicyType: 'SimpleScaling', ScalingAdjustment: 4, Cooldown: '600' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 50, EvaluationPeriods: 3, Period: 60 });
  });
});

describe('QueueScaling rejects', () => {
  test('a backlog target of 0', () => {
    expect(() => scaling({ acceptableLatencySeconds: 0 })).toThrow(/acceptableLatencySeconds \/ secondsPerJob is the backlog target per instance and must be > 0, got 0 \/ 10/);
  });

  test('a negative backlog target', () => {
    expect(() => scaling({ acceptableLatencySeconds: -5 })).toThrow(/backlog target per instance and must be > 0, got -5 \/ 10/);
  });

  test('seconds per job of 0', () => {
    expect(() => scaling({ secondsPerJob: 0 })).toThrow(/secondsPerJob \(0\) must be > 0/);
  });

  test('an idle time below one minute', () => {
    expect(() => scaling({ scaleToZeroAfterIdleMinutes: 0 })).toThrow(/scaleToZeroAfterIdleMinutes \(0\) must be a whole number >= 1/);
  });

  test('a step threshold of 0', () => {
    expect(() => scaling({ mode: 'step', step: { threshold: 0 } })).toThrow(/step.threshold \(0\) must be > 0/);
  });

  test('a step adjustment of 0', () => {
    expect(() => scaling({ mode: 'step', step: { adjustment: 0 } })).toThrow(/step.adjustment \(0\) must be a whole number >= 1/);
  });

  test('zero evaluation periods', () => {
    expect(() => scaling({ mode: 'step', step: { evaluationPeriods: 0 } })).toThrow(/step.evaluationPeriods \(0\) must be a whole number >= 1/);
  });
});
