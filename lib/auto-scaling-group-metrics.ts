import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The group metrics an Auto Scaling group publishes once they are enabled, every minute and at
 * no charge (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html).
 */
export type AutoScalingGroupMetricName =
  | 'GroupMinSize' | 'GroupMaxSize' | 'GroupDesiredCapacity' | 'GroupInServiceInstances' | 'GroupPendingInstances' | 'GroupTerminatingInstances';

/** One group metric of the group `autoScalingGroupName` (AWS/AutoScaling), averaged over a minute. */
export function autoScalingGroupMetric(autoScalingGroupName: string, metricName: AutoScalingGroupMetricName, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/AutoScaling',
    metricName,
    dimensionsMap: { AutoScalingGroupName: autoScalingGroupName },
    statistic: cloudwatch.Stats.AVERAGE,
    period: Duration.minutes(1),
    ...props,
  });
}
