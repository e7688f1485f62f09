import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { Problem, checkFraction, checkWholeDuration, throwIfProblems } from '../../validation';
import { metricDataQueries } from './metric-data-queries';
import { PredictiveScalingConfig, predictiveScalingConfigProblems } from './predictive-scaling-rules';

/** Predictive scaling of a queue-fed fleet: plain values an environment config holds. */
export interface PredictiveScalingSettings {
  /**
   * `ForecastOnly`: AWS forecasts the load and the capacity (console graphs,
   * GetPredictiveScalingForecast) without scaling, AWS's recommended first step to evaluate the
   * forecast. `ForecastAndScale`: the forecast also raises the group's capacity ahead of each hour.
   * @default 'ForecastOnly'
   */
  readonly mode?: 'ForecastOnly' | 'ForecastAndScale';
  /**
   * Share of one instance's throughput (60 s / timePerJob jobs a minute) the forecast plans
   * for, in (0, 1]: below 1 keeps headroom for the bursts within an hour.
   * @default 1 (the fleet that just keeps up with the hour's mean arrival rate; the backlog policy adds the rest)
   */
  readonly targetUtilization?: number;
}

/** Props of {@link PredictiveScaling}. */
export interface PredictiveScalingProps extends PredictiveScalingSettings {
  /** The fleet's group. */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  /** The load on the whole group, whatever its size: jobs arriving (a Sum). */
  readonly loadMetric: cloudwatch.IMetric;
  /** The load per InService instance per minute: falls as instances are added. */
  readonly scalingMetric: cloudwatch.IMetric;
  /** Jobs one instance finishes per minute at full throughput. */
  readonly jobsPerInstanceMinute: number;
  /** How early the forecast's instances launch before their hour: the fleet's boot time. */
  readonly schedulingBuffer: Duration;
}

/** The rules of {@link PredictiveScalingSettings}, each problem naming its field. */
export function predictiveScalingSettingsProblems(settings: PredictiveScalingSettings): Problem[] {
  const mode = settings.mode ?? 'ForecastOnly';
  return [
    ['ForecastOnly', 'ForecastAndScale'].includes(mode) ? undefined : `mode ("${mode}") must be 'ForecastOnly' or 'ForecastAndScale'`,
    checkFraction('targetUtilization', settings.targetUtilization ?? 1),
  ];
}

/**
 * An EC2 Auto Scaling predictive scaling policy on the queue's load
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-predictive-scaling.html):
 * from up to 14 days of history (at least 24 hours) AWS forecasts the next 48 hours hourly and,
 * in ForecastAndScale mode, raises the desired capacity to the forecast at the start of each hour,
 * `schedulingBuffer` early; it never scales in, and MinSize and MaxSize still bound it. Beside the
 * backlog policy each policy computes its capacity and the largest wins.
 *
 * The metrics are custom, with metric math
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/predictive-scaling-customized-metric-specification.html),
 * shaped like AWS's SQS example there but with arrivals instead of the visible backlog: AWS asks
 * for a load metric that describes the group's whole load regardless of its capacity and a scaling
 * metric inversely proportional to capacity, and a backlog is what the fleet failed to serve
 * (near 0 whenever it keeps up, so its forecast would say "no load" in the hours served well).
 * The target is jobs per instance during one minute, as AWS defines it for message counts.
 * MaxCapacityBreachBehavior is HonorMaxCapacity: MaxSize is the fleet's GPU cost ceiling, which
 * the cost guardrails check at synth; IncreaseMaxCapacity would raise it and never lower it back.
 *
 * An L1 policy: aws-cdk-lib's Auto Scaling L2 has no predictive scaling. AWS assumes equal
 * instances: in a mixed instances fleet the forecast capacity is as right as timePerJob is for
 * every type. The policy costs nothing itself; ForecastAndScale pays for the instances it starts
 * (from `schedulingBuffer` before the hour), ForecastOnly for none.
 */
export class PredictiveScaling extends Construct {
  /** The predictive scaling policy. */
  public readonly policy: autoscaling.CfnScalingPolicy;
  /** The target: jobs per InService instance per minute. */
  public readonly targetValue: number;

  constructor(scope: Construct, id: string, props: PredictiveScalingProps) {
    super(scope, id);
    throwIfProblems(
      ...predictiveScalingSettingsProblems(props),
      checkWholeDuration('schedulingBuffer', props.schedulingBuffer, 'seconds'),
    );
    this.targetValue = (props.targetUtilization ?? 1) * props.jobsPerInstanceMinute;
    const load = metricDataQueries(props.loadMetric, 'load');
    const perInstance = metricDataQueries(props.scalingMetric, 'perInstance');
    const settings = {
      mode: props.mode ?? 'ForecastOnly',
      schedulingBufferTime: props.schedulingBuffer.toSeconds(),
      maxCapacityBreachBehavior: 'HonorMaxCapacity',
    };
    const metricSpecification = {
      targetValue: this.targetValue,
      customizedLoadMetricSpecification: { metricDataQueries: load },
      customizedScalingMetricSpecification: { metricDataQueries: perInstance },
    };
    const config: PredictiveScalingConfig = { ...settings, metricSpecifications: [metricSpecification] };
    throwIfProblems(...predictiveScalingConfigProblems(config));
    this.policy = new autoscaling.CfnScalingPolicy(this, 'Policy', {
      autoScalingGroupName: props.autoScalingGroup.autoScalingGroupName,
      policyType: 'PredictiveScaling',
      predictiveScalingConfiguration: { ...settings, metricSpecifications: [metricSpecification] },
    });
  }
}
