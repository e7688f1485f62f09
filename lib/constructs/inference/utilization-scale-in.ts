import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { FLEET_PROCESSOR_LABELS } from '../../gpu/fleet-processor';
import { Problem, checkDurationBetween, checkInRange, checkWholeDuration, checkWholeNumberAtLeast, throwIfProblems } from '../../validation';
import { GpuFleet } from './gpu-fleet';

/** When idle instances are removed: plain values an environment config holds. */
export interface UtilizationScaleInSettings {
  /**
   * Average utilization (percent) of the fleet's GPUs, or of its CPUs for a CPU fleet, below which
   * it has more instances than its jobs need. At t %, a fleet of n instances is only trimmed while
   * n - 1 would run at most t x n / (n - 1) %: 80 % for 2 at the default (1-minute periods).
   * @default 40
   */
  readonly thresholdPercent?: number;
  /**
   * Consecutive periods below the threshold before an instance goes.
   * @default 10
   */
  readonly evaluationPeriods?: number;
  /**
   * Length of one period; whole minutes (GPUUtilization and the detailed-monitoring CPUUtilization come every minute).
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;
  /**
   * Instances removed each time the alarm acts.
   * @default 1
   */
  readonly scaleInBy?: number;
  /**
   * Time after a scaling activity of the group before the alarm removes again: long enough for
   * the smaller fleet to show in the metrics (one period plus CloudWatch's delay), so one alarm
   * does not remove the instances the metric has not yet seen go (whole seconds).
   * @default Duration.minutes(2)
   */
  readonly cooldown?: Duration;
}

/** The defaults of {@link UtilizationScaleInSettings}. */
export const UTILIZATION_SCALE_IN_DEFAULTS: Defaults<UtilizationScaleInSettings> = {
  thresholdPercent: 40,
  evaluationPeriods: 10,
  period: Duration.minutes(1),
  scaleInBy: 1,
  cooldown: Duration.minutes(2),
};

/** Props of {@link UtilizationScaleIn}. */
export interface UtilizationScaleInProps extends UtilizationScaleInSettings {
  /** The fleet: its utilization (`metricUtilization()`: GPU, or CPU for a CPU fleet) is watched and its group scaled in. */
  readonly fleet: GpuFleet;
}

/** The rules of {@link UtilizationScaleInSettings}, each problem naming its field. */
export function utilizationScaleInSettingsProblems(settings: UtilizationScaleInSettings): Problem[] {
  const { period, evaluationPeriods } = withDefaults(settings, UTILIZATION_SCALE_IN_DEFAULTS);
  return [
    checkInRange('thresholdPercent', settings.thresholdPercent, 0, 100),
    checkWholeNumberAtLeast('evaluationPeriods', settings.evaluationPeriods, 1),
    checkWholeNumberAtLeast('scaleInBy', settings.scaleInBy, 1),
    checkDurationBetween('period', settings.period, Duration.minutes(1), Duration.days(1)),
    checkWholeDuration('period', settings.period, 'minutes'),
    checkDurationBetween('cooldown', settings.cooldown, Duration.seconds(0), Duration.hours(1)),
    checkWholeDuration('cooldown', settings.cooldown, 'seconds'),
    // CloudWatch: evaluation periods x period may span at most one day.
    Number.isInteger(evaluationPeriods) && evaluationPeriods * period.toSeconds({ integral: false }) > 86_400
      ? `evaluationPeriods x period (${evaluationPeriods} x ${period.toHumanString()}) must be at most 1 day (CloudWatch's limit): use fewer or shorter periods`
      : undefined,
  ];
}

/**
 * Idle instances are expensive mistakes: when the fleet's average utilization stays below the
 * threshold, remove instances. A GPU fleet's is the GPU utilization its instances publish every
 * minute (namespace AI/Custom); a CPU fleet's the CPU utilization EC2 aggregates for the group
 * (AWS/EC2, see cpuUtilizationMetric), since a CPU instance has no GPU to measure. The queue's
 * backlog cannot say this (a fleet that keeps up has a backlog near 0 at any size), so the
 * backlog target tracking only scales out and this alarm trims the fleet. It never removes the
 * last InService instance: the queue scaling's idle alarm takes the fleet to 0 once no job has been
 * sent, visible or in flight for scaleToZeroAfterIdle, so a trickle of jobs keeps one warm instance. No data (no instances)
 * never fires it. The group's MinSize still applies.
 *
 * The action is a simple scaling policy with a cooldown, not a step policy: an alarm with an
 * Auto Scaling action invokes it every minute it stays in ALARM
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html), and
 * the metric sees a removal a period and CloudWatch's delay later, so a step policy removes
 * one instance more than the alarm saw, the last one included (the simulator shows it, and the
 * fleet then wakes again for the next job). Simple scaling waits `cooldown` after each scaling
 * activity (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scaling-cooldowns.html).
 * An L1 policy: aws-cdk-lib's L2 has no simple scaling.
 */
export class UtilizationScaleIn extends Construct {
  /** The low-utilization alarm. */
  public readonly alarm: cloudwatch.IAlarm;

  constructor(scope: Construct, id: string, props: UtilizationScaleInProps) {
    super(scope, id);
    throwIfProblems(...utilizationScaleInSettingsProblems(props));
    const { thresholdPercent, scaleInBy, period, evaluationPeriods, cooldown } = withDefaults(props, UTILIZATION_SCALE_IN_DEFAULTS);
    const label = FLEET_PROCESSOR_LABELS[props.fleet.processor];
    const policy = new autoscaling.CfnScalingPolicy(this, 'ScaleIn', {
      autoScalingGroupName: props.fleet.autoScalingGroup.autoScalingGroupName,
      policyType: 'SimpleScaling',
      adjustmentType: 'ChangeInCapacity',
      scalingAdjustment: -scaleInBy,
      cooldown: String(cooldown.toSeconds()),
    });
    const alarm = new cloudwatch.Alarm(this, 'LowUtilization', {
      alarmDescription: `${label} utilization of a fleet of more than one instance is below ${thresholdPercent} %: remove ${scaleInBy} instance(s), then wait ${cooldown.toHumanString()}`,
      // A single instance reads as 100 %: the last one leaves with the queue's idle alarm.
      metric: new cloudwatch.MathExpression({
        expression: 'IF(FILL(inService, 0) > 1, utilization, 100)',
        usingMetrics: {
          utilization: props.fleet.metricUtilization({ period }),
          inService: props.fleet.metricInServiceInstances({ statistic: 'Minimum', period }),
        },
        label: `${label} utilization of more than one instance`,
        period,
      }),
      threshold: thresholdPercent,
      evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction({ bind: () => ({ alarmActionArn: policy.attrArn }) });
    this.alarm = alarm;
  }
}
