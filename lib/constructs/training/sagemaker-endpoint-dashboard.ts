import * as sagemaker from '@aws-cdk/aws-sagemaker-alpha';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { SageMakerEndpoint } from './sagemaker-endpoint';

/** Props of {@link SageMakerEndpointDashboard}. */
export interface SageMakerEndpointDashboardProps {
  /**
   * Name of the dashboard, unique in the account: dashboards are global, not regional
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html).
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /** The endpoint, its variants and their scaling bounds and target. */
  readonly endpoint: SageMakerEndpoint;
}

const MINUTE = Duration.minutes(1);

/**
 * The SageMaker endpoint's CloudWatch dashboard, one line per production variant: invocations,
 * model latency (average and maximum) and SageMaker's overhead (average) in milliseconds, 4XX and 5XX errors,
 * instances between the scaling bounds, and invocations per instance against the scaling
 * target. The metrics are SageMaker's (https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html):
 * latencies in microseconds, shown divided by 1000; an endpoint publishes no instance count, so
 * the instances are the 1-minute SampleCount of CPUUtilization, which each instance publishes
 * once a minute, as AWS counts them
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-troubleshooting.html).
 */
export class SageMakerEndpointDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: SageMakerEndpointDashboardProps) {
    super(scope, id);
    const { endpoint } = props;
    const variants = endpoint.variantNames.map((name) => endpoint.endpoint.findInstanceProductionVariant(name));
    // SageMaker's latencies are in microseconds with Average, Sum, Minimum, Maximum and SampleCount as their statistics.
    const milliseconds = (n: number, metric: 'ModelLatency' | 'OverheadLatency', statistic: 'Average' | 'Maximum') => {
      const variant = variants[n];
      const id = `v${n}${metric}${statistic}`;
      return new cloudwatch.MathExpression({
        expression: `${id} / 1000`,
        usingMetrics: { [id]: variant.metric('AWS/SageMaker', metric, { statistic, period: MINUTE }) },
        label: `${variant.variantName}: ${statistic === 'Average' ? 'average' : 'maximum'} ${metric === 'ModelLatency' ? 'in the model' : 'SageMaker overhead'}`,
        period: MINUTE,
      });
    };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Invocations per minute',
            width: 8,
            left: variants.map((v) => v.metricInvocations({ period: MINUTE, label: v.variantName })),
            leftYAxis: { min: 0, showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'Latency (milliseconds)',
            width: 8,
            left: variants.flatMap((_, n) => [milliseconds(n, 'ModelLatency', 'Average'), milliseconds(n, 'ModelLatency', 'Maximum'), milliseconds(n, 'OverheadLatency', 'Average')]),
            leftYAxis: { min: 0, label: 'Milliseconds', showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'Errors per minute',
            width: 8,
            left: variants.flatMap((v) => [
              v.metricInvocationResponseCode(sagemaker.InvocationHttpResponseCode.INVOCATION_4XX_ERRORS, { period: MINUTE, label: `${v.variantName}: 4XX` }),
              v.metricInvocationResponseCode(sagemaker.InvocationHttpResponseCode.INVOCATION_5XX_ERRORS, { period: MINUTE, label: `${v.variantName}: 5XX` }),
            ]),
            leftYAxis: { min: 0, showUnits: false },
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: `Instances per variant (scaling bounds ${endpoint.minCapacity}-${endpoint.maxCapacity})`,
            width: 12,
            left: variants.map((v) => v.metricCpuUtilization({ statistic: cloudwatch.Stats.SAMPLE_COUNT, period: MINUTE, label: `${v.variantName}: instances reporting` })),
            leftAnnotations: [
              { value: endpoint.minCapacity, label: `Min capacity ${endpoint.minCapacity}` },
              { value: endpoint.maxCapacity, label: `Max capacity ${endpoint.maxCapacity}` },
            ],
            leftYAxis: { min: 0, label: 'Instances', showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'Invocations per instance per minute vs the scaling target',
            width: 12,
            left: variants.map((v) => v.metricInvocationsPerInstance({ period: MINUTE, label: v.variantName })),
            leftAnnotations: [{ value: endpoint.invocationsPerInstanceTarget, label: `Target ${endpoint.invocationsPerInstanceTarget}` }],
            leftYAxis: { min: 0, showUnits: false },
          }),
        ],
      ],
    });
  }
}
