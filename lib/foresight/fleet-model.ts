/**
 * What the simulator knows about one inference fleet (GPU or CPU types): read from a synthesized template
 * (template-fleet.ts) or built in code (the seed's policy, unit tests).
 */

/** The CloudWatch series the simulator produces, by namespace and metric name. */
export type SignalName = 'visible' | 'inFlight' | 'oldestAgeSeconds' | 'sent' | 'inService' | 'desired' | 'gpuUtilization' | 'cpuUtilization';

/** One query of an alarm or a target tracking policy: a metric, or an expression over other ids. */
export interface MetricQuery {
  /** Id other expressions refer to. */
  readonly id: string;
  /** Metric math expression; set instead of `signal`. */
  readonly expression?: string;
  /** The series this metric reads; set instead of `expression`. */
  readonly signal?: SignalName;
  /** Statistic over one period: Average, Maximum, Minimum, Sum or SampleCount. */
  readonly statistic?: string;
  /** Whether this query is the result the alarm compares. */
  readonly returnData: boolean;
}

/** How a CloudWatch alarm compares its datapoints. */
export type ComparisonOperator =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/** How an alarm treats a missing datapoint. */
export type MissingDataTreatment = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

/** A CloudWatch metric alarm. */
export interface AlarmModel {
  /** The metric or expression queries; exactly one returns data. */
  readonly queries: readonly MetricQuery[];
  /** Seconds per datapoint (a multiple of 60). */
  readonly periodSeconds: number;
  /** N: the datapoints evaluated. */
  readonly evaluationPeriods: number;
  /** M: the breaching datapoints among N that put the alarm in ALARM. */
  readonly datapointsToAlarm: number;
  /** Threshold the datapoints are compared with. */
  readonly threshold: number;
  /** How datapoints are compared with the threshold. */
  readonly comparisonOperator: ComparisonOperator;
  /** What a missing datapoint counts as. */
  readonly treatMissingData: MissingDataTreatment;
}

/**
 * One step of a step scaling policy, bounds relative to the alarm threshold. Which bound is
 * inclusive depends on the side of the threshold the metric is on (see step-scaling.ts).
 */
export interface StepAdjustment {
  /** Lower bound of (value - threshold); undefined is -infinity. */
  readonly lowerBound?: number;
  /** Upper bound of (value - threshold); undefined is +infinity. */
  readonly upperBound?: number;
  /** Change in capacity, or the capacity for ExactCapacity. */
  readonly adjustment: number;
}

/** How a step or simple policy's adjustment applies. */
export type AdjustmentType = 'ChangeInCapacity' | 'ExactCapacity' | 'PercentChangeInCapacity';

/** A target tracking policy: AWS creates and manages its two alarms. */
export interface TargetTrackingPolicyModel {
  readonly kind: 'targetTracking';
  /** Name shown in events (the logical id of the policy). */
  readonly name: string;
  /** Value the metric is kept at. */
  readonly targetValue: number;
  /** The metric (or metric math) tracked; exactly one query returns data. */
  readonly queries: readonly MetricQuery[];
  /** Seconds per datapoint of the metric: 60, or 10/30 for high-resolution metrics. */
  readonly periodSeconds: number;
  /** Whether the policy never scales in. */
  readonly disableScaleIn: boolean;
}

/** A step scaling policy driven by an alarm. */
export interface StepPolicyModel {
  readonly kind: 'step';
  readonly name: string;
  readonly adjustmentType: AdjustmentType;
  /** Smallest change of a PercentChangeInCapacity adjustment (MinAdjustmentMagnitude); undefined: none. */
  readonly minAdjustmentMagnitude?: number;
  readonly steps: readonly StepAdjustment[];
  /** The alarm whose action is this policy. */
  readonly alarm: AlarmModel;
}

/** A simple scaling policy (one adjustment, then a cooldown). */
export interface SimplePolicyModel {
  readonly kind: 'simple';
  readonly name: string;
  readonly adjustmentType: AdjustmentType;
  /** Smallest change of a PercentChangeInCapacity adjustment (MinAdjustmentMagnitude); undefined: none. */
  readonly minAdjustmentMagnitude?: number;
  readonly adjustment: number;
  /** Seconds after a scaling activity during which this policy does not act. */
  readonly cooldownSeconds: number;
  readonly alarm: AlarmModel;
}

/**
 * A predictive scaling policy on customized metrics (predictive-scaling.ts models what AWS does
 * with it): the load and scaling metrics as queries, the target, and how the forecast is applied.
 */
export interface PredictivePolicyModel {
  readonly kind: 'predictive';
  readonly name: string;
  /** ForecastOnly forecasts without scaling; ForecastAndScale raises capacity to the forecast. */
  readonly mode: 'ForecastOnly' | 'ForecastAndScale';
  /** Seconds before each forecast hour the capacity is launched (SchedulingBufferTime). */
  readonly schedulingBufferSeconds: number;
  /** Whether the forecast may raise MaxSize (IncreaseMaxCapacity) or is capped by it (HonorMaxCapacity). */
  readonly maxCapacityBreachBehavior: 'HonorMaxCapacity' | 'IncreaseMaxCapacity';
  /** Percent above the forecast MaxSize may rise to with IncreaseMaxCapacity (MaxCapacityBuffer). */
  readonly maxCapacityBuffer?: number;
  /** The scaling metric's target value. */
  readonly targetValue: number;
  /** The load on the whole group (a Sum): exactly one query returns data. */
  readonly load: readonly MetricQuery[];
  /** The load per unit of capacity: exactly one query returns data. */
  readonly scaling: readonly MetricQuery[];
}

/** Any scaling policy of the fleet. */
export type PolicyModel = TargetTrackingPolicyModel | StepPolicyModel | SimplePolicyModel | PredictivePolicyModel;

/** A recurring scheduled action. */
export interface ScheduleModel {
  readonly name: string;
  /** 5-field cron expression. */
  readonly cron: string;
  /** IANA time zone of the cron expression. */
  readonly timeZone: string;
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly desiredCapacity?: number;
}

/** The fleet: sizes, instance mix, lifecycle timings, policies and schedules. */
export interface FleetModel {
  /** Where the fleet came from, e.g. `dev/AiInference/FleetGroupASGF037160E`. */
  readonly source: string;
  readonly minSize: number;
  readonly maxSize: number;
  /** Instance types, most preferred first. */
  readonly instanceTypes: readonly string[];
  readonly onDemandBaseCapacity: number;
  readonly onDemandPercentageAboveBaseCapacity: number;
  /**
   * Seconds from launch to InService the fleet plans for (its `ai-infra:expected-boot-seconds`
   * tag); undefined when the group carries no such tag.
   */
  readonly expectedBootSeconds?: number;
  /** The fleet's boot image strategy (its `ai-infra:boot-image` tag), when it carries one. */
  readonly bootImage?: string;
  /** Jobs one instance runs at once: the instance agent's `maxConcurrentJobs` (1 when the user data holds no agent config). */
  readonly maxConcurrentJobs: number;
  /** Seconds after InService during which an instance is warming (0: none). */
  readonly defaultInstanceWarmupSeconds: number;
  /** The launch lifecycle hook; undefined when there is none. */
  readonly launchHook?: LaunchHookModel;
  /** How the instances' boot keeps the launch hook alive; undefined when it records no heartbeats. */
  readonly bootHeartbeats?: BootHeartbeatsModel;
  /** Heartbeat timeout of the termination lifecycle hook; undefined when there is none. */
  readonly terminationHookTimeoutSeconds?: number;
  /** Receives after which SQS moves a job to the dead-letter queue; undefined: never. */
  readonly maxReceiveCount?: number;
  /** Seconds SQS keeps a job before deleting it. */
  readonly messageRetentionSeconds: number;
  readonly policies: readonly PolicyModel[];
  readonly schedules: readonly ScheduleModel[];
}

/** A launch lifecycle hook: the instance waits in Pending:Wait until it is completed or times out. */
export interface LaunchHookModel {
  /** Seconds without a heartbeat after which the hook times out (HeartbeatTimeout). */
  readonly heartbeatTimeoutSeconds: number;
  /** What happens at the timeout (DefaultResult). */
  readonly defaultResult: 'CONTINUE' | 'ABANDON';
}

/**
 * How the fleet's boot script treats the launch hook: it records a heartbeat every
 * `intervalSeconds` while it runs, completes the hook with CONTINUE when the instance is ready
 * and ABANDONs it itself once it has run `budgetSeconds`.
 */
export interface BootHeartbeatsModel {
  readonly intervalSeconds: number;
  readonly budgetSeconds: number;
}
