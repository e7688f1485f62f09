import { Duration, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { Problem, checkDurationBetween, checkPositive, checkWholeDuration, checkWholeNumberAtLeast, throwIfProblems, withPath } from '../../validation';
import { GpuFleet } from './gpu-fleet';
import { metricDataQueries } from './metric-data-queries';
import { PredictiveScaling, PredictiveScalingSettings, predictiveScalingSettingsProblems } from './predictive-scaling';

/** Step adjustments AWS allows in one step scaling policy (EC2 Auto Scaling quotas). */
const MAX_STEP_ADJUSTMENTS = 20;

/** The classic queue-depth step policy, with its thresholds. */
export interface QueueStepScalingOptions {
  /**
   * Visible messages above which the fleet grows.
   * @default 10
   */
  readonly threshold?: number;
  /**
   * Consecutive periods above the threshold.
   * @default 2
   */
  readonly evaluationPeriods?: number;
  /**
   * Length of one period.
   * @default Duration.seconds(120)
   */
  readonly period?: Duration;
  /**
   * Instances added each time.
   * @default 2
   */
  readonly adjustment?: number;
  /**
   * Time after a scaling activity before the policy acts again.
   * @default Duration.seconds(300)
   */
  readonly cooldown?: Duration;
}

/** The classic queue-depth step policy: > 10 visible for 2 x 120 s, +2 instances, 300 s cooldown. */
export const QUEUE_STEP_SCALING_DEFAULTS: Defaults<QueueStepScalingOptions> = {
  threshold: 10,
  evaluationPeriods: 2,
  period: Duration.seconds(120),
  adjustment: 2,
  cooldown: Duration.seconds(300),
};

/** How the fleet follows its queue: plain values an environment config holds. */
export interface QueueScalingSettings {
  /**
   * `backlogPerInstance`: target tracking on visible messages per InService instance (AWS's
   * recommendation). `step`: the classic alarm on visible messages, +2 instances.
   * @default 'backlogPerInstance'
   */
  readonly mode?: 'backlogPerInstance' | 'step';
  /** Longest a job should wait in the queue; the backlog target is this / timePerJob. */
  readonly acceptableLatency: Duration;
  /** Average time one instance spends on one job. */
  readonly timePerJob: Duration;
  /** How long the queue must stay empty (nothing visible, nothing in flight) before scaling in to 0; whole minutes. */
  readonly scaleToZeroAfterIdle: Duration;
  /**
   * Predictive scaling on the jobs arriving, beside the mode's policy; AWS needs 24 hours of
   * metrics before its first forecast.
   * @default - none: the fleet follows the queue only as jobs arrive
   */
  readonly predictive?: PredictiveScalingSettings;
  /**
   * Thresholds of `mode: 'step'`.
   * @default - the classic policy's (QUEUE_STEP_SCALING_DEFAULTS)
   */
  readonly step?: QueueStepScalingOptions;
}

/** Props of {@link QueueScaling}. */
export interface QueueScalingProps extends QueueScalingSettings {
  /** The fleet; it collects group metrics (GroupInServiceInstances). */
  readonly fleet: GpuFleet;
  /** The job queue. */
  readonly queue: sqs.IQueue;
}

/** The rules of {@link QueueScalingSettings}, each problem naming its field. */
export function queueScalingSettingsProblems(settings: QueueScalingSettings): Problem[] {
  const step = settings.step ?? {};
  const latency = settings.acceptableLatency.toSeconds({ integral: false });
  const perJob = settings.timePerJob.toSeconds({ integral: false });
  const unresolved = Token.isUnresolved(latency) || Token.isUnresolved(perJob);
  return [
    checkPositive('timePerJob (seconds)', perJob),
    checkPositive('acceptableLatency (seconds)', latency),
    unresolved || latency >= perJob
      ? undefined
      : `acceptableLatency (${settings.acceptableLatency.toHumanString()}) must be >= timePerJob (${settings.timePerJob.toHumanString()}): the backlog target per instance is their ratio and must be at least one job`,
    checkDurationBetween('scaleToZeroAfterIdle', settings.scaleToZeroAfterIdle, Duration.minutes(1), Duration.days(1)),
    checkWholeDuration('scaleToZeroAfterIdle', settings.scaleToZeroAfterIdle, 'minutes'),
    checkPositive('step.threshold', step.threshold),
    checkWholeNumberAtLeast('step.evaluationPeriods', step.evaluationPeriods, 1),
    checkWholeNumberAtLeast('step.adjustment', step.adjustment, 1),
    ...(settings.predictive ? withPath('predictive', predictiveScalingSettingsProblems(settings.predictive)) : []),
  ];
}

/**
 * Scales the fleet with its queue. In the default mode a target tracking policy scales out to
 * keep visible messages per InService instance at acceptableLatency / timePerJob through metric
 * math (an L1 policy: the L2 only tracks single metrics), rendered from
 * `metricBacklogPerInstance()`; it never scales in, since the backlog of a fleet that keeps up is
 * near 0 whatever its size (UtilizationScaleIn trims idle instances). That ratio is undefined at
 * zero instances, so a step policy wakes the fleet when jobs wait and none is in service, with
 * one instance per backlog target of waiting jobs, and another sets the group to 0 once the
 * queue has been empty for scaleToZeroAfterIdle (the group's MinSize still applies).
 */
export class QueueScaling extends Construct {
  /** The backlog target: visible messages one instance may have queued. */
  public readonly backlogTargetPerInstance: number;
  /** The predictive scaling policy, when the settings ask for one. */
  public readonly predictive?: PredictiveScaling;
  /** The alarms of the step policies: the wake-up from zero, the scale-in to zero and, in `step` mode, the seed's queue depth alarm. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly props: QueueScalingProps;

  constructor(scope: Construct, id: string, props: QueueScalingProps) {
    super(scope, id);
    this.props = props;
    throwIfProblems(...queueScalingSettingsProblems(props));
    this.backlogTargetPerInstance = props.acceptableLatency.toSeconds({ integral: false }) / props.timePerJob.toSeconds({ integral: false });
    if (props.mode === 'step') {
      this.addSeedStepPolicy(props.step ?? {});
    } else {
      this.addBacklogTargetTracking();
    }
    this.addWakeUpFromZero();
    this.addScaleToZero();
    if (props.predictive) {
      this.predictive = new PredictiveScaling(this, 'Predictive', {
        ...props.predictive,
        autoScalingGroup: props.fleet.autoScalingGroup,
        loadMetric: this.metricJobsSent(),
        scalingMetric: this.metricJobsSentPerInstance(),
        jobsPerInstanceMinute: 60 / props.timePerJob.toSeconds({ integral: false }),
        // Instances the forecast asks for are InService when their hour starts.
        schedulingBuffer: props.fleet.expectedBootTime,
      });
    }
  }

  /**
   * Jobs sent to the queue (SQS NumberOfMessagesSent, Sum): the load on the fleet whatever its
   * size. A retry changes a job's visibility and is not sent again, so this counts each job once
   * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
   */
  public metricJobsSent(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.props.queue.metricNumberOfMessagesSent({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(1), ...props });
  }

  /**
   * Jobs sent per InService instance per minute, whatever period the reader uses (PERIOD() is
   * the period in seconds, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
   */
  public metricJobsSentPerInstance(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'sent * 60 / PERIOD(sent) / inService',
      usingMetrics: { sent: this.metricJobsSent(), inService: this.props.fleet.metricInServiceInstances() },
      label: 'Jobs sent per instance per minute',
      period: Duration.minutes(1),
      ...props,
    });
  }

  /** Visible messages per InService instance, the metric the default mode tracks. */
  public metricBacklogPerInstance(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'visible / inService',
      usingMetrics: { visible: this.metricVisible('Sum'), inService: this.props.fleet.metricInServiceInstances() },
      label: 'Backlog per instance',
      period: Duration.minutes(1),
      ...props,
    });
  }

  private metricVisible(statistic: string): cloudwatch.Metric {
    return this.props.queue.metricApproximateNumberOfMessagesVisible({ statistic, period: Duration.minutes(1) });
  }

  private addBacklogTargetTracking(): void {
    const backlog = this.metricBacklogPerInstance();
    // L1: the L2 target-tracking policy cannot take a metric math expression (Metrics).
    new autoscaling.CfnScalingPolicy(this, 'BacklogPerInstance', {
      autoScalingGroupName: this.props.fleet.autoScalingGroup.autoScalingGroupName,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        targetValue: this.backlogTargetPerInstance,
        // Scale out only: a fleet that keeps up has a backlog near 0, and target tracking's
        // proportional scale-in would take it to MinSize under steady load (npm run simulate shows
        // it flapping 0 -> 1 -> 2 -> 0). Idle instances scale in through UtilizationScaleIn and
        // QueueIdle instead.
        disableScaleIn: true,
        customizedMetricSpecification: {
          metrics: metricDataQueries(backlog, 'backlogPerInstance'),
        },
      },
    });
  }

  private addSeedStepPolicy(options: QueueStepScalingOptions): void {
    const step = withDefaults(options, QUEUE_STEP_SCALING_DEFAULTS);
    // L1: the classic policy is a simple scaling policy (one adjustment plus a cooldown), which the L2 lacks.
    const policy = new autoscaling.CfnScalingPolicy(this, 'QueueDepthStep', {
      autoScalingGroupName: this.props.fleet.autoScalingGroup.autoScalingGroupName,
      policyType: 'SimpleScaling',
      adjustmentType: 'ChangeInCapacity',
      scalingAdjustment: step.adjustment,
      cooldown: String(step.cooldown.toSeconds()),
    });
    const { period } = step;
    const alarm = new cloudwatch.Alarm(this, 'QueueDepthHigh', {
      alarmDescription: 'Jobs are piling up in the queue: add instances',
      metric: this.props.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Average', period }),
      threshold: step.threshold,
      evaluationPeriods: step.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction({ bind: () => ({ alarmActionArn: policy.attrArn }) });
    this.alarms.push(alarm);
  }

  /**
   * The wake-up from zero, sized by the backlog: while no instance is in service, visible jobs
   * ask for ceil(visible / backlog target) instances (one step per instance, up to the fleet's
   * MaxSize, at most AWS's 20 step adjustments), so a batch that lands on a sleeping fleet starts
   * the instances it needs at once instead of one, then the rest a boot later once target
   * tracking has an InService instance to divide by. The alarm fires on its first breaching
   * minute and the action repeats each minute it stays in ALARM, adding as the backlog grows
   * (warming instances count as added capacity).
   */
  private addWakeUpFromZero(): void {
    const action = new autoscaling.StepScalingAction(this, 'WakeUp', {
      autoScalingGroup: this.props.fleet.autoScalingGroup,
      adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    });
    const target = this.backlogTargetPerInstance;
    const steps = Math.max(1, Math.min(this.props.fleet.maxCapacity, MAX_STEP_ADJUSTMENTS));
    // Bounds are relative to the threshold (1 job): k instances for (k-1) x target < visible <= k x target.
    for (let k = 1; k <= steps; k++) {
      action.addAdjustment({ adjustment: k, lowerBound: (k - 1) * target, upperBound: k < steps ? k * target : undefined });
    }
    const alarm = new cloudwatch.Alarm(this, 'JobsWaitingAtZero', {
      alarmDescription: 'Jobs wait and no instance is in service: start one instance per backlog target of waiting jobs',
      metric: new cloudwatch.MathExpression({
        expression: 'IF(FILL(inService, 0) == 0, FILL(visible, 0), 0)',
        usingMetrics: { visible: this.metricVisible('Maximum'), inService: this.props.fleet.metricInServiceInstances({ statistic: 'Maximum' }) },
        label: 'Jobs waiting with no instance in service',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new cwActions.AutoScalingAction(action));
    this.alarms.push(alarm);
  }

  /**
   * The scale-in to 0 once the fleet has been idle for scaleToZeroAfterIdle: each one-minute
   * datapoint is idle when an instance is InService (or booting) and no job arrived, waited or
   * ran in that minute. That rule, chosen by simulation (docs/foresight.md, the idle window), keeps the fleet from
   * flapping and from undoing capacity started ahead of the load:
   * - jobs sent (NumberOfMessagesSent, Sum) count: a job that arrives and finishes between two
   *   of SQS's one-minute samples of the queue leaves no trace in them, so a trickle of short
   *   jobs would otherwise look idle and the fleet would sleep and wake through it;
   * - a minute with no instance InService and none wanted (desired 0) is not idle: the count
   *   starts when capacity does, so an instance predictive scaling or a warm-up window starts
   *   before the jobs come gets the whole idle window (an alarm left in ALARM repeats its
   *   action every minute, and would take it back at once);
   * - while an instance is InService the queue is active (its agents poll it), so missing SQS
   *   data is a queue coming back from inactivity, whose metrics are up to 15 minutes late
   *   (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-monitoring-using-cloudwatch.html):
   *   not idle. With nothing InService, an idle queue publishes nothing: idle.
   */
  private addScaleToZero(): void {
    const action = new autoscaling.StepScalingAction(this, 'ScaleToZero', {
      autoScalingGroup: this.props.fleet.autoScalingGroup,
      adjustmentType: autoscaling.AdjustmentType.EXACT_CAPACITY,
    });
    action.addAdjustment({ adjustment: 0, upperBound: 0 });
    const minutes = this.props.scaleToZeroAfterIdle.toMinutes();
    const activity = 'FILL(visible, DEFAULT) + FILL(inFlight, 0) + FILL(sent, 0)';
    const alarm = new cloudwatch.Alarm(this, 'QueueIdle', {
      alarmDescription: `No job sent, visible or in flight for ${minutes} minutes with an instance up: scale in to 0`,
      metric: new cloudwatch.MathExpression({
        expression: `IF(FILL(desired, 0) == 0 AND FILL(inService, 0) == 0, 1, IF(FILL(inService, 0) > 0, ${activity.replace('DEFAULT', '1')}, ${activity.replace('DEFAULT', '0')}))`,
        usingMetrics: {
          visible: this.metricVisible('Maximum'),
          inFlight: this.props.queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
          sent: this.metricJobsSent(),
          inService: this.props.fleet.metricInServiceInstances({ statistic: 'Maximum' }),
          desired: this.props.fleet.metricDesiredCapacity({ statistic: 'Maximum' }),
        },
        label: 'Jobs sent, waiting or running while the fleet is up',
        period: Duration.minutes(1),
      }),
      threshold: 0,
      evaluationPeriods: minutes,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      // Every metric is filled: a missing datapoint cannot occur; were it to, it would not be idle.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new cwActions.AutoScalingAction(action));
    this.alarms.push(alarm);
  }
}
