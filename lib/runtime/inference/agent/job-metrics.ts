/**
 * The job latency metrics the agent publishes for every job it runs to a result, named after
 * SageMaker Asynchronous Inference's own (the contract the fleet follows), in milliseconds
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-monitor.html):
 * - TimeInBacklog: from the job's submission (its envelope's `submittedAt`, the submitter's
 *   clock) until the agent invokes the model, retries included;
 * - ModelLatency: the invocation, from the POST to `/invocations` until its response is read;
 * - TotalProcessingTime: from the submission until the result is written and announced.
 */
export const JOB_TIME_METRICS = ['TimeInBacklog', 'ModelLatency', 'TotalProcessingTime'] as const;

/** One of the job latency metrics. */
export type JobTimeMetric = (typeof JOB_TIME_METRICS)[number];

/** The dimension of every job metric: the instance's Auto Scaling group, as the GPU metrics have it. */
export const JOB_METRICS_DIMENSION = 'AutoScalingGroupName';

/** When a job the agent ran was submitted, invoked and answered. */
export interface JobTiming {
  /** The envelope's `submittedAt` (ISO 8601). */
  readonly submittedAt: string;
  /** When the agent POSTed the job to the model (epoch ms). */
  readonly invokedAt: number;
  /** How long the model took to answer (ms). */
  readonly durationMs: number;
}

/**
 * The fields that make a log line an embedded metric format document with the job's latency
 * metrics: the `_aws` metadata (timestamp, namespace, dimension set, one definition per metric)
 * and, on the root, the dimension's value and each metric's value
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 * CloudWatch Logs extracts the metrics from the log event: the instance's CloudWatch agent ships
 * the agent's log, and sends a log stream whose event is a JSON object holding "CloudWatchMetrics"
 * with the `x-amzn-logs-format: json/emf` header (amazon-cloudwatch-agent,
 * plugins/outputs/cloudwatchlogs/cloudwatchlogs.go, cwDest.Publish). Publishing needs no
 * cloudwatch:PutMetricData, only the log group's write grant the instances already have.
 */
export function jobMetricFields(namespace: string, autoScalingGroupName: string, timing: JobTiming, now: number): Record<string, unknown> {
  const submitted = Date.parse(timing.submittedAt);
  const values: Record<JobTimeMetric, number> = {
    TimeInBacklog: timing.invokedAt - submitted,
    ModelLatency: timing.durationMs,
    TotalProcessingTime: now - submitted,
  };
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{
        Namespace: namespace,
        Dimensions: [[JOB_METRICS_DIMENSION]],
        Metrics: JOB_TIME_METRICS.map((name) => ({ Name: name, Unit: 'Milliseconds' })),
      }],
    },
    [JOB_METRICS_DIMENSION]: autoScalingGroupName,
    ...values,
  };
}
