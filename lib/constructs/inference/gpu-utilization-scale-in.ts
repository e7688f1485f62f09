import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { Problem, checkDurationBetween, checkInRange, checkWholeDuration, checkWholeNumberAtLeast, throwIfProblems } from '../../validation';
import { GpuFleet } from './gpu-fleet';

/** When idle GPUs are removed: plain values an environment config holds. */
export interface GpuUtilizationScaleInSettings {
  /**
   * Average GPU utilization (percent) of the fleet below which it has more GPUs than its jobs
   * need. At t %, a fleet of n instances is only trimmed while n - 1 would run at most
   * t x n / (n - 1) %: 80 % for 2 at the default (1-minute periods, as the instances publish).
   * @default 40
   */
  readonly thresholdPercent?: number;
  /**
   * Consecutive periods below the threshold before an instance goes.
   * @default 10
   */
  readonly evaluationPeriods?: number;
  /**
   * Length of one period; whole minutes (the instances publish GPUUtilization every minute).
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
  /**
   * Instances removed each minute the alarm stays in ALARM.
   * @default 1
   */
  readonly scaleInBy?: number;
}

/** The defaults of {@link GpuUtilizationScaleInSettings}. */
export const GPU_UTILIZATION_SCALE_IN_DEFAULTS: Defaults<GpuUtilizationScaleInSettings> = {
  thresholdPercent: 40,
  evaluationPeriods: 10,
  period: Duration.minutes(1),
  scaleInBy: 1,
};

/** Props of {@link GpuUtilizationScaleIn}. */
export interface GpuUtilizationScaleInProps extends GpuUtilizationScaleInSettings {
  /** The fleet: its GPU utilization is watched and its group scaled in. */
  readonly fleet: GpuFleet;
}

/** The rules of {@link GpuUtilizationScaleInSettings}, each problem naming its field. */
export function gpuUtilizationScaleInSettingsProblems(settings: GpuUtilizationScaleInSettings): Problem[] {
  const { period, evaluationPeriods } = withDefaults(settings, GPU_UTILIZATION_SCALE_IN_DEFAULTS);
  return [
    checkInRange('thresholdPercent', settings.thresholdPercent, 0, 100),
    checkWholeNumberAtLeast('evaluationPeriods', settings.evaluationPeriods, 1),
    checkWholeNumberAtLeast('scaleInBy', settings.scaleInBy, 1),
    checkDurationBetween('period', settings.period, Duration.minutes(1), Duration.days(1)),
    checkWholeDuration('period', settings.period, 'minutes'),
    // CloudWatch: evaluation periods x period may span at most one day.
    Number.isInteger(evaluationPeriods) && evaluationPeriods * period.toSeconds({ integral: false }) > 86_400
      ? `evaluationPeriods x period (${evaluationPeriods} x ${period.toHumanString()}) must be at most 1 day (CloudWatch's limit): use fewer or shorter periods`
      : undefined,
  ];
}

/**
 * Idle GPUs are expensive mistakes: when the fleet's average GPU utilization (namespace
 * AI/Custom, published by the instances every minute) stays below the threshold, remove
 * instances. The queue's backlog cannot say this (a fleet that keeps up has a backlog near 0 at
 * any size), so the backlog target tracking only scales out and this alarm trims the fleet.
 * It never removes the last InService instance: the queue scaling's idle alarm takes the fleet
 * to 0 once no job is visible or in flight, so a trickle of jobs keeps one warm GPU. No data
 * (no instances) never fires it. The group's MinSize still applies.
 */
export class GpuUtilizationScaleIn extends Construct {
  /** The low-utilization alarm. */
  public readonly alarm: cloudwatch.IAlarm;

  constructor(scope: Construct, id: string, props: GpuUtilizationScaleInProps) {
    super(scope, id);
    throwIfProblems(...gpuUtilizationScaleInSettingsProblems(props));
    const { thresholdPercent, scaleInBy, period, evaluationPeriods } = withDefaults(props, GPU_UTILIZATION_SCALE_IN_DEFAULTS);
    const action = new autoscaling.StepScalingAction(this, 'ScaleIn', {
      autoScalingGroup: props.fleet.autoScalingGroup,
      adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    });
    action.addAdjustment({ adjustment: -scaleInBy, upperBound: 0 });
    const alarm = new cloudwatch.Alarm(this, 'LowUtilization', {
      alarmDescription: `GPU utilization of a fleet of more than one instance is below ${thresholdPercent} %: remove ${scaleInBy} instance(s)`,
      // A single instance reads as 100 %: the last one leaves with the queue's idle alarm.
      metric: new cloudwatch.MathExpression({
        expression: 'IF(FILL(inService, 0) > 1, utilization, 100)',
        usingMetrics: {
          utilization: props.fleet.metricGpuUtilization({ period }),
          inService: props.fleet.metricInServiceInstances({ statistic: 'Minimum', period }),
        },
        label: 'GPU utilization of more than one instance',
        period,
      }),
      threshold: thresholdPercent,
      evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new cwActions.AutoScalingAction(action));
    this.alarm = alarm;
  }
}
