import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { IdleShutdown } from './idle-shutdown';
import { TrainingCluster } from './training-cluster';

/** Props of {@link TrainingDashboard}. */
export interface TrainingDashboardProps {
  /**
   * Name of the dashboard, unique in the account: dashboards are global, not regional
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html).
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /** The training cluster; its spot fleet's instances report their GPU metrics under its group's name. */
  readonly cluster: TrainingCluster;
  /** The idle shutdown of the cluster and its spot fleet. */
  readonly idleShutdown: IdleShutdown;
}

const MINUTE = Duration.minutes(1);

/**
 * The training capacity's CloudWatch dashboard:
 * - instances: the cluster's desired and InService nodes (its group metrics), the GPU instances
 *   reporting (the cluster's and the spot fleet's, which report under the cluster's group name)
 *   and the spot fleet's share of them: EC2 Fleet publishes no CloudWatch metrics, only
 *   EventBridge events (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitor-ec2-fleet-using-eventbridge.html);
 * - GPU utilization of the cluster and the fleet;
 * - the training job heartbeat: nodes running a job (each node's launcher publishes 1 a minute);
 * - the idle shutdown: its alarm (how busy the capacity is against the idle threshold) and its
 *   Lambda's runs, errors and dead letters.
 * A count of instances is the 1-minute SampleCount of a metric each instance publishes once a
 * minute, the way AWS counts a SageMaker endpoint's instances
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-troubleshooting.html).
 */
export class TrainingDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: TrainingDashboardProps) {
    super(scope, id);
    const { cluster, idleShutdown } = props;
    const reporting = cluster.metricGpuUtilization({ statistic: cloudwatch.Stats.SAMPLE_COUNT, period: MINUTE });
    const inService = cluster.metricGroup('GroupInServiceInstances', { period: MINUTE });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Training instances: cluster and spot fleet',
            width: 12,
            left: [
              cluster.metricGroup('GroupDesiredCapacity', { label: 'Cluster: desired' }),
              cluster.metricGroup('GroupInServiceInstances', { label: 'Cluster: InService' }),
              cluster.metricGpuUtilization({ statistic: cloudwatch.Stats.SAMPLE_COUNT, period: MINUTE, label: 'GPU instances reporting (cluster + spot fleet)' }),
              new cloudwatch.MathExpression({
                expression: 'IF(reporting > inService, reporting - inService, 0)',
                usingMetrics: { reporting, inService },
                label: 'Spot fleet (reporting - cluster InService)',
                period: MINUTE,
              }),
            ],
            leftYAxis: { min: 0, label: 'Instances', showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'GPU utilization (%): cluster and spot fleet',
            width: 12,
            left: [cluster.metricGpuUtilization({ period: MINUTE, label: 'Average over the instances' })],
            leftYAxis: { min: 0, max: 100, label: 'Percent', showUnits: false },
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Training job heartbeat: nodes running a job',
            width: 8,
            left: [cluster.metricJobHeartbeat({ statistic: cloudwatch.Stats.SAMPLE_COUNT, period: MINUTE, label: 'Nodes beating' })],
            leftYAxis: { min: 0, label: 'Nodes', showUnits: false },
          }),
          new cloudwatch.AlarmWidget({
            title: 'Idle shutdown: busy (GPU %, +100 while a job beats) vs the idle threshold',
            width: 8,
            alarm: idleShutdown.alarm,
            leftYAxis: { min: 0, showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'Idle shutdowns: runs, errors, dead letters',
            width: 8,
            left: [
              idleShutdown.function.metricInvocations({ period: MINUTE, label: 'Shutdowns run' }),
              idleShutdown.function.metricErrors({ period: MINUTE, label: 'Errors' }),
              idleShutdown.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum', label: 'Failed every retry (dead letters)' }),
            ],
            leftYAxis: { min: 0, showUnits: false },
          }),
        ],
      ],
    });
  }
}
