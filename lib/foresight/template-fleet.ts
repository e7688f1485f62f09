import { BOOT_IMAGE_TAG, EXPECTED_BOOT_SECONDS_TAG } from '../constructs/inference/boot-time';
import { INSTANCE_METRICS_NAMESPACE } from '../gpu/gpu-metrics';
import {
  AdjustmentType,
  AlarmModel,
  BootHeartbeatsModel,
  ComparisonOperator,
  FleetModel,
  MetricQuery,
  MissingDataTreatment,
  PolicyModel,
  PredictivePolicyModel,
  ScheduleModel,
  SignalName,
  StepAdjustment,
} from './fleet-model';
import { CfnResource, StackTemplate } from './stack-templates';

type Props = Record<string, unknown>;

/** SQS keeps a message 4 days unless the queue says otherwise (MessageRetentionPeriod default). */
const DEFAULT_RETENTION_SECONDS = 345_600;
/** Simple scaling without its own Cooldown uses the group's default cooldown, 300 s by default (AWS_DOCS.cooldown). */
const DEFAULT_COOLDOWN_SECONDS = 300;
/** Target tracking reads its metric every 60 s unless the metric sets a shorter period (AWS_DOCS.targetTrackingHighResolution). */
const TARGET_TRACKING_DEFAULT_PERIOD_SECONDS = 60;
/** Predictive scaling launches 300 s before the hour unless SchedulingBufferTime says otherwise (AWS_DOCS.predictiveScalingConfiguration). */
const DEFAULT_SCHEDULING_BUFFER_SECONDS = 300;

const SIGNALS: Record<string, SignalName> = {
  'AWS/SQS|ApproximateNumberOfMessagesVisible': 'visible',
  'AWS/SQS|ApproximateNumberOfMessagesNotVisible': 'inFlight',
  'AWS/SQS|ApproximateAgeOfOldestMessage': 'oldestAgeSeconds',
  'AWS/SQS|NumberOfMessagesSent': 'sent',
  'AWS/AutoScaling|GroupInServiceInstances': 'inService',
  'AWS/AutoScaling|GroupDesiredCapacity': 'desired',
  [`${INSTANCE_METRICS_NAMESPACE}|GPUUtilization`]: 'gpuUtilization',
  'AWS/EC2|CPUUtilization': 'cpuUtilization',
};

/** The logical id a `Ref` or `Fn::GetAtt` points at, or undefined. */
function referencedId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Props;
    if (typeof v.Ref === 'string') return v.Ref;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  }
  return undefined;
}

function num(value: unknown, what: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new Error(`${what} is ${JSON.stringify(value)}, not a number: the simulator needs a literal value in the template`);
  }
  return n;
}

function optionalNum(value: unknown, what: string): number | undefined {
  return value === undefined ? undefined : num(value, what);
}

interface Resources {
  readonly stack: string;
  readonly all: Record<string, CfnResource>;
}

function signalOf(metric: Props, where: string): SignalName {
  const key = `${String(metric.Namespace)}|${String(metric.MetricName)}`;
  const signal = SIGNALS[key];
  if (!signal) {
    throw new Error(`${where} uses metric ${metric.Namespace}/${metric.MetricName}, which the simulator does not produce (it knows ${Object.keys(SIGNALS).join(', ').replace(/\|/g, '/')})`);
  }
  return signal;
}

/** Queries of an alarm or target tracking metric, from `Metrics` (metric math) or a single metric. */
function queriesOf(p: Props, where: string): { queries: MetricQuery[]; periodSeconds?: number; queueIds: string[] } {
  const queueIds: string[] = [];
  const queueOf = (metric: Props) => {
    for (const d of (metric.Dimensions as Props[] | undefined) ?? []) {
      const id = d.Name === 'QueueName' ? referencedId(d.Value) : undefined;
      if (id) queueIds.push(id);
    }
  };
  if (Array.isArray(p.Metrics)) {
    let periodSeconds: number | undefined;
    const queries = (p.Metrics as Props[]).map((q): MetricQuery => {
      const id = String(q.Id);
      const returnData = q.ReturnData !== false;
      if (typeof q.Expression === 'string') return { id, expression: q.Expression, returnData };
      const stat = q.MetricStat as Props;
      const metric = stat.Metric as Props;
      queueOf(metric);
      const period = optionalNum(stat.Period ?? q.Period, `${where} ${id}.Period`);
      if (period !== undefined) periodSeconds = Math.max(periodSeconds ?? 0, period);
      return { id, signal: signalOf(metric, where), statistic: String(stat.Stat), returnData };
    });
    if (queries.filter((q) => q.returnData).length !== 1) {
      throw new Error(`${where} must return exactly one query (ReturnData), it returns ${queries.filter((q) => q.returnData).length}`);
    }
    return { queries, periodSeconds: optionalNum(p.Period, `${where}.Period`) ?? periodSeconds, queueIds };
  }
  queueOf(p);
  return {
    queries: [{ id: 'm1', signal: signalOf(p, where), statistic: String(p.Statistic), returnData: true }],
    periodSeconds: optionalNum(p.Period, `${where}.Period`),
    queueIds,
  };
}

function alarmOf(id: string, p: Props): { alarm: AlarmModel; queueIds: string[] } {
  const { queries, periodSeconds, queueIds } = queriesOf(p, `alarm ${id}`);
  const evaluationPeriods = num(p.EvaluationPeriods, `alarm ${id} EvaluationPeriods`);
  return {
    queueIds,
    alarm: {
      queries,
      periodSeconds: periodSeconds ?? 60,
      evaluationPeriods,
      datapointsToAlarm: optionalNum(p.DatapointsToAlarm, `alarm ${id} DatapointsToAlarm`) ?? evaluationPeriods,
      threshold: num(p.Threshold, `alarm ${id} Threshold`),
      comparisonOperator: String(p.ComparisonOperator) as ComparisonOperator,
      treatMissingData: (p.TreatMissingData as MissingDataTreatment | undefined) ?? 'missing',
    },
  };
}

function stepsOf(p: Props): StepAdjustment[] {
  return ((p.StepAdjustments as Props[] | undefined) ?? []).map((s) => ({
    lowerBound: optionalNum(s.MetricIntervalLowerBound, 'MetricIntervalLowerBound'),
    upperBound: optionalNum(s.MetricIntervalUpperBound, 'MetricIntervalUpperBound'),
    adjustment: num(s.ScalingAdjustment, 'ScalingAdjustment'),
  }));
}

/**
 * A predictive scaling policy on customized load and scaling metrics, with the API's defaults
 * for what the template leaves out: mode ForecastOnly, a 300 s buffer, HonorMaxCapacity
 * (AWS_DOCS.predictiveScalingConfiguration).
 */
function predictiveOf(name: string, p: Props, queueIds: string[]): PredictivePolicyModel {
  const config = p.PredictiveScalingConfiguration as Props;
  const specs = (config.MetricSpecifications as Props[] | undefined) ?? [];
  if (specs.length !== 1) throw new Error(`policy ${name} has ${specs.length} metric specifications; predictive scaling takes exactly one`);
  const spec = specs[0];
  const customized = (key: string): MetricQuery[] => {
    const metric = spec[key] as Props | undefined;
    if (!metric) {
      throw new Error(`policy ${name} has no ${key}: the simulator forecasts customized load and scaling metrics only (a predefined pair reads metrics it does not produce)`);
    }
    const q = queriesOf({ Metrics: metric.MetricDataQueries }, `policy ${name} ${key}`);
    queueIds.push(...q.queueIds);
    return q.queries;
  };
  const behavior = config.MaxCapacityBreachBehavior === 'IncreaseMaxCapacity' ? 'IncreaseMaxCapacity' : 'HonorMaxCapacity';
  return {
    kind: 'predictive',
    name,
    mode: config.Mode === 'ForecastAndScale' ? 'ForecastAndScale' : 'ForecastOnly',
    schedulingBufferSeconds: optionalNum(config.SchedulingBufferTime, `policy ${name} SchedulingBufferTime`) ?? DEFAULT_SCHEDULING_BUFFER_SECONDS,
    maxCapacityBreachBehavior: behavior,
    maxCapacityBuffer: behavior === 'IncreaseMaxCapacity' ? optionalNum(config.MaxCapacityBuffer, `policy ${name} MaxCapacityBuffer`) ?? 0 : undefined,
    targetValue: num(spec.TargetValue, `policy ${name} TargetValue`),
    load: customized('CustomizedLoadMetricSpecification'),
    scaling: customized('CustomizedScalingMetricSpecification'),
  };
}

function policyOf(res: Resources, id: string, p: Props, queueIds: string[]): PolicyModel {
  const name = `${res.stack}/${id}`;
  if (p.PolicyType === 'PredictiveScaling') return predictiveOf(name, p, queueIds);
  if (p.PolicyType === 'TargetTrackingScaling') {
    const config = p.TargetTrackingConfiguration as Props;
    if (!config.CustomizedMetricSpecification) {
      throw new Error(`policy ${name} tracks a predefined metric (${JSON.stringify(config.PredefinedMetricSpecification)}), which the simulator does not produce: use a customized metric`);
    }
    const q = queriesOf(config.CustomizedMetricSpecification as Props, `policy ${name}`);
    queueIds.push(...q.queueIds);
    return {
      kind: 'targetTracking',
      name,
      targetValue: num(config.TargetValue, `policy ${name} TargetValue`),
      queries: q.queries,
      periodSeconds: q.periodSeconds ?? TARGET_TRACKING_DEFAULT_PERIOD_SECONDS,
      disableScaleIn: config.DisableScaleIn === true,
    };
  }
  const alarms = Object.entries(res.all).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm'
    && ((r.Properties?.AlarmActions as unknown[] | undefined) ?? []).some((a) => referencedId(a) === id));
  if (alarms.length !== 1) {
    throw new Error(`policy ${name} is the action of ${alarms.length} alarms; the simulator needs exactly one`);
  }
  const { alarm, queueIds: alarmQueues } = alarmOf(alarms[0][0], alarms[0][1].Properties ?? {});
  queueIds.push(...alarmQueues);
  const adjustmentType = (p.AdjustmentType as AdjustmentType | undefined) ?? 'ChangeInCapacity';
  const minAdjustmentMagnitude = optionalNum(p.MinAdjustmentMagnitude, `policy ${name} MinAdjustmentMagnitude`);
  if (p.PolicyType === 'StepScaling') {
    return { kind: 'step', name, adjustmentType, minAdjustmentMagnitude, steps: stepsOf(p), alarm };
  }
  return {
    kind: 'simple',
    name,
    adjustmentType,
    minAdjustmentMagnitude,
    adjustment: num(p.ScalingAdjustment, `policy ${name} ScalingAdjustment`),
    cooldownSeconds: optionalNum(p.Cooldown, `policy ${name} Cooldown`) ?? DEFAULT_COOLDOWN_SECONDS,
    alarm,
  };
}

function scheduleOf(id: string, p: Props): ScheduleModel {
  return {
    name: id,
    cron: String(p.Recurrence),
    timeZone: typeof p.TimeZone === 'string' ? p.TimeZone : 'Etc/UTC',
    minSize: optionalNum(p.MinSize, `schedule ${id} MinSize`),
    maxSize: optionalNum(p.MaxSize, `schedule ${id} MaxSize`),
    desiredCapacity: optionalNum(p.DesiredCapacity, `schedule ${id} DesiredCapacity`),
  };
}

type Hook = { LifecycleTransition?: string; HeartbeatTimeout?: unknown; DefaultResult?: string };

/** The literal text of a template value: strings, and the strings inside Fn::Base64 / Fn::Join. */
function literalText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(literalText).join('');
  if (value && typeof value === 'object') {
    const v = value as Props;
    if ('Fn::Base64' in v) return literalText(v['Fn::Base64']);
    if (Array.isArray(v['Fn::Join'])) return literalText((v['Fn::Join'] as unknown[])[1]);
  }
  return '';
}

/**
 * How the fleet's boot (lib/runtime/inference/boot.sh) keeps the launch hook alive, read from
 * the boot config its user data writes (BOOT_BUDGET_SECONDS, HEARTBEAT_INTERVAL_SECONDS, see
 * runtime-files.ts); undefined for a fleet whose user data has no such boot.
 */
function bootHeartbeatsOf(userData: string): BootHeartbeatsModel | undefined {
  const value = (name: string) => new RegExp(`(?:^|\\n)${name}='?(\\d+)'?(?:\\n|$)`).exec(userData)?.[1];
  const budget = value('BOOT_BUDGET_SECONDS');
  const interval = value('HEARTBEAT_INTERVAL_SECONDS');
  return budget && interval ? { budgetSeconds: Number(budget), intervalSeconds: Number(interval) } : undefined;
}

/** The literal text of the user data of the group's launch template. */
function userDataOf(all: Record<string, CfnResource>, asg: Props): string {
  const spec = ((asg.MixedInstancesPolicy as Props | undefined)?.LaunchTemplate as Props | undefined)?.LaunchTemplateSpecification as Props | undefined;
  const id = referencedId(spec?.LaunchTemplateId);
  return literalText((all[id ?? '']?.Properties?.LaunchTemplateData as Props | undefined)?.UserData);
}

/**
 * Jobs one instance runs at once: `maxConcurrentJobs` of the instance agent's config, which the
 * user data writes as JSON (InferenceRuntime.agentConfig); 1, the agent's one job at a time,
 * when the user data holds none.
 */
function maxConcurrentJobsOf(userData: string): number {
  const slots = /"maxConcurrentJobs":\s*(\d+)/.exec(userData)?.[1];
  return slots === undefined ? 1 : Number(slots);
}

/** The value of the group's tag `key`, if it has one. */
function tagOf(asg: Props, key: string): string | undefined {
  const tag = ((asg.Tags as Props[] | undefined) ?? []).find((t) => t.Key === key);
  return typeof tag?.Value === 'string' ? tag.Value : undefined;
}

/**
 * An inference fleet (GPU or CPU types) of one environment: the Auto Scaling group that scaling policies act on, found by
 * resource type and references (never by logical id), with every policy, the alarm behind each
 * step or simple policy, its scheduled actions and the job queue its metrics name. With
 * `autoScalingGroupOutput`, the group that stack output references (one service's fleet, e.g.
 * `serviceOutputKey(service, 'AutoScalingGroupName')`); without it, the templates' one fleet.
 */
export function fleetFromTemplates(stacks: readonly StackTemplate[], autoScalingGroupOutput?: string): FleetModel {
  const candidates = stacks.flatMap((stack) => {
    const all = stack.template.Resources ?? {};
    const entries = Object.entries(all);
    const named = autoScalingGroupOutput === undefined ? undefined : referencedId(stack.template.Outputs?.[autoScalingGroupOutput]?.Value);
    return entries
      .filter(([id, r]) => r.Type === 'AWS::AutoScaling::AutoScalingGroup' && (autoScalingGroupOutput === undefined || id === named))
      .map(([asgId, asg]) => ({
        res: { stack: stack.hierarchicalId, all },
        asgId,
        asg,
        policies: entries.filter(([, r]) => r.Type === 'AWS::AutoScaling::ScalingPolicy' && referencedId(r.Properties?.AutoScalingGroupName) === asgId),
        schedules: entries.filter(([, r]) => r.Type === 'AWS::AutoScaling::ScheduledAction' && referencedId(r.Properties?.AutoScalingGroupName) === asgId),
      }))
      .filter((c) => c.policies.length > 0);
  });
  if (candidates.length !== 1) {
    const names = stacks.map((s) => s.hierarchicalId).join(', ') || 'no stacks';
    const which = autoScalingGroupOutput === undefined ? 'no AWS::AutoScaling::AutoScalingGroup' : `no AWS::AutoScaling::AutoScalingGroup named by the output ${autoScalingGroupOutput}`;
    throw new Error(candidates.length === 0
      ? `no fleet in ${names}: ${which} has a scaling policy`
      : `${candidates.length} Auto Scaling groups with scaling policies in ${names}; the simulator takes one fleet`);
  }
  const { res, asgId, asg, policies, schedules } = candidates[0];
  const p = asg.Properties ?? {};
  const mixed = p.MixedInstancesPolicy as Props | undefined;
  const distribution = (mixed?.InstancesDistribution as Props | undefined) ?? {};
  const overrides = ((mixed?.LaunchTemplate as Props | undefined)?.Overrides as Props[] | undefined) ?? [];
  const instanceTypes = overrides.map((o) => String(o.InstanceType));
  if (instanceTypes.length === 0) {
    throw new Error(`fleet ${res.stack}/${asgId} has no MixedInstancesPolicy overrides: the simulator needs the instance types`);
  }
  const hooks = (p.LifecycleHookSpecificationList as Hook[] | undefined) ?? [];
  const hookOf = (transition: string) => hooks.find((h) => h.LifecycleTransition === transition);
  // A hook without HeartbeatTimeout waits 3600 s, and CONTINUEs unless DefaultResult says ABANDON (AWS_DOCS.lifecycleHooks).
  const hookTimeout = (hook: Hook | undefined) => (hook ? optionalNum(hook.HeartbeatTimeout, 'HeartbeatTimeout') ?? 3600 : undefined);
  const launchHook = hookOf('autoscaling:EC2_INSTANCE_LAUNCHING');
  const queueIds: string[] = [];
  const policyModels = policies.map(([id, r]) => policyOf(res, id, r.Properties ?? {}, queueIds));
  const queue = [...new Set(queueIds)].map((id) => res.all[id]?.Properties ?? {})[0] ?? {};
  const redrive = queue.RedrivePolicy as Props | undefined;
  const userData = userDataOf(res.all, p);
  const bootTag = tagOf(p, EXPECTED_BOOT_SECONDS_TAG);
  return {
    source: `${res.stack}/${asgId}`,
    minSize: num(p.MinSize, 'MinSize'),
    maxSize: num(p.MaxSize, 'MaxSize'),
    instanceTypes,
    onDemandBaseCapacity: optionalNum(distribution.OnDemandBaseCapacity, 'OnDemandBaseCapacity') ?? 0,
    // The percentage defaults to 100 (all on-demand) when the template omits it (AWS_DOCS.mixedInstances).
    onDemandPercentageAboveBaseCapacity: optionalNum(distribution.OnDemandPercentageAboveBaseCapacity, 'OnDemandPercentageAboveBaseCapacity') ?? 100,
    expectedBootSeconds: bootTag === undefined ? undefined : num(bootTag, `tag ${EXPECTED_BOOT_SECONDS_TAG}`),
    bootImage: tagOf(p, BOOT_IMAGE_TAG),
    maxConcurrentJobs: maxConcurrentJobsOf(userData),
    defaultInstanceWarmupSeconds: Math.max(0, optionalNum(p.DefaultInstanceWarmup, 'DefaultInstanceWarmup') ?? 0),
    launchHook: launchHook && { heartbeatTimeoutSeconds: hookTimeout(launchHook)!, defaultResult: launchHook.DefaultResult === 'ABANDON' ? 'ABANDON' : 'CONTINUE' },
    bootHeartbeats: bootHeartbeatsOf(userData),
    terminationHookTimeoutSeconds: hookTimeout(hookOf('autoscaling:EC2_INSTANCE_TERMINATING')),
    maxReceiveCount: redrive ? num(redrive.maxReceiveCount, 'maxReceiveCount') : undefined,
    messageRetentionSeconds: optionalNum(queue.MessageRetentionPeriod, 'MessageRetentionPeriod') ?? DEFAULT_RETENTION_SECONDS,
    policies: policyModels,
    schedules: schedules.map(([id, r]) => scheduleOf(id, r.Properties ?? {})),
  };
}
