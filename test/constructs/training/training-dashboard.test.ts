import { CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { IdleShutdown } from '../../../lib/constructs/training/idle-shutdown';
import { SpotTrainingFleet } from '../../../lib/constructs/training/spot-training-fleet';
import { TrainingDashboard } from '../../../lib/constructs/training/training-dashboard';
import { INSTANCE_METRICS_NAMESPACE } from '../../../lib/gpu/gpu-metrics';
import {
  documentedWidgets, logicalIdOf, metricCount, renderDashboard, titlesAsDocumented, widgetTitled,
} from '../../helpers/dashboard';
import { stackWithCluster } from './fixtures';

function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}

const TITLES = [
  'Training instances: cluster and spot fleet', 'GPU utilization (%): cluster and spot fleet',
  'Training job heartbeat: nodes running a job', 'Idle shutdown: busy (GPU %, +100 while a job beats) vs the idle threshold',
  'Idle shutdowns: runs, errors, dead letters',
];

describe('TrainingDashboard', () => {
  const { stack, cluster } = stackWithCluster();
  const spotFleet = new SpotTrainingFleet(stack, 'SpotFleet', { cluster, instanceTypes: ['g5.12xlarge'] });
  const idleShutdown = new IdleShutdown(stack, 'IdleShutdown', {
    cluster, spotFleet, gpuUtilizationThresholdPercent: 10, idleDuration: Duration.minutes(30), logRetention: RetentionDays.ONE_WEEK,
  });
  new TrainingDashboard(stack, 'Dashboard', { cluster, idleShutdown, dashboardName: 'training' });
  const template = Template.fromStack(stack);
  const dashboard = renderDashboard(template);
  const group = logicalId(cluster.autoScalingGroup);

  test('docs/dashboards.md lists its widgets in order', () => {
    const documented = documentedWidgets('Training');
    expect(titlesAsDocumented(dashboard, documented)).toEqual(documented);
  });

  test('renders its widgets in order, under the given name: capacity and GPUs, then the heartbeat and the idle shutdown', () => {
    expect(dashboard.name).toBe('training');
    expect(dashboard.widgets.map((w) => [w.title, w.x, w.y, w.width])).toEqual([
      [TITLES[0], 0, 0, 12], [TITLES[1], 12, 0, 12], [TITLES[2], 0, 6, 8], [TITLES[3], 8, 6, 8], [TITLES[4], 16, 6, 8],
    ]);
  });

  test('instances: the cluster group\'s desired and InService nodes, the GPU instances reporting under its name, and the spot fleet\'s share of them', () => {
    const widget = widgetTitled(dashboard, TITLES[0]);
    expect(widget.metrics.map((m) => m.expression ?? [m.namespace, m.metricName, m.dimensions, m.stat, m.options.id])).toEqual([
      ['AWS/AutoScaling', 'GroupDesiredCapacity', { AutoScalingGroupName: group }, 'Average', undefined],
      ['AWS/AutoScaling', 'GroupInServiceInstances', { AutoScalingGroupName: group }, 'Average', 'inService'],
      [INSTANCE_METRICS_NAMESPACE, 'GPUUtilization', { AutoScalingGroupName: group }, 'SampleCount', 'reporting'],
      'IF(reporting > inService, reporting - inService, 0)',
    ]);
  });

  test('the cluster group collects the group metrics the dashboard reads', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MetricsCollection: [{ Granularity: '1Minute', Metrics: ['GroupDesiredCapacity', 'GroupInServiceInstances'] }],
    });
  });

  test('GPU utilization is the cluster\'s average, 0-100 %', () => {
    const widget = widgetTitled(dashboard, TITLES[1]);
    expect(widget.metrics.map((m) => [m.metricName, m.dimensions, m.stat])).toEqual([['GPUUtilization', { AutoScalingGroupName: group }, 'Average']]);
    expect(widget.properties.yAxis).toEqual({ left: expect.objectContaining({ min: 0, max: 100 }) });
  });

  test('the heartbeat counts the nodes publishing TrainingJobHeartbeat under the cluster\'s name', () => {
    const widget = widgetTitled(dashboard, TITLES[2]);
    expect(widget.metrics.map((m) => [m.namespace, m.metricName, m.dimensions, m.stat])).toEqual([
      [INSTANCE_METRICS_NAMESPACE, 'TrainingJobHeartbeat', { AutoScalingGroupName: group }, 'SampleCount'],
    ]);
  });

  test('the idle shutdown widget is the idle alarm itself', () => {
    const widget = widgetTitled(dashboard, TITLES[3]);
    expect((widget.properties.annotations as { alarms: string[] }).alarms.map(logicalIdOf)).toEqual([logicalId(idleShutdown.alarm)]);
  });

  test('idle shutdowns: the Lambda\'s invocations and errors, its dead-letter queue', () => {
    const rows = widgetTitled(dashboard, TITLES[4]).metrics;
    expect(rows.map((m) => [m.metricName, Object.values(m.dimensions).map(logicalIdOf)])).toEqual([
      ['Invocations', [logicalId(idleShutdown.function)]],
      ['Errors', [logicalId(idleShutdown.function)]],
      ['ApproximateNumberOfMessagesVisible', [logicalId(idleShutdown.deadLetterQueue)]],
    ]);
  });

  test('holds fewer than 50 metrics: the free tier\'s bound per dashboard', () => {
    expect(metricCount(dashboard)).toBeLessThan(50);
  });
});
