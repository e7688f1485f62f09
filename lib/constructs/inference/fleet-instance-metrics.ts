import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { INSTANCE_METRICS_NAMESPACE } from '../../gpu/gpu-metrics';
import { JOB_METRICS_DIMENSION, JobTimeMetric } from '../../runtime/inference/agent/job-metrics';
import { BOOT_PHASE_METRIC_NAME, BootPhase } from './boot-time';

/**
 * How long one phase of the boots of the group's instances took (seconds), as boot.sh publishes
 * it once per boot: averaged over an hour by default, since boots are rare.
 */
export function bootPhaseMetric(autoScalingGroupName: string, phase: BootPhase, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: INSTANCE_METRICS_NAMESPACE,
    metricName: BOOT_PHASE_METRIC_NAME,
    dimensionsMap: { AutoScalingGroupName: autoScalingGroupName, Phase: phase },
    statistic: cloudwatch.Stats.AVERAGE,
    period: Duration.hours(1),
    label: phase,
    ...props,
  });
}

/**
 * One of the job latency metrics the queue agents of the group's instances publish with each job
 * they run to a result (milliseconds; see job-metrics.ts): its 90th percentile over a minute by
 * default. CloudWatch has percentiles of a custom metric published as raw, unsummarized values,
 * as the agent's are (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html).
 */
export function jobTimeMetric(autoScalingGroupName: string, metric: JobTimeMetric, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: INSTANCE_METRICS_NAMESPACE,
    metricName: metric,
    dimensionsMap: { [JOB_METRICS_DIMENSION]: autoScalingGroupName },
    statistic: cloudwatch.Stats.p(90),
    period: Duration.minutes(1),
    ...props,
  });
}
