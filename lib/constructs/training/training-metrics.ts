import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { INSTANCE_METRICS_NAMESPACE, gpuUtilizationMetric } from '../../gpu/gpu-metrics';

/**
 * The metric a training job's launcher publishes (value 1, `AI/Custom`, dimension
 * `AutoScalingGroupName` of the training cluster) every minute while the job's container runs,
 * from its start (image pull, data download) to its end. The constructs render the name into the
 * launcher's config, so the publisher and the idle alarm agree.
 */
export const TRAINING_HEARTBEAT_METRIC_NAME = 'TrainingJobHeartbeat';

/** Added to the GPU utilization while a job beats: above any idle threshold (0-100 %). */
const HEARTBEAT_WEIGHT_PERCENT = 100;

/** The heartbeat of the training jobs running on the capacity that reports under `autoScalingGroupName`. */
export function trainingHeartbeatMetric(autoScalingGroupName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: INSTANCE_METRICS_NAMESPACE,
    metricName: TRAINING_HEARTBEAT_METRIC_NAME,
    dimensionsMap: { AutoScalingGroupName: autoScalingGroupName },
    statistic: cloudwatch.Stats.MAXIMUM,
    period: Duration.minutes(1),
    ...props,
  });
}

/**
 * How busy the training capacity reporting under `autoScalingGroupName` is, in percent: its
 * average GPU utilization, plus 100 while a job's heartbeat is published. In metric math
 * arithmetic "missing values in a time series are treated as 0"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html#metric-math-syntax-arithmetic),
 * so a minute with GPU data and no heartbeat is the GPU utilization alone, a minute with a
 * heartbeat is at least 100 (a job loading data with idle GPUs is busy), and a minute with
 * neither has no datapoint (no instance reports). An alarm below a threshold of 0-100 on it
 * fires only when no job runs and the GPUs idle.
 */
export function trainingBusyMetric(autoScalingGroupName: string, period: Duration = Duration.minutes(1)): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `gpu + ${HEARTBEAT_WEIGHT_PERCENT} * heartbeat`,
    usingMetrics: {
      gpu: gpuUtilizationMetric(autoScalingGroupName, { period }),
      heartbeat: trainingHeartbeatMetric(autoScalingGroupName, { period }),
    },
    label: 'Training busy (GPU %, +100 while a job beats)',
    period,
  });
}
