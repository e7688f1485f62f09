/**
 * The AWS documentation each modelled behaviour follows. Every number in lib/foresight cites
 * one of these beside it; docs/foresight.md lists them with the behaviour.
 */
export const AWS_DOCS = {
  /** SQS publishes its queue metrics to CloudWatch at one-minute intervals, only while the queue is active. */
  sqsMetrics: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html',
  /**
   * A queue is active for up to six hours if it contains any messages or any action accesses it;
   * "A delay of up to 15 minutes occurs in CloudWatch metrics when a queue is activated from an
   * inactive state".
   */
  sqsMonitoring: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-monitoring-using-cloudwatch.html',
  /** Period, evaluation periods and datapoints to alarm (M of N); alarm states. */
  alarmEvaluation: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html',
  /** breaching / notBreaching / ignore / missing, and "How alarm state is evaluated when data is missing" (the evaluation range and its table of cases). */
  alarmMissingData: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html',
  /** Auto Scaling actions are invoked once per minute while the alarm stays in ALARM. */
  alarmActions: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html',
  /** Metric math expressions, IF, FILL and the arithmetic operators. */
  metricMath: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html',
  /** Target tracking: AWS-managed alarms, proportional scale-out, conservative scale-in. */
  targetTracking: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html',
  /** Target tracking on metrics with a period below 60 s (10, 30 s). */
  targetTrackingHighResolution: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/policy-creating-high-resolution-metrics.html',
  /** Step scaling: step bounds (inclusive on the threshold side), percent rounding, MinAdjustmentMagnitude, warming capacity left out of scale-out, terminating capacity counted in scale-in. */
  stepScaling: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html',
  /** Default instance warmup: warming instances are not in AWS's aggregated instance metrics (a custom metric the instances publish is not filtered), count as capacity, block scale-in. */
  defaultInstanceWarmup: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html',
  /** EC2's CPUUtilization (AWS/EC2), by the AutoScalingGroupName dimension; one datapoint a minute with detailed monitoring. */
  ec2Metrics: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html',
  /** Simple scaling waits for the cooldown after any scaling activity. */
  cooldown: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scaling-cooldowns.html',
  /** Scheduled actions: 5-field cron in an IANA time zone (UTC by default). */
  scheduledActions: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html',
  /** Instance scale-in protection: desired capacity drops, protected instances stay until unprotected. */
  scaleInProtection: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-instance-protection.html',
  /** Lifecycle hooks: the instance waits in Pending:Wait; the default result applies at the heartbeat timeout; global timeout min(48 h, 100 x heartbeat timeout); ABANDON terminates and replaces. */
  lifecycleHooks: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html',
  /** RecordLifecycleActionHeartbeat restarts the timeout period (one-hour timeout, heartbeat at 30 min: 90 minutes in all). */
  completingLifecycleHooks: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/completing-lifecycle-hooks.html',
  /** Spot interruption notice: two minutes before the instance is stopped or terminated. */
  spotInterruptionNotice: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html',
  /** Interruption frequency buckets (<5 %, 5-10 %, ...) per month, per instance type and Region. */
  spotInstanceAdvisor: 'https://aws.amazon.com/ec2/spot/instance-advisor/',
  /** Several policies at once: the one giving the largest capacity wins, for scale-out and scale-in. */
  multiplePolicies: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scale-based-on-demand.html#multiple-scaling-policy-resolution',
  /** Capacity rebalancing: a replacement launches when a spot instance is at elevated risk of interruption. */
  capacityRebalancing: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-capacity-rebalancing.html',
  /**
   * How predictive scaling works: at least 24 hours of data, up to 14 days analysed, an hourly
   * forecast for 48 hours updated every 6 hours; ForecastAndScale scales out at the start of each
   * hour (SchedulingBufferTime earlier) and never scales in: dynamic policies remove capacity.
   */
  predictiveScaling: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/predictive-scaling-policy-overview.html',
  /**
   * PredictiveScalingConfiguration: Mode (default ForecastOnly), SchedulingBufferTime (default
   * 300 s; "the forecast says to add capacity at 10:00 AM [...] pre-launch instances by 5 minutes
   * [...] launched at 9:55 AM"), MaxCapacityBreachBehavior (default HonorMaxCapacity) and
   * MaxCapacityBuffer ("forecast capacity is 50, and the maximum capacity is 40, then the
   * effective maximum capacity is 55"; 0: up to the forecast).
   */
  predictiveScalingConfiguration: 'https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingConfiguration.html',
  /** Customized predictive metrics: the load metric as a Sum, the scaling metric inversely proportional to capacity. */
  predictiveScalingCustomMetrics: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/predictive-scaling-customized-metric-specification.html',
  /**
   * The CloudWatch agent's NVIDIA GPU metrics (boot.sh publishes `utilization_gpu` as
   * GPUUtilization): NVML's utilization.gpu, "Percent of time over the past sample period during
   * which one or more kernels was executing on the GPU" (nvmlUtilization below).
   */
  cloudWatchAgentGpu: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-NVIDIA-GPU.html',
  /** NVIDIA's definition of GPU utilization (not an AWS page: the driver's, which the agent reads). */
  nvmlUtilization: 'https://docs.nvidia.com/deploy/nvml-api/structnvmlUtilization__t.html',
  /** G5 (NVIDIA A10G): "up to 3x better performance for [...] machine learning inference [...] compared to Amazon EC2 G4dn instances". */
  g5: 'https://aws.amazon.com/ec2/instance-types/g5/',
  /** G6 (NVIDIA L4): "up to 2x higher performance for deep learning inference [...] compared to EC2 G4dn instances". */
  g6: 'https://aws.amazon.com/ec2/instance-types/g6/',
  /** G4dn (NVIDIA T4): the reference the G5 and G6 figures are relative to. */
  g4dn: 'https://aws.amazon.com/ec2/instance-types/g4/',
  /** Mixed instances: on-demand base, percentage above base, allocation strategies. */
  mixedInstances: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/allocation-strategies.html',
  /** Savings Plans: a commitment to a consistent amount of usage in USD per hour for 1 or 3 years, for a lower price of that usage. */
  savingsPlans: 'https://docs.aws.amazon.com/savingsplans/latest/userguide/what-is-savings-plans.html',
  /** Compute Savings Plans apply to EC2 instance usage whatever the family, size, AZ, Region, OS or tenancy; SageMaker AI Savings Plans to SageMaker instance usage. */
  savingsPlanTypes: 'https://docs.aws.amazon.com/savingsplans/latest/userguide/plan-types.html',
  /**
   * How a commitment applies each hour: to the usage with the highest savings percentage first
   * (equal percentages: the lower Savings Plans rate first) until the commitment is used up, the
   * rest at On-Demand rates; each hour's commitment is used within that hour only. The page's
   * worked example (4 x r5.4xlarge, Fargate, m5.24xlarge, Lambda) is a test.
   */
  savingsPlansApplying: 'https://docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html',
  /** The hourly commitment is stated at the Savings Plans rate, not as On-Demand spend. */
  savingsPlansPurchase: 'https://docs.aws.amazon.com/savingsplans/latest/userguide/purchase-sp-direct.html',
  /** CreateSavingsPlan: the hourly commitment is between 0.001 and 1 million, with at most five digits after the decimal point. */
  createSavingsPlan: 'https://docs.aws.amazon.com/savingsplans/latest/APIReference/API_CreateSavingsPlan.html',
} as const;
