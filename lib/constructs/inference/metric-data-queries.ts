import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * One query of a scaling policy's metric math, in the shape shared by target tracking's
 * `CustomizedMetricSpecification.Metrics` and predictive scaling's `MetricDataQueries`
 * (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_MetricDataQuery.html).
 */
export interface MetricDataQuery {
  readonly id: string;
  readonly label?: string;
  readonly expression?: string;
  readonly metricStat?: {
    readonly metric: { readonly namespace: string; readonly metricName: string; readonly dimensions?: { name: string; value: string }[] };
    readonly stat: string;
  };
  readonly returnData: boolean;
}

/**
 * The queries that compute `metric`, rendered from the CloudWatch metric or math expression a
 * construct defines once (its `metricXxx()` method): each metric an expression uses becomes a
 * query under its name in `usingMetrics` with `ReturnData: false`, and the metric itself the one
 * query `id` returning data, since a scaling policy's metric must return a single time series.
 * The period is not rendered: scaling policies read their metrics at their own period.
 */
export function metricDataQueries(metric: cloudwatch.IMetric, id: string): MetricDataQuery[] {
  return queriesOf(metric, id, true);
}

function queriesOf(metric: cloudwatch.IMetric, id: string, returnData: boolean): MetricDataQuery[] {
  const config = metric.toMetricConfig();
  const label = metric instanceof cloudwatch.Metric || metric instanceof cloudwatch.MathExpression ? metric.label : undefined;
  if (config.mathExpression) {
    const { expression, usingMetrics } = config.mathExpression;
    return [
      ...Object.entries(usingMetrics).flatMap(([name, used]) => queriesOf(used, name, false)),
      { id, label, expression, returnData },
    ];
  }
  const stat = config.metricStat;
  if (!stat) throw new Error(`metric "${id}" is neither a CloudWatch metric nor a math expression`);
  return [{
    id,
    label,
    returnData,
    metricStat: {
      metric: {
        namespace: stat.namespace,
        metricName: stat.metricName,
        dimensions: stat.dimensions?.map((d) => ({ name: d.name, value: String(d.value) })),
      },
      stat: stat.statistic,
    },
  }];
}
