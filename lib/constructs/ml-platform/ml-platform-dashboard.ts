import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Props of {@link MlPlatformDashboard}. */
export interface MlPlatformDashboardProps {
  /**
   * Name of the dashboard, unique in the account: dashboards are global, not regional
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html).
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /** Name of the EKS cluster (Kubernetes 1.28 or later). */
  readonly clusterName: string;
  /** The bucket of MLflow's and Kubeflow Pipelines' artifacts. */
  readonly artifactBucket: s3.IBucket;
  /** Name of the MLflow tracking server. */
  readonly mlflowTrackingServerName: string;
}

const MINUTE = Duration.minutes(1);

/**
 * One of the basic metrics EKS publishes for free, every minute, for clusters of Kubernetes 1.28
 * and later (AWS/EKS, dimension ClusterName, as aws-cdk-lib's generated EKS metrics have it):
 * https://docs.aws.amazon.com/eks/latest/userguide/cloudwatch.html lists each name with its one
 * valid statistic.
 */
function eksMetric(clusterName: string, metricName: string, statistic: 'Sum' | 'Average', label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/EKS', metricName, dimensionsMap: { ClusterName: clusterName }, statistic, period: MINUTE, label });
}

/**
 * One of the daily storage metrics S3 publishes for free (AWS/S3, dimensions BucketName and
 * StorageType: https://docs.aws.amazon.com/AmazonS3/latest/userguide/metrics-dimensions.html).
 */
function bucketStorageMetric(bucket: s3.IBucket, metricName: 'BucketSizeBytes' | 'NumberOfObjects', storageType: string, label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/S3', metricName, dimensionsMap: { BucketName: bucket.bucketName, StorageType: storageType }, statistic: 'Average', period: Duration.days(1), label,
  });
}

/**
 * The ML platform's CloudWatch dashboard, from the health metrics that exist without an add-on:
 * the EKS control plane's (pods waiting for a node, scheduling attempts, API server requests and
 * errors, its p99 latency) and the artifact bucket's size and objects. SageMaker publishes no
 * CloudWatch metrics for MLflow tracking servers (none in
 * https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html): a text widget
 * says how to open its UI instead. Node and pod metrics need the CloudWatch Observability add-on
 * (Container Insights), which the platform does not install.
 */
export class MlPlatformDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MlPlatformDashboardProps) {
    super(scope, id);
    const eks = (metricName: string, statistic: 'Sum' | 'Average', label: string) => eksMetric(props.clusterName, metricName, statistic, label);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Pods waiting to be scheduled (a GPU pool at 0 wakes for them)',
            width: 8,
            left: [
              eks('scheduler_pending_pods', 'Sum', 'Pending'),
              eks('scheduler_pending_pods_UNSCHEDULABLE', 'Sum', 'Unschedulable (waiting for a node)'),
            ],
            leftYAxis: { min: 0, label: 'Pods', showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'Scheduling attempts per minute',
            width: 8,
            left: [
              eks('scheduler_schedule_attempts_SCHEDULED', 'Sum', 'Scheduled'),
              eks('scheduler_schedule_attempts_UNSCHEDULABLE', 'Sum', 'Unschedulable'),
              eks('scheduler_schedule_attempts_ERROR', 'Sum', 'Scheduler error'),
            ],
            leftYAxis: { min: 0, showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'API server requests per minute',
            width: 8,
            left: [
              eks('apiserver_request_total', 'Sum', 'All'),
              eks('apiserver_request_total_4XX', 'Sum', '4XX'),
              eks('apiserver_request_total_429', 'Sum', '429 (throttled)'),
              eks('apiserver_request_total_5XX', 'Sum', '5XX'),
            ],
            leftYAxis: { min: 0, showUnits: false },
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'API server p99 latency (seconds)',
            width: 8,
            left: ['GET', 'LIST', 'POST', 'PUT', 'PATCH', 'DELETE'].map((verb) => eks(`apiserver_request_duration_seconds_${verb}_P99`, 'Average', verb)),
            leftYAxis: { min: 0, label: 'Seconds', showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'Artifacts of MLflow and Kubeflow Pipelines (daily)',
            width: 8,
            left: [bucketStorageMetric(props.artifactBucket, 'BucketSizeBytes', 'StandardStorage', 'Bytes (S3 Standard)')],
            right: [bucketStorageMetric(props.artifactBucket, 'NumberOfObjects', 'AllStorageTypes', 'Objects (right)')],
            leftYAxis: { min: 0, label: 'Bytes' },
            rightYAxis: { min: 0, label: 'Objects', showUnits: false },
          }),
          new cloudwatch.TextWidget({
            width: 8,
            height: 6,
            markdown: [
              '### MLflow',
              `Tracking server \`${props.mlflowTrackingServerName}\`. SageMaker publishes no CloudWatch metrics for MLflow tracking servers; open its UI with:`,
              '',
              `\`aws sagemaker create-presigned-mlflow-tracking-server-url --tracking-server-name ${props.mlflowTrackingServerName}\``,
            ].join('\n'),
          }),
        ],
      ],
    });
  }
}
