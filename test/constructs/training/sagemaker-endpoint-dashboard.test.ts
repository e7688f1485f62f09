import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { InferenceImage } from '../../../lib/constructs/inference/inference-image';
import { SageMakerEndpoint } from '../../../lib/constructs/training/sagemaker-endpoint';
import { SageMakerEndpointDashboard } from '../../../lib/constructs/training/sagemaker-endpoint-dashboard';
import { SageMakerExecutionRole } from '../../../lib/constructs/training/sagemaker-execution-role';
import {
  documentedWidgets, metricCount, renderDashboard, RenderedMetric, titlesAsDocumented, visibleMetrics, widgetTitled,
} from '../../helpers/dashboard';
import { EXAMPLE_STACK, resolve } from '../../helpers/fake-cloudformation';
import { bareStack } from './fixtures';

const TITLES = [
  'Invocations per minute', 'Latency (milliseconds)', 'Errors per minute',
  'Instances per variant (scaling bounds 1-6)', 'Invocations per instance per minute vs the scaling target',
];

/** Which endpoint and variant a SageMaker metric row points at, by the resolved reference of its dimensions. */
const target = (m: RenderedMetric) => [m.dimensions.EndpointName, m.dimensions.VariantName];

describe('SageMakerEndpointDashboard of an endpoint with two variants', () => {
  const { stack, buckets } = bareStack();
  const repository = ecr.Repository.fromRepositoryName(stack, 'Repository', 'ai-infra/serving');
  const { role } = new SageMakerExecutionRole(stack, 'ExecutionRole', {
    artifactBucket: buckets.artifactBucket, datasetBucket: buckets.datasetBucket, checkpointBucket: buckets.checkpointBucket, repository,
  });
  const endpoint = new SageMakerEndpoint(stack, 'SageMaker', {
    role,
    modelBucket: buckets.artifactBucket,
    model: { name: 'sentiment', version: '1.0.0', image: InferenceImage.fromEcrRepository(repository, '1.0.0') },
    variants: [
      { name: 'primary', instanceType: 'ml.g5.xlarge', initialInstanceCount: 2, initialVariantWeight: 9 },
      { name: 'candidate', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 1 },
    ],
    minCapacity: 1,
    maxCapacity: 6,
    maxRequestsPerSecond: 20,
  });
  new SageMakerEndpointDashboard(stack, 'Dashboard', { endpoint });
  const template = Template.fromStack(stack);
  const dashboard = renderDashboard(template);
  const endpointName = resolve(stack.resolve(endpoint.endpoint.endpointName), EXAMPLE_STACK);
  const primary = [endpointName, 'primary'];
  const candidate = [endpointName, 'candidate'];

  test('docs/dashboards.md lists its widgets in order', () => {
    const documented = documentedWidgets('SageMaker endpoint');
    expect(titlesAsDocumented(dashboard, documented)).toEqual(documented);
  });

  test('renders its widgets in order: traffic, latency and errors, then capacity', () => {
    expect(dashboard.widgets.map((w) => [w.title, w.x, w.y, w.width])).toEqual([
      [TITLES[0], 0, 0, 8], [TITLES[1], 8, 0, 8], [TITLES[2], 16, 0, 8], [TITLES[3], 0, 6, 12], [TITLES[4], 12, 6, 12],
    ]);
  });

  test('invocations: one line per variant of the endpoint', () => {
    expect(widgetTitled(dashboard, TITLES[0]).metrics.map((m) => [m.namespace, m.metricName, ...target(m), m.stat])).toEqual([
      ['AWS/SageMaker', 'Invocations', ...primary, 'Sum'],
      ['AWS/SageMaker', 'Invocations', ...candidate, 'Sum'],
    ]);
  });

  test('latency: the model\'s average and maximum and SageMaker\'s overhead, per variant, microseconds shown as milliseconds', () => {
    const widget = widgetTitled(dashboard, TITLES[1]);
    const inputs = widget.metrics.filter((m) => m.options.visible === false);
    expect(inputs.map((m) => [m.metricName, ...target(m), m.stat])).toEqual([
      ['ModelLatency', ...primary, 'Average'], ['ModelLatency', ...primary, 'Maximum'], ['OverheadLatency', ...primary, 'Average'],
      ['ModelLatency', ...candidate, 'Average'], ['ModelLatency', ...candidate, 'Maximum'], ['OverheadLatency', ...candidate, 'Average'],
    ]);
    expect(visibleMetrics(widget).map((m) => m.expression)).toEqual(inputs.map((m) => `${m.options.id} / 1000`));
  });

  test('errors: 4XX and 5XX per variant', () => {
    expect(widgetTitled(dashboard, TITLES[2]).metrics.map((m) => [m.metricName, ...target(m)])).toEqual([
      ['Invocation4XXErrors', ...primary], ['Invocation5XXErrors', ...primary], ['Invocation4XXErrors', ...candidate], ['Invocation5XXErrors', ...candidate],
    ]);
  });

  test('instances: each variant\'s instances reporting CPUUtilization a minute, between the scaling bounds', () => {
    const widget = widgetTitled(dashboard, TITLES[3]);
    expect(widget.metrics.map((m) => [m.namespace, m.metricName, ...target(m), m.stat, m.options.period])).toEqual([
      ['/aws/sagemaker/Endpoints', 'CPUUtilization', ...primary, 'SampleCount', 60],
      ['/aws/sagemaker/Endpoints', 'CPUUtilization', ...candidate, 'SampleCount', 60],
    ]);
    expect(widget.properties.annotations).toEqual({ horizontal: [expect.objectContaining({ value: 1 }), expect.objectContaining({ value: 6 })] });
  });

  test('invocations per instance against the target the scaling policies track', () => {
    const widget = widgetTitled(dashboard, TITLES[4]);
    expect(widget.metrics.map((m) => [m.metricName, ...target(m)])).toEqual([['InvocationsPerInstance', ...primary], ['InvocationsPerInstance', ...candidate]]);
    const targets = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .map((p) => p.Properties.TargetTrackingScalingPolicyConfiguration.TargetValue);
    expect(targets).toEqual([600, 600]);
    expect(widget.properties.annotations).toEqual({ horizontal: [expect.objectContaining({ value: 600 })] });
  });

  test('holds fewer than 50 metrics: the free tier\'s bound per dashboard', () => {
    expect(metricCount(dashboard)).toBeLessThan(50);
  });
});
