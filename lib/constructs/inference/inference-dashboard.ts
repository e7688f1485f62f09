import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { JobTimeMetric } from '../../runtime/inference/agent/job-metrics';
import { BOOT_PHASES } from './boot-time';
import { bootPhaseMetric, jobTimeMetric } from './fleet-instance-metrics';
import { FLEET_PROCESSOR_LABELS } from '../../gpu/fleet-processor';
import { GpuFleet } from './gpu-fleet';
import { JobQueue } from './job-queue';
import { JobResults } from './job-results';
import { QueueScaling } from './queue-scaling';

/** Props of {@link InferenceDashboard}. */
export interface InferenceDashboardProps {
  /**
   * Name of the dashboard, unique in the account: dashboards are global, not regional
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-dashboard.html).
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /** The job queue and its dead-letter queue. */
  readonly jobs: JobQueue;
  /** The results' topics: the error topic counts failed jobs. */
  readonly results: JobResults;
  /** The fleet: its group metrics, GPU (or CPU) utilization, boot phases and its agents' job metrics. */
  readonly fleet: GpuFleet;
  /** The queue scaling: jobs sent and the backlog per instance. */
  readonly scaling: QueueScaling;
  /**
   * The backlog per instance the target tracking policy holds, drawn on its graph.
   * @default - no line: the fleet scales by steps, not on the backlog per instance
   */
  readonly backlogTarget?: number;
  /** Longest a job should wait in the queue (QueueScalingSettings.acceptableLatency), drawn on the latency graph. */
  readonly acceptableLatency: Duration;
  /** The alarm on the oldest job's age, whose threshold is drawn on its graph. */
  readonly oldestJobAgeAlarm: cloudwatch.Alarm;
  /** The service's alarms, whose states the dashboard shows. */
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const MINUTE = Duration.minutes(1);

/**
 * One inference service's CloudWatch dashboard, built from the metrics the constructs define:
 * - the queue: jobs waiting and in flight with the dead letters, the backlog per instance and
 *   the policy's target, the oldest job's age and its alarm threshold;
 * - the fleet: desired vs InService instances between the group's min and max size, then jobs
 *   sent, run to a result and failed;
 * - job latency (seconds, from the metrics the queue agent publishes): p50 and p90 from submission
 *   to result, p90 waiting and p90 in the model, against the acceptable wait;
 * - GPU (or a CPU fleet's CPU) utilization, the state of every alarm of the service, and where a boot spends its time
 *   (each boot phase's average over the dashboard's time range).
 * It holds fewer than 50 metrics, the free tier's bound per dashboard (3 dashboards of up to 50
 * metrics each are free, each further one costs $3 a month: https://aws.amazon.com/cloudwatch/pricing/).
 */
export class InferenceDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: InferenceDashboardProps) {
    super(scope, id);
    const { queue, deadLetterQueue } = props.jobs;
    const { fleet } = props;
    const groupName = fleet.autoScalingGroup.autoScalingGroupName;
    const seconds = (metric: JobTimeMetric, statistic: string, label: string) => {
      // An id per metric and statistic: one graph holds several of these expressions.
      const id = `${statistic.replace(/\W/g, '')}${metric}`;
      return new cloudwatch.MathExpression({ expression: `${id} / 1000`, usingMetrics: { [id]: jobTimeMetric(groupName, metric, { statistic }) }, label, period: MINUTE });
    };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Jobs waiting and in flight',
            width: 8,
            left: [
              queue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum', label: 'Waiting (visible)' }),
              queue.metricApproximateNumberOfMessagesNotVisible({ period: MINUTE, statistic: 'Maximum', label: 'In flight' }),
            ],
            right: [deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum', label: 'Dead letters (right)' })],
            leftYAxis: { min: 0, label: 'Jobs', showUnits: false },
            rightYAxis: { min: 0, label: 'Dead letters', showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'Backlog per instance',
            width: 8,
            left: [props.scaling.metricBacklogPerInstance({ label: 'Waiting jobs per InService instance' })],
            leftAnnotations: props.backlogTarget === undefined ? undefined : [{ value: props.backlogTarget, label: `Target tracking holds ${props.backlogTarget}` }],
            leftYAxis: { min: 0, label: 'Jobs per instance', showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'Oldest job\'s age (seconds)',
            width: 8,
            left: [queue.metricApproximateAgeOfOldestMessage({ period: MINUTE, statistic: 'Maximum', label: 'Oldest job waiting' })],
            leftAnnotations: [props.oldestJobAgeAlarm.toAnnotation()],
            leftYAxis: { min: 0, label: 'Seconds', showUnits: false },
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Instances: desired vs InService',
            width: 12,
            left: [
              fleet.metricGroup('GroupDesiredCapacity', { label: 'Desired' }),
              fleet.metricGroup('GroupInServiceInstances', { label: 'InService (model warm)' }),
              fleet.metricGroup('GroupPendingInstances', { label: 'Booting' }),
              fleet.metricGroup('GroupMinSize', { label: 'Min size' }),
              fleet.metricGroup('GroupMaxSize', { label: 'Max size' }),
            ],
            leftYAxis: { min: 0, label: 'Instances', showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: 'Job latency (seconds)',
            width: 12,
            left: [
              seconds('TotalProcessingTime', cloudwatch.Stats.p(50), 'p50 submission to result'),
              seconds('TotalProcessingTime', cloudwatch.Stats.p(90), 'p90 submission to result'),
              seconds('TimeInBacklog', cloudwatch.Stats.p(90), 'p90 waiting in the queue'),
              seconds('ModelLatency', cloudwatch.Stats.p(90), 'p90 in the model'),
            ],
            leftAnnotations: [{ value: props.acceptableLatency.toSeconds({ integral: false }), label: `Acceptable wait (${props.acceptableLatency.toHumanString()})` }],
            leftYAxis: { min: 0, label: 'Seconds', showUnits: false },
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Jobs per minute: sent, run, failed',
            width: 8,
            left: [
              props.scaling.metricJobsSent({ label: 'Sent to the queue' }),
              jobTimeMetric(groupName, 'TotalProcessingTime', { statistic: cloudwatch.Stats.SAMPLE_COUNT, label: 'Run to a result' }),
              props.results.errorTopic.metricNumberOfMessagesPublished({ period: MINUTE, statistic: cloudwatch.Stats.SUM, label: 'Failed (error notifications)' }),
            ],
            leftYAxis: { min: 0, label: 'Jobs', showUnits: false },
          }),
          new cloudwatch.GraphWidget({
            title: `${FLEET_PROCESSOR_LABELS[fleet.processor]} utilization (%)`,
            width: 8,
            left: [fleet.metricUtilization({ period: MINUTE, label: 'Average over the fleet' })],
            leftYAxis: { min: 0, max: 100, label: 'Percent', showUnits: false },
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 8, height: 6, alarms: [...props.alarms] }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Boot phases: average seconds per boot over the time range',
            width: 24,
            view: cloudwatch.GraphWidgetView.BAR,
            setPeriodToTimeRange: true,
            left: BOOT_PHASES.map((phase) => bootPhaseMetric(groupName, phase)),
            leftYAxis: { min: 0, label: 'Seconds', showUnits: false },
          }),
        ],
      ],
    });
  }
}
