import { Match, Template } from 'aws-cdk-lib/assertions';
import { GpuUtilizationScaleIn } from '../../../lib/constructs/inference/gpu-utilization-scale-in';
import { fleetAndQueue } from './fixtures';

describe('GpuUtilizationScaleIn', () => {
  const { stack, fleet } = fleetAndQueue();
  new GpuUtilizationScaleIn(stack, 'Gpu', { fleet });
  const template = Template.fromStack(stack);

  test('alarms on the fleet GPU utilization below 20 % for 3 periods of 300 s', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AI/Custom',
      MetricName: 'GPUUtilization',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: Match.stringLikeRegexp('FleetGroupASG') } }],
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: 20,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('the alarm removes one instance', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -1 }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'GPUUtilization', AlarmActions: [{ Ref: Match.stringLikeRegexp('GpuScaleIn') }] });
  });

  test('rejects a threshold above 100 %', () => {
    const other = fleetAndQueue();
    expect(() => new GpuUtilizationScaleIn(other.stack, 'Gpu', { fleet: other.fleet, thresholdPercent: 120 })).toThrow(
      /thresholdPercent \(120\) must be between 0 and 100/,
    );
  });

  test('rejects scaling in by 0', () => {
    const other = fleetAndQueue();
    expect(() => new GpuUtilizationScaleIn(other.stack, 'Gpu', { fleet: other.fleet, scaleInBy: 0 })).toThrow(/scaleInBy \(0\) must be a whole number >= 1/);
  });

  test('rejects zero evaluation periods', () => {
    const other = fleetAndQueue();
    expect(() => new GpuUtilizationScaleIn(other.stack, 'Gpu', { fleet: other.fleet, evaluationPeriods: 0 })).toThrow(
      /evaluationPeriods \(0\) must be a whole number >= 1/,
    );
  });
});
