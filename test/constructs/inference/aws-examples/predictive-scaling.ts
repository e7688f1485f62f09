/**
 * Predictive scaling configurations exactly as AWS documents them ("Advanced predictive scaling
 * policy configurations using custom metrics", Amazon EC2 Auto Scaling User Guide,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/predictive-scaling-customized-metric-specification.html),
 * in the API's Pascal case.
 */

/** "Example predictive scaling policy that combines metrics using metric math": the SQS backlog per instance. */
export const SQS_METRIC_MATH_EXAMPLE = {
  MetricSpecifications: [{
    TargetValue: 100,
    CustomizedScalingMetricSpecification: {
      MetricDataQueries: [
        {
          Label: 'Get the queue size (the number of messages waiting to be processed)',
          Id: 'queue_size',
          MetricStat: {
            Metric: { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Dimensions: [{ Name: 'QueueName', Value: 'my-queue' }] },
            Stat: 'Sum',
          },
          ReturnData: false,
        },
        {
          Label: 'Get the group size (the number of running instances)',
          Id: 'running_capacity',
          MetricStat: {
            Metric: { MetricName: 'GroupInServiceInstances', Namespace: 'AWS/AutoScaling', Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'my-asg' }] },
            Stat: 'Sum',
          },
          ReturnData: false,
        },
        { Label: 'Calculate the backlog per instance', Id: 'scaling_metric', Expression: 'queue_size / running_capacity', ReturnData: true },
      ],
    },
    CustomizedLoadMetricSpecification: {
      MetricDataQueries: [{
        Id: 'load_metric',
        MetricStat: {
          Metric: { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Dimensions: [{ Name: 'QueueName', Value: 'my-queue' }] },
          Stat: 'Sum',
        },
        ReturnData: true,
      }],
    },
  }],
};

/** "Example predictive scaling policy to use in a blue/green deployment scenario": search expressions, a capacity metric. */
export const BLUE_GREEN_EXAMPLE = {
  MetricSpecifications: [{
    TargetValue: 25,
    CustomizedScalingMetricSpecification: {
      MetricDataQueries: [
        { Id: 'load_sum', Expression: 'SUM(SEARCH(\'{AWS/EC2,AutoScalingGroupName} MetricName="CPUUtilization" ASG-myapp\', \'Sum\', 300))', ReturnData: false },
        { Id: 'capacity_sum', Expression: 'SUM(SEARCH(\'{AWS/AutoScaling,AutoScalingGroupName} MetricName="GroupInServiceInstances" ASG-myapp\', \'Average\', 300))', ReturnData: false },
        { Id: 'weighted_average', Expression: 'load_sum / capacity_sum', ReturnData: true },
      ],
    },
    CustomizedLoadMetricSpecification: {
      MetricDataQueries: [{ Id: 'load_sum', Expression: 'SUM(SEARCH(\'{AWS/EC2,AutoScalingGroupName} MetricName="CPUUtilization" ASG-myapp\', \'Sum\', 3600))' }],
    },
    CustomizedCapacityMetricSpecification: {
      MetricDataQueries: [{ Id: 'capacity_sum', Expression: 'SUM(SEARCH(\'{AWS/AutoScaling,AutoScalingGroupName} MetricName="GroupInServiceInstances" ASG-myapp\', \'Average\', 300))' }],
    },
  }],
};

/** "Example 3: A predictive scaling policy that can scale higher than maximum capacity". */
export const INCREASE_MAX_CAPACITY_EXAMPLE = {
  MetricSpecifications: [{ TargetValue: 70, PredefinedMetricPairSpecification: { PredefinedMetricType: 'ASGCPUUtilization' } }],
  MaxCapacityBreachBehavior: 'IncreaseMaxCapacity',
  MaxCapacityBuffer: 10,
};

/** The API's Pascal case as the L1's camel case (`MetricDataQueries` -> `metricDataQueries`), values kept. */
export function camelCase<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => camelCase(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), camelCase(v)])) as T;
  }
  return value as T;
}
