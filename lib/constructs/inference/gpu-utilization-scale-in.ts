import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { checkInRange, checkWholeNumberAtLeast, throwIfProblems } from '../../validation';
import { GpuFleet } from './gpu-fleet';

/** Props of {@link GpuUtilizationScaleIn}. */
export interface GpuUtilizationScaleInProps {
  /** The fleet: its GPU utilization is watched and its group scaled in. */
  readonly fleet: GpuFleet;
  /**
   * Average GPU utilization (percent) below which the fleet is idle.
   * @default 20
   */
  readonly thresholdPercent?: number;
  /**
   * Consecutive periods below the threshold.
   * @default 3
   */
  readonly evaluationPeriods?: number;
  /**
   * Length of one period.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
  /**
   * Instances removed each time the alarm fires.
   * @default 1
   */
  readonly scaleInBy?: number;
}

/**
 * Idle GPUs are expensive mistakes: when the fleet's average GPU utilization (namespace
 * AI/Custom, published by the instances) stays below the threshold, remove instances.
 * No data (no instances) never fires it. The group's MinSize still applies.
 */
export class GpuUtilizationScaleIn extends Construct {
  /** The low-utilization alarm. */
  public readonly alarm: cloudwatch.IAlarm;

  constructor(scope: Construct, id: string, props: GpuUtilizationScaleInProps) {
    super(scope, id);
    const thresholdPercent = props.thresholdPercent ?? 20;
    const scaleInBy = props.scaleInBy ?? 1;
    throwIfProblems(
      checkInRange('thresholdPercent', thresholdPercent, 0, 100),
      checkWholeNumberAtLeast('evaluationPeriods', props.evaluationPeriods ?? 3, 1),
      checkWholeNumberAtLeast('scaleInBy', scaleInBy, 1),
    );
    const action = new autoscaling.StepScalingAction(this, 'ScaleIn', {
      autoScalingGroup: props.fleet.autoScalingGroup,
      adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    });
    action.addAdjustment({ adjustment: -scaleInBy, upperBound: 0 });
    const alarm = new cloudwatch.Alarm(this, 'LowUtilization', {
      alarmDescription: `GPU utilization of the fleet is below ${thresholdPercent} %: remove ${scaleInBy} instance(s)`,
      metric: props.fleet.metricGpuUtilization({ period: props.period ?? Duration.minutes(5) }),
      threshold: thresholdPercent,
      evaluationPeriods: props.evaluationPeriods ?? 3,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new cwActions.AutoScalingAction(action));
    this.alarm = alarm;
  }
}
