import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { QueueScaling, QueueScalingProps } from '../../../lib/constructs/inference/queue-scaling';
import { fleetAndQueue } from './fixtures';

function scaling(overrides: Partial<QueueScalingProps> = {}): { construct: QueueScaling; template: Template } {
  const { stack, fleet, queue } = fleetAndQueue();
  const construct = new QueueScaling(stack, 'Scaling', {
    fleet,
    queue,
    acceptableLatency: Duration.minutes(2),
    timePerJob: Duration.seconds(10),
    scaleToZeroAfterIdle: Duration.minutes(15),
    ...overrides,
  });
  return { construct, template: Template.fromStack(stack) };
}

describe('QueueScaling, backlogPerInstance mode (default)', () => {
  const { construct, template } = scaling();

  test('target tracking keeps visible messages per InService instance at acceptable latency / time per job', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: {
        TargetValue: 12,
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'visible',
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
              ReturnData: false,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/AutoScaling',
                  MetricName: 'GroupInServiceInstances',
                  Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: Match.stringLikeRegexp('FleetGroupASG') } }],
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

  test('wakes from zero with one instance per backlog target of waiting jobs, up to MaxSize', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      // Target 12 (120 s / 10 s), threshold 1 job: 1-12 waiting -> 1, 13-24 -> 2, 25-36 -> 3, more -> 4 (MaxSize).
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 12, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 12, MetricIntervalUpperBound: 24, ScalingAdjustment: 2 },
        { MetricIntervalLowerBound: 24, MetricIntervalUpperBound: 36, ScalingAdjustment: 3 },
        { MetricIntervalLowerBound: 36, ScalingAdjustment: 4 },
      ],
    });
  });

  test('the wake-up alarm reads the waiting jobs while nothing is in service, on its first minute', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(FILL(inService, 0) == 0, FILL(visible, 0), 0)' }),
        Match.objectLike({ Id: 'visible', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesVisible' }), Stat: 'Maximum', Period: 60 }) }),
        Match.objectLike({ Id: 'inService', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GroupInServiceInstances' }), Stat: 'Maximum', Period: 60 }) }),
      ]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('ScalingWakeUp') }],
    });
  });

  test('scales in to 0 after the idle time with the fleet up: no job sent, visible or in flight', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      AdjustmentType: 'ExactCapacity',
      StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: 0 }],
    });
    const metric = (id: string, namespace: string, name: string, stat: string) =>
      Match.objectLike({ Id: id, MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: namespace, MetricName: name }), Stat: stat, Period: 60 }) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      Threshold: 0,
      EvaluationPeriods: 15,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: 'IF(FILL(desired, 0) == 0 AND FILL(inService, 0) == 0, 1, IF(FILL(inService, 0) > 0, '
            + 'FILL(visible, 1) + FILL(inFlight, 0) + FILL(sent, 0), FILL(visible, 0) + FILL(inFlight, 0) + FILL(sent, 0)))',
          ReturnData: true,
        }),
        metric('visible', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'Maximum'),
        metric('inFlight', 'AWS/SQS', 'ApproximateNumberOfMessagesNotVisible', 'Maximum'),
        metric('sent', 'AWS/SQS', 'NumberOfMessagesSent', 'Sum'),
        metric('inService', 'AWS/AutoScaling', 'GroupInServiceInstances', 'Maximum'),
        metric('desired', 'AWS/AutoScaling', 'GroupDesiredCapacity', 'Maximum'),
      ]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('ScalingScaleToZero') }],
    });
  });

  test('target tracking only scales out: a backlog near 0 says nothing about how many instances keep it there', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: Match.objectLike({ DisableScaleIn: true }),
    });
  });

  test('the L1 target tracking metrics are the ones of metricBacklogPerInstance()', () => {
    const backlog = construct.metricBacklogPerInstance().toMetricConfig().mathExpression;
    const stack = Stack.of(construct);
    const policy = Object.values(template.findResources('AWS::AutoScaling::ScalingPolicy', { Properties: { PolicyType: 'TargetTrackingScaling' } }))[0];
    const metrics = policy.Properties.TargetTrackingConfiguration.CustomizedMetricSpecification.Metrics as Array<Record<string, unknown>>;
    expect(metrics.find((m) => m.ReturnData === true)?.Expression).toBe(backlog?.expression);
    const rendered = metrics.filter((m) => m.ReturnData === false).map((m) => {
      const stat = m.MetricStat as { Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: unknown }> }; Stat: string };
      return { id: m.Id, namespace: stat.Metric.Namespace, metricName: stat.Metric.MetricName, statistic: stat.Stat, dimensions: stat.Metric.Dimensions.map((d) => ({ name: d.Name, value: d.Value })) };
    });
    const expected = Object.entries(backlog?.usingMetrics ?? {}).map(([id, metric]) => {
      const stat = metric.toMetricConfig().metricStat;
      return { id, namespace: stat?.namespace, metricName: stat?.metricName, statistic: stat?.statistic, dimensions: stack.resolve(stat?.dimensions) };
    });
    expect(rendered).toEqual(expected);
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
  test('an acceptable latency below the time per job', () => {
    expect(() => scaling({ acceptableLatency: Duration.seconds(5) })).toThrow(
      /acceptableLatency \(5 seconds\) must be >= timePerJob \(10 seconds\): the backlog target per instance is their ratio and must be at least one job/,
    );
  });

  test('an acceptable latency of 0', () => {
    expect(() => scaling({ acceptableLatency: Duration.seconds(0) })).toThrow(/acceptableLatency \(seconds\) \(0\) must be > 0/);
  });

  test('a time per job of 0', () => {
    expect(() => scaling({ timePerJob: Duration.seconds(0) })).toThrow(/timePerJob \(seconds\) \(0\) must be > 0/);
  });

  test('an idle time below one minute', () => {
    expect(() => scaling({ scaleToZeroAfterIdle: Duration.seconds(30) })).toThrow(/scaleToZeroAfterIdle \(30 seconds\) must be between 1 minute and 1 day/);
  });

  test('an idle time above one day', () => {
    expect(() => scaling({ scaleToZeroAfterIdle: Duration.hours(25) })).toThrow(/scaleToZeroAfterIdle \(1 day 1 hour\) must be between 1 minute and 1 day/);
  });

  test('an idle time that is not whole minutes', () => {
    expect(() => scaling({ scaleToZeroAfterIdle: Duration.seconds(90) })).toThrow(/scaleToZeroAfterIdle \(1 minute 30 seconds\) must be a whole number of minutes/);
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

describe('QueueScaling wake-up from zero on a large fleet', () => {
  test('stops at the 20 step adjustments a policy may hold, the last asking for 20 instances', () => {
    const { stack, fleet, queue } = fleetAndQueue({ maxCapacity: 30 });
    new QueueScaling(stack, 'Scaling', { fleet, queue, acceptableLatency: Duration.minutes(1), timePerJob: Duration.seconds(10), scaleToZeroAfterIdle: Duration.minutes(15) });
    const policies = Template.fromStack(stack).findResources('AWS::AutoScaling::ScalingPolicy', { Properties: { StepAdjustments: Match.arrayWith([Match.objectLike({ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 })]) } });
    const steps = Object.values(policies)[0].Properties.StepAdjustments;
    expect(steps).toHaveLength(20);
    expect(steps[19]).toEqual({ MetricIntervalLowerBound: 114, ScalingAdjustment: 20 });
  });
});
