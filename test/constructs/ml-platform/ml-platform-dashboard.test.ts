import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MlPlatformDashboard } from '../../../lib/constructs/ml-platform/ml-platform-dashboard';
import {
  documentedWidgets, metricCount, renderDashboard, titlesAsDocumented, widgetTitled,
} from '../../helpers/dashboard';

const TITLES = [
  'Pods waiting to be scheduled (a GPU pool at 0 wakes for them)', 'Scheduling attempts per minute', 'API server requests per minute',
  'API server p99 latency (seconds)', 'Artifacts of MLflow and Kubeflow Pipelines (daily)', undefined,
];

describe('MlPlatformDashboard', () => {
  const stack = new Stack(new App(), 'Test');
  const bucket = new s3.Bucket(stack, 'Artifacts');
  new MlPlatformDashboard(stack, 'Dashboard', { clusterName: 'ml', artifactBucket: bucket, mlflowTrackingServerName: 'tracking', dashboardName: 'platform' });
  const dashboard = renderDashboard(Template.fromStack(stack));
  const eksRows = (title: string) => widgetTitled(dashboard, title).metrics.map((m) => [m.namespace, m.metricName, m.dimensions, m.stat]);

  test('docs/dashboards.md lists its widgets in order', () => {
    const documented = documentedWidgets('ML platform');
    expect(titlesAsDocumented(dashboard, documented)).toEqual(documented);
  });

  test('renders its widgets in order, under the given name: scheduling and the API server, then latency, artifacts and MLflow', () => {
    expect(dashboard.name).toBe('platform');
    expect(dashboard.widgets.map((w) => [w.type, w.title, w.x, w.y])).toEqual([
      ['metric', TITLES[0], 0, 0], ['metric', TITLES[1], 8, 0], ['metric', TITLES[2], 16, 0],
      ['metric', TITLES[3], 0, 6], ['metric', TITLES[4], 8, 6], ['text', TITLES[5], 16, 6],
    ]);
  });

  test('pending pods: EKS\'s scheduler metrics of the cluster, summed as documented', () => {
    expect(eksRows(TITLES[0] as string)).toEqual([
      ['AWS/EKS', 'scheduler_pending_pods', { ClusterName: 'ml' }, 'Sum'],
      ['AWS/EKS', 'scheduler_pending_pods_UNSCHEDULABLE', { ClusterName: 'ml' }, 'Sum'],
    ]);
  });

  test('scheduling attempts: scheduled, unschedulable, errors', () => {
    expect(eksRows(TITLES[1] as string).map((row) => row[1])).toEqual([
      'scheduler_schedule_attempts_SCHEDULED', 'scheduler_schedule_attempts_UNSCHEDULABLE', 'scheduler_schedule_attempts_ERROR',
    ]);
  });

  test('API server requests: all, 4XX, 429, 5XX, summed', () => {
    expect(eksRows(TITLES[2] as string).map((row) => [row[1], row[3]])).toEqual([
      ['apiserver_request_total', 'Sum'], ['apiserver_request_total_4XX', 'Sum'], ['apiserver_request_total_429', 'Sum'], ['apiserver_request_total_5XX', 'Sum'],
    ]);
  });

  test('API server latency: the p99 of each verb, averaged as documented', () => {
    expect(eksRows(TITLES[3] as string).map((row) => [row[1], row[3]])).toEqual(['GET', 'LIST', 'POST', 'PUT', 'PATCH', 'DELETE'].map((verb) => [`apiserver_request_duration_seconds_${verb}_P99`, 'Average']));
  });

  test('artifacts: the bucket\'s daily size in S3 Standard and its objects', () => {
    const bucketName = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as never);
    expect(widgetTitled(dashboard, TITLES[4] as string).metrics.map((m) => [m.namespace, m.metricName, m.dimensions, m.options.period])).toEqual([
      ['AWS/S3', 'BucketSizeBytes', { BucketName: bucketName, StorageType: 'StandardStorage' }, 86400],
      ['AWS/S3', 'NumberOfObjects', { BucketName: bucketName, StorageType: 'AllStorageTypes' }, 86400],
    ]);
  });

  test('MLflow: how to open the tracking server\'s UI', () => {
    expect(dashboard.widgets[5].properties.markdown).toContain('aws sagemaker create-presigned-mlflow-tracking-server-url --tracking-server-name tracking');
  });

  test('holds fewer than 50 metrics: the free tier\'s bound per dashboard', () => {
    expect(metricCount(dashboard)).toBeLessThan(50);
  });
});
