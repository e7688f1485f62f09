import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * CloudWatch namespace of the metrics GPU instances publish (`GPUUtilization`, ...). The
 * constructs render it into the instance scripts, so the publisher and every alarm agree.
 */
export const INSTANCE_METRICS_NAMESPACE = 'AI/Custom';

/** Average GPU utilization (percent) of the instances of one Auto Scaling group, as the instances publish it. */
export function gpuUtilizationMetric(autoScalingGroupName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: INSTANCE_METRICS_NAMESPACE,
    metricName: 'GPUUtilization',
    dimensionsMap: { AutoScalingGroupName: autoScalingGroupName },
    statistic: cloudwatch.Stats.AVERAGE,
    period: Duration.minutes(1),
    ...props,
  });
}

/**
 * Average CPU utilization (percent) of the instances of one Auto Scaling group, as EC2 publishes it:
 * `AWS/EC2` `CPUUtilization` with the `AutoScalingGroupName` dimension, one datapoint a minute with
 * detailed monitoring (the fleets' launch templates turn it on)
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html). An
 * instance adds its usage to this aggregate only once it is InService and past the group's default
 * instance warmup (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html).
 */
export function cpuUtilizationMetric(autoScalingGroupName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    dimensionsMap: { AutoScalingGroupName: autoScalingGroupName },
    statistic: cloudwatch.Stats.AVERAGE,
    period: Duration.minutes(1),
    ...props,
  });
}

/** Lets instances publish to the instance metrics namespace only: PutMetricData has no resource-level permissions. */
export const PUT_INSTANCE_METRICS_CONDITION = { StringEquals: { 'cloudwatch:namespace': INSTANCE_METRICS_NAMESPACE } };
