import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as legacy from '../../../lib/constructs/inference/gpu-utilization-scale-in';
import {
  UTILIZATION_SCALE_IN_DEFAULTS, UtilizationScaleIn, UtilizationScaleInProps, utilizationScaleInSettingsProblems,
} from '../../../lib/constructs/inference/utilization-scale-in';
import { GpuFleetProps } from '../../../lib/constructs/inference/gpu-fleet';
import { fleetAndQueue } from './fixtures';

function scaleIn(overrides: Partial<UtilizationScaleInProps> = {}, fleetOverrides: Partial<GpuFleetProps> = {}): Template {
  const { stack, fleet } = fleetAndQueue(fleetOverrides);
  new UtilizationScaleIn(stack, 'Gpu', { fleet, ...overrides });
  return Template.fromStack(stack);
}

const utilization = (period: number) => Match.objectLike({
  Id: 'utilization',
  ReturnData: false,
  MetricStat: {
    Metric: {
      Namespace: 'AI/Custom',
      MetricName: 'GPUUtilization',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: Match.stringLikeRegexp('FleetGroupASG') } }],
    },
    Period: period,
    Stat: 'Average',
  },
});

describe('UtilizationScaleIn of a GPU fleet', () => {
  const template = scaleIn();

  test('by default alarms on the fleet GPU utilization below 40 % for 10 one-minute periods', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([utilization(60)]),
      EvaluationPeriods: 10,
      Threshold: 40,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('never removes the last InService instance: a single instance reads as 100 %', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(FILL(inService, 0) > 1, utilization, 100)', ReturnData: true }),
        Match.objectLike({ Id: 'inService', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GroupInServiceInstances' }), Stat: 'Minimum', Period: 60 }) }),
      ]),
    });
  });

  test('the alarm removes one instance, then waits 2 minutes for the metric to see it go', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'SimpleScaling',
      AdjustmentType: 'ChangeInCapacity',
      ScalingAdjustment: -1,
      Cooldown: '120',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('GpuScaleIn'), 'Arn'] }] });
  });

  test('takes its threshold, periods, period, step and cooldown from props', () => {
    const custom = scaleIn({ thresholdPercent: 25, evaluationPeriods: 3, period: Duration.minutes(5), scaleInBy: 2, cooldown: Duration.minutes(10) });
    custom.hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([utilization(300)]), EvaluationPeriods: 3, Threshold: 25 });
    custom.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', { ScalingAdjustment: -2, Cooldown: '600' });
  });

  test('rejects a cooldown above an hour', () => {
    expect(() => scaleIn({ cooldown: Duration.hours(2) })).toThrow(/cooldown \(2 hours\) must be between 0 seconds and 1 hour/);
  });

  test('rejects a cooldown of fractional seconds', () => {
    expect(() => scaleIn({ cooldown: Duration.millis(1500) })).toThrow(/cooldown \(1 second 500 millis\) must be a whole number of seconds/);
  });

  test('rejects a threshold above 100 %', () => {
    expect(() => scaleIn({ thresholdPercent: 120 })).toThrow(/thresholdPercent \(120\) must be between 0 and 100/);
  });

  test('rejects scaling in by 0', () => {
    expect(() => scaleIn({ scaleInBy: 0 })).toThrow(/scaleInBy \(0\) must be a whole number >= 1/);
  });

  test('rejects zero evaluation periods', () => {
    expect(() => scaleIn({ evaluationPeriods: 0 })).toThrow(/evaluationPeriods \(0\) must be a whole number >= 1/);
  });

  test('rejects a period shorter than the instances publish', () => {
    expect(() => scaleIn({ period: Duration.seconds(30) })).toThrow(/period \(30 seconds\) must be between 1 minute and 1 day/);
  });

  test('rejects a period of fractional minutes', () => {
    expect(() => scaleIn({ period: Duration.seconds(90) })).toThrow(/period \(1 minute 30 seconds\) must be a whole number of minutes/);
  });

  test('rejects evaluation periods spanning more than a day', () => {
    expect(() => scaleIn({ evaluationPeriods: 25, period: Duration.hours(1) })).toThrow(/evaluationPeriods x period \(25 x 1 hour\) must be at most 1 day/);
  });

  test('its settings rules accept the defaults', () => {
    expect(utilizationScaleInSettingsProblems({}).filter(Boolean)).toEqual([]);
  });
});

describe('UtilizationScaleIn of a CPU fleet', () => {
  const template = scaleIn({}, { instanceTypes: ['c6i.large', 'c7i.large'] });

  test('alarms on EC2\'s CPUUtilization of the group below 40 % for 10 one-minute periods, never the last instance', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'CPU utilization of a fleet of more than one instance is below 40 %: remove 1 instance(s), then wait 2 minutes',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(FILL(inService, 0) > 1, utilization, 100)', ReturnData: true }),
        Match.objectLike({
          Id: 'utilization',
          MetricStat: {
            Metric: { Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: Match.stringLikeRegexp('FleetGroupASG') } }] },
            Period: 60,
            Stat: 'Average',
          },
        }),
      ]),
      EvaluationPeriods: 10,
      Threshold: 40,
      TreatMissingData: 'notBreaching',
    });
  });

  test('reads no GPU metric', () => {
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).not.toContain('GPUUtilization');
  });
});

describe('the names from before CPU fleets', () => {
  test('are the same construct, defaults and rules', () => {
    expect([legacy.GpuUtilizationScaleIn, legacy.GPU_UTILIZATION_SCALE_IN_DEFAULTS, legacy.gpuUtilizationScaleInSettingsProblems])
      .toEqual([UtilizationScaleIn, UTILIZATION_SCALE_IN_DEFAULTS, utilizationScaleInSettingsProblems]);
  });
});
