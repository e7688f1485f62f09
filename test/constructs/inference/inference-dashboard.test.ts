import { CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { BOOT_PHASES } from '../../../lib/constructs/inference/boot-time';
import { INSTANCE_METRICS_NAMESPACE } from '../../../lib/gpu/gpu-metrics';
import { JOB_TIME_METRICS } from '../../../lib/runtime/inference/agent/job-metrics';
import {
  documentedWidgets, logicalIdOf, metricCount, renderDashboards, RenderedDashboard, titlesAsDocumented, visibleMetrics, widgetTitled,
} from '../../helpers/dashboard';
import { EXAMPLE_STACK, resolve } from '../../helpers/fake-cloudformation';
import { service, serviceResources, settings } from './fixtures';

/** The logical id of the L1 behind `construct`. */
function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}

const TITLES = [
  'Jobs waiting and in flight', 'Backlog per instance', 'Oldest job\'s age (seconds)',
  'Instances: desired vs InService', 'Job latency (seconds)',
  'Jobs per minute: sent, run, failed', 'GPU utilization (%)', 'Alarms',
  'Boot phases: average seconds per boot over the time range',
];

// One synthesis for every test: a service that tracks its backlog, and one on the seed's step policy.
const resources = serviceResources();
const svc = service(resources, 'Llama', { dashboardName: 'llama-dashboard' });
svc.addOutputs();
const stepper = service(resources, 'Stepper', { ...settings({ scaling: { ...settings().scaling, mode: 'step', acceptableLatency: Duration.minutes(5) } }) });
const template = Template.fromStack(resources.stack);
const dashboards = renderDashboards(template);

describe('InferenceDashboard of a service that tracks its backlog', () => {
  const dashboard: RenderedDashboard = dashboards[logicalId(svc.dashboard.dashboard)];

  test('docs/dashboards.md lists its widgets in order', () => {
    const documented = documentedWidgets('Inference service');
    expect(titlesAsDocumented(dashboard, documented)).toEqual(documented);
  });
  const queue = logicalId(svc.jobs.queue);
  const group = logicalId(svc.fleet.autoScalingGroup);

  test('is one dashboard per service, this one with the given name', () => {
    expect(Object.keys(dashboards).sort()).toEqual([logicalId(svc.dashboard.dashboard), logicalId(stepper.dashboard.dashboard)].sort());
    expect(dashboard.name).toBe('llama-dashboard');
  });

  test('renders its widgets in order: queue, fleet and latency, throughput, GPUs and alarms, boot phases', () => {
    expect(dashboard.widgets.map((w) => w.title)).toEqual(TITLES);
    expect(dashboard.widgets.map((w) => [w.x, w.y, w.width])).toEqual([
      [0, 0, 8], [8, 0, 8], [16, 0, 8], [0, 6, 12], [12, 6, 12], [0, 12, 8], [8, 12, 8], [16, 12, 8], [0, 18, 24],
    ]);
  });

  test('jobs waiting and in flight are the service\'s queue, dead letters its dead-letter queue on the right axis', () => {
    const rows = widgetTitled(dashboard, TITLES[0]).metrics;
    expect(rows.map((m) => [m.metricName, logicalIdOf(m.dimensions.QueueName), m.stat, m.options.yAxis])).toEqual([
      ['ApproximateNumberOfMessagesVisible', queue, 'Maximum', undefined],
      ['ApproximateNumberOfMessagesNotVisible', queue, 'Maximum', undefined],
      ['ApproximateNumberOfMessagesVisible', logicalId(svc.jobs.deadLetterQueue), 'Maximum', 'right'],
    ]);
  });

  test('the backlog per instance divides the queue\'s visible jobs by the fleet\'s InService instances, against the target of 12', () => {
    const widget = widgetTitled(dashboard, TITLES[1]);
    expect(visibleMetrics(widget).map((m) => m.expression)).toEqual(['visible / inService']);
    const inputs = widget.metrics.filter((m) => m.options.visible === false);
    expect(inputs.map((m) => [m.options.id, m.metricName, Object.values(m.dimensions).map(logicalIdOf)])).toEqual([
      ['visible', 'ApproximateNumberOfMessagesVisible', [queue]],
      ['inService', 'GroupInServiceInstances', [group]],
    ]);
    expect(widget.properties.annotations).toEqual({ horizontal: [expect.objectContaining({ value: 12 })] });
  });

  test('the oldest job\'s age carries its alarm\'s threshold, 15 minutes', () => {
    const widget = widgetTitled(dashboard, TITLES[2]);
    expect(widget.metrics.map((m) => [m.metricName, logicalIdOf(m.dimensions.QueueName)])).toEqual([['ApproximateAgeOfOldestMessage', queue]]);
    expect(widget.properties.annotations).toEqual({ horizontal: [expect.objectContaining({ value: 900 })] });
  });

  test('instances: desired, InService, booting and the min and max size of the fleet\'s group', () => {
    const rows = widgetTitled(dashboard, TITLES[3]).metrics;
    expect(rows.map((m) => [m.namespace, m.metricName, m.dimensions])).toEqual(
      ['GroupDesiredCapacity', 'GroupInServiceInstances', 'GroupPendingInstances', 'GroupMinSize', 'GroupMaxSize']
        .map((name) => ['AWS/AutoScaling', name, { AutoScalingGroupName: group }]),
    );
  });

  test('job latency reads the metrics the queue agent publishes, under the fleet\'s group, in seconds, against the acceptable wait', () => {
    const widget = widgetTitled(dashboard, TITLES[4]);
    const inputs = widget.metrics.filter((m) => m.options.visible === false);
    expect(inputs.map((m) => [m.namespace, m.metricName, m.dimensions, m.stat])).toEqual([
      [INSTANCE_METRICS_NAMESPACE, 'TotalProcessingTime', { AutoScalingGroupName: group }, 'p50'],
      [INSTANCE_METRICS_NAMESPACE, 'TotalProcessingTime', { AutoScalingGroupName: group }, 'p90'],
      [INSTANCE_METRICS_NAMESPACE, 'TimeInBacklog', { AutoScalingGroupName: group }, 'p90'],
      [INSTANCE_METRICS_NAMESPACE, 'ModelLatency', { AutoScalingGroupName: group }, 'p90'],
    ]);
    expect(new Set(inputs.map((m) => m.metricName))).toEqual(new Set(JOB_TIME_METRICS));
    expect(visibleMetrics(widget).map((m) => m.expression)).toEqual(inputs.map((m) => `${m.options.id} / 1000`));
    expect(widget.properties.annotations).toEqual({ horizontal: [expect.objectContaining({ value: 120 })] });
  });

  test('jobs per minute: sent to the queue, run to a result by the agents, failed on the error topic', () => {
    const rows = widgetTitled(dashboard, TITLES[5]).metrics;
    expect(rows.map((m) => [m.metricName, Object.values(m.dimensions).map(logicalIdOf), m.stat])).toEqual([
      ['NumberOfMessagesSent', [queue], 'Sum'],
      ['TotalProcessingTime', [group], 'SampleCount'],
      ['NumberOfMessagesPublished', [logicalId(svc.results.errorTopic)], 'Sum'],
    ]);
  });

  test('GPU utilization is the fleet\'s, 0-100 %', () => {
    const widget = widgetTitled(dashboard, TITLES[6]);
    expect(widget.metrics.map((m) => [m.namespace, m.metricName, m.dimensions])).toEqual([[INSTANCE_METRICS_NAMESPACE, 'GPUUtilization', { AutoScalingGroupName: group }]]);
    expect(widget.properties.yAxis).toEqual({ left: expect.objectContaining({ min: 0, max: 100 }) });
  });

  test('the alarm widget shows every alarm of the service and nothing else', () => {
    const widget = widgetTitled(dashboard, TITLES[7]);
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).filter((id) => id.startsWith('Llama'));
    expect(widget.type).toBe('alarm');
    expect((widget.properties.alarms as string[]).map(logicalIdOf).sort()).toEqual(alarms.sort());
    expect(alarms.map((id) => id.replace(/[A-F0-9]{8}$/, '')).sort()).toEqual([
      'LlamaGpuUtilizationLowUtilization', 'LlamaObservabilityDeadLetters', 'LlamaObservabilityOldestJobAge',
      'LlamaQueueScalingJobsWaitingAtZero', 'LlamaQueueScalingQueueIdle',
    ]);
  });

  test('boot phases: one bar per phase boot.sh publishes, of the fleet\'s group, over the time range', () => {
    const widget = widgetTitled(dashboard, TITLES[8]);
    expect(widget.metrics.map((m) => [m.metricName, m.dimensions])).toEqual(
      BOOT_PHASES.map((phase) => ['BootPhaseSeconds', { AutoScalingGroupName: group, Phase: phase }]),
    );
    expect([widget.properties.view, widget.properties.setPeriodToTimeRange]).toEqual(['bar', true]);
  });

  test('holds fewer than 50 metrics: the free tier\'s bound per dashboard', () => {
    expect(metricCount(dashboard)).toBeLessThan(50);
  });

  test('the service\'s DashboardUrl output links the dashboard in its Region, by the name its Ref returns', () => {
    const outputs = template.findOutputs('DashboardUrl');
    expect(resolve(Object.values(outputs)[0].Value, EXAMPLE_STACK)).toBe(
      `https://console.aws.amazon.com/cloudwatch/home?region=eu-central-1#dashboards:name=${logicalId(svc.dashboard.dashboard)}`,
    );
  });
});

describe('InferenceDashboard of a service on the seed\'s step policy', () => {
  const dashboard = dashboards[logicalId(stepper.dashboard.dashboard)];

  test('draws no backlog target: no policy holds one', () => {
    expect(widgetTitled(dashboard, TITLES[1]).properties.annotations).toBeUndefined();
  });

  test('shows the seed\'s queue depth alarm among the alarms', () => {
    const alarms = (widgetTitled(dashboard, TITLES[7]).properties.alarms as string[]).map(logicalIdOf);
    expect(alarms).toContainEqual(expect.stringMatching(/^StepperQueueScalingQueueDepthHigh/));
  });

  test('draws the acceptable wait the config states', () => {
    expect(widgetTitled(dashboard, TITLES[4]).properties.annotations).toEqual({ horizontal: [expect.objectContaining({ value: 300 })] });
  });

  test('lets CloudFormation name it when no name is given', () => {
    expect(dashboard.name).toBeUndefined();
  });
});
