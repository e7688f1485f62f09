import { readFileSync } from 'node:fs';

/**
 * The agent's config file: the JSON the instance's user data writes to
 * `/etc/ai-inference/agent.json` (InferenceRuntime builds exactly this type). Durations are
 * seconds. The fields that bound AWS calls and their retries are optional, with the defaults
 * in AGENT_CONFIG_DEFAULTS.
 */
export interface AgentConfigFile {
  /** The model the instance serves, logged with every start. */
  readonly model: { readonly name: string; readonly version: string; readonly containerImage: string; readonly gpuMemoryFraction: number };
  /** URL of the job queue. */
  readonly queueUrl: string;
  /** Region of the queue and the Auto Scaling group. */
  readonly region: string;
  /** URL the agent POSTs each job's body to. */
  readonly inferenceUrl: string;
  /**
   * Longest one job may take from its receipt, waiting for scale-in protection included, before
   * it is aborted and retried (seconds).
   */
  readonly jobTimeoutSeconds: number;
  /**
   * Jobs the instance runs at once (whole, 1 to 1000, SageMaker asynchronous inference's range
   * for MaxConcurrentInvocationsPerInstance): each has its own lease, heartbeats and deadline,
   * and scale-in protection is held while any of them runs.
   */
  readonly maxConcurrentJobs: number;
  /**
   * Visibility timeout set on receive and renewed by each heartbeat (whole seconds), at least
   * minVisibilityTimeoutSeconds(apiTimeoutSeconds).
   */
  readonly visibilityTimeoutSeconds: number;
  /** Seconds between visibility heartbeats while a job runs or its delete is retried (> 0, < visibilityTimeoutSeconds). */
  readonly heartbeatIntervalSeconds: number;
  /**
   * Longest long-poll wait of each receive (whole seconds, 1-20); the agent shortens it to
   * longPollSeconds(config) when the visibility timeout is too short for it.
   */
  readonly waitTimeSeconds: number;
  /** Seconds a failed job stays hidden before it is retried (whole). */
  readonly retryDelaySeconds: number;
  /** Time a drain may take when the notice gives no deadline (SIGTERM, ASG termination, rebalance), in seconds. */
  readonly drainTimeoutSeconds: number;
  /** Time kept before a drain deadline to return a job, clear protection and complete the lifecycle action (seconds). */
  readonly drainMarginSeconds: number;
  /** Base URL of the instance metadata service. */
  readonly imdsEndpoint: string;
  /** Seconds between metadata polls for interruption and lifecycle notices. */
  readonly imdsPollIntervalSeconds: number;
  /** Idle seconds after a job before scale-in protection is cleared. */
  readonly protectionReleaseDelaySeconds: number;
  /**
   * Longest wait between attempts to complete the termination lifecycle action (seconds, > 0):
   * the cap of that call's backoff, below backoffMaxSeconds so a drain never idles long.
   */
  readonly lifecycleRetryIntervalSeconds: number;
  /** Name of the fleet's termination lifecycle hook. */
  readonly terminationLifecycleHookName: string;
  /**
   * Bucket of job results (`results/<jobId>`), error documents (`errors/<jobId>.json`) and
   * inputs too large for a message (`inputs/<jobId>`). The result is written here before the
   * job's message is deleted.
   */
  readonly resultsBucketName: string;
  /** ARN of the topic told of each job that succeeded (a repeat flagged as such). */
  readonly successTopicArn: string;
  /** ARN of the topic told of each job that was malformed or failed its last attempt. */
  readonly errorTopicArn: string;
  /**
   * CloudWatch namespace of the job latency metrics the agent's log carries (the instance
   * metrics' namespace, INSTANCE_METRICS_NAMESPACE; see job-metrics.ts).
   */
  readonly metricsNamespace: string;
  /**
   * The job queue's maxReceiveCount (whole, >= 1): the attempt whose failure writes
   * `errors/<jobId>.json` and notifies the error topic before SQS dead-letters the job.
   */
  readonly maxAttempts: number;
  /**
   * Longest wait for the TCP connection of one AWS API call (seconds).
   * @default 3
   */
  readonly apiConnectTimeoutSeconds?: number;
  /**
   * Longest one AWS API call may take before it is aborted (seconds); a receive may take
   * waitTimeSeconds more for its long poll.
   * @default 10
   */
  readonly apiTimeoutSeconds?: number;
  /**
   * Longest one instance metadata request may take before it is aborted (seconds).
   * @default 2
   */
  readonly imdsTimeoutSeconds?: number;
  /**
   * Delay before the first retry of a failed AWS call (seconds); it doubles with each
   * consecutive failure, with jitter, up to backoffMaxSeconds.
   * @default 1
   */
  readonly backoffBaseSeconds?: number;
  /**
   * Cap of the delay between retries of a failing AWS call (seconds).
   * @default 20
   */
  readonly backoffMaxSeconds?: number;
  /**
   * How long the delete of a completed job is retried (heartbeats keeping it hidden meanwhile)
   * before the agent gives up and lets it reappear (seconds). The error document of a last
   * attempt that ran out of time gets the same budget, from the job's deadline.
   * @default 600
   */
  readonly deleteRetryBudgetSeconds?: number;
}

/** The optional fields of the config file. */
type OptionalField = 'apiConnectTimeoutSeconds' | 'apiTimeoutSeconds' | 'imdsTimeoutSeconds' | 'backoffBaseSeconds' | 'backoffMaxSeconds' | 'deleteRetryBudgetSeconds';

/** Values of the optional config fields when the file leaves them out. */
export const AGENT_CONFIG_DEFAULTS: Readonly<Required<Pick<AgentConfigFile, OptionalField>>> = {
  apiConnectTimeoutSeconds: 3,
  apiTimeoutSeconds: 10,
  imdsTimeoutSeconds: 2,
  backoffBaseSeconds: 1,
  backoffMaxSeconds: 20,
  deleteRetryBudgetSeconds: 600,
};

/**
 * The agent's configuration: the config file plus the instance's identity, which the boot
 * script finds out and passes as environment variables (INSTANCE_ID, AUTOSCALING_GROUP_NAME).
 */
export interface AgentConfig extends AgentConfigFile {
  /** The instance the agent runs on. */
  readonly instanceId: string;
  /** The Auto Scaling group of the instance. */
  readonly autoScalingGroupName: string;
}

/** The configuration the agent runs with: every optional field resolved to its value or default. */
export type ResolvedAgentConfig = Required<AgentConfig>;

/**
 * SageMaker asynchronous inference takes 1 to 1000 concurrent invocations per instance
 * (MaxConcurrentInvocationsPerInstance:
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_AsyncInferenceClientConfig.html).
 */
export const MAX_CONCURRENT_JOBS = 1000;

/**
 * The shortest visibility timeout (whole seconds) the agent can hold a message with: the agent
 * counts a message hidden from the moment it sent the receive, so a message delivered at the
 * end of a long poll must stay hidden through a long poll of at least 1 s, the receive's answer
 * and the first heartbeat, each bounded by apiTimeoutSeconds.
 */
export function minVisibilityTimeoutSeconds(apiTimeoutSeconds: number): number {
  return Math.ceil(1 + 2 * apiTimeoutSeconds);
}

/**
 * The long poll the agent uses: waitTimeSeconds, shortened so that the poll, the receive's
 * answer and the first heartbeat fit in the visibility timeout (a message is never counted
 * hidden for less than the time its first renewal may take).
 */
export function longPollSeconds(config: Pick<ResolvedAgentConfig, 'waitTimeSeconds' | 'visibilityTimeoutSeconds' | 'apiTimeoutSeconds'>): number {
  return Math.max(1, Math.min(config.waitTimeSeconds, Math.floor(config.visibilityTimeoutSeconds - 2 * config.apiTimeoutSeconds)));
}

/** The rule of the visibility timeout, shared by the agent's parser and InferenceRuntime. */
export function visibilityTimeoutProblem(field: string, visibilityTimeoutSeconds: number, apiTimeoutSeconds: number): string | undefined {
  const min = minVisibilityTimeoutSeconds(apiTimeoutSeconds);
  return visibilityTimeoutSeconds >= min ? undefined
    : `${field} (${visibilityTimeoutSeconds} s) must be at least ${min} s: a message received at the end of a long poll `
      + `must stay hidden through a 1 s poll, the receive's answer and its first heartbeat (${apiTimeoutSeconds} s each); raise it`;
}

const STRING_FIELDS = [
  'queueUrl', 'region', 'inferenceUrl', 'imdsEndpoint', 'terminationLifecycleHookName', 'resultsBucketName', 'successTopicArn', 'errorTopicArn',
  'metricsNamespace',
] as const;
const WHOLE_SECOND_FIELDS = ['visibilityTimeoutSeconds', 'waitTimeSeconds', 'retryDelaySeconds'] as const;
const SECOND_FIELDS = [
  'jobTimeoutSeconds',
  'heartbeatIntervalSeconds',
  'drainTimeoutSeconds',
  'drainMarginSeconds',
  'imdsPollIntervalSeconds',
  'protectionReleaseDelaySeconds',
] as const;
const POSITIVE_FIELDS = ['lifecycleRetryIntervalSeconds', 'apiConnectTimeoutSeconds', 'apiTimeoutSeconds', 'imdsTimeoutSeconds', 'backoffBaseSeconds', 'backoffMaxSeconds'] as const;

/** Checks a parsed config file and the identity variables; throws one error naming every problem. */
export function parseConfig(file: Record<string, unknown>, env: NodeJS.ProcessEnv): ResolvedAgentConfig {
  const problems: string[] = [];
  const model = file.model as Record<string, unknown> | undefined;
  if (typeof model?.name !== 'string' || typeof model.version !== 'string') {
    problems.push(`model (${JSON.stringify(model)}) must name the model served: { name, version, containerImage, gpuMemoryFraction }`);
  }
  for (const field of STRING_FIELDS) {
    if (typeof file[field] !== 'string' || (file[field] as string).length === 0) {
      problems.push(`${field} (${JSON.stringify(file[field])}) must be a non-empty string`);
    }
  }
  for (const field of SECOND_FIELDS) {
    const value = file[field];
    if (typeof value !== 'number' || !(value >= 0)) problems.push(`${field} (${JSON.stringify(value)}) must be a number >= 0`);
  }
  for (const field of WHOLE_SECOND_FIELDS) {
    const value = file[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      problems.push(`${field} (${JSON.stringify(value)}) must be a whole number of seconds >= 0`);
    }
  }
  const withDefaults = { ...AGENT_CONFIG_DEFAULTS, ...file } as unknown as Required<AgentConfigFile>;
  for (const field of POSITIVE_FIELDS) {
    const value: unknown = withDefaults[field];
    if (typeof value !== 'number' || !(value > 0)) problems.push(`${field} (${JSON.stringify(value)}) must be a number > 0 (seconds)`);
  }
  const budget: unknown = withDefaults.deleteRetryBudgetSeconds;
  if (typeof budget !== 'number' || !(budget >= 0)) {
    problems.push(`deleteRetryBudgetSeconds (${JSON.stringify(budget)}) must be a number >= 0 (seconds; leave it out for the default)`);
  }
  if (withDefaults.backoffMaxSeconds < withDefaults.backoffBaseSeconds) {
    problems.push(`backoffMaxSeconds (${withDefaults.backoffMaxSeconds}) must be >= backoffBaseSeconds (${withDefaults.backoffBaseSeconds})`);
  }
  if (typeof file.heartbeatIntervalSeconds === 'number' && typeof file.visibilityTimeoutSeconds === 'number'
    && !(file.heartbeatIntervalSeconds > 0 && file.heartbeatIntervalSeconds < file.visibilityTimeoutSeconds)) {
    problems.push(`heartbeatIntervalSeconds (${file.heartbeatIntervalSeconds}) must be > 0 and < visibilityTimeoutSeconds (${file.visibilityTimeoutSeconds})`);
  }
  if (typeof file.maxAttempts !== 'number' || !Number.isInteger(file.maxAttempts) || file.maxAttempts < 1) {
    problems.push(`maxAttempts (${JSON.stringify(file.maxAttempts)}) must be a whole number >= 1: the job queue's maxReceiveCount`);
  }
  if (typeof file.waitTimeSeconds === 'number' && !(file.waitTimeSeconds >= 1 && file.waitTimeSeconds <= 20)) {
    problems.push(`waitTimeSeconds (${file.waitTimeSeconds}) must be between 1 and 20`);
  }
  if (typeof file.visibilityTimeoutSeconds === 'number' && typeof withDefaults.apiTimeoutSeconds === 'number') {
    const problem = visibilityTimeoutProblem('visibilityTimeoutSeconds', file.visibilityTimeoutSeconds, withDefaults.apiTimeoutSeconds);
    if (problem) problems.push(`${problem} or lower apiTimeoutSeconds`);
  }
  const slots = file.maxConcurrentJobs;
  if (typeof slots !== 'number' || !Number.isInteger(slots) || slots < 1 || slots > MAX_CONCURRENT_JOBS) {
    problems.push(`maxConcurrentJobs (${JSON.stringify(slots)}) must be a whole number from 1 to ${MAX_CONCURRENT_JOBS}`);
  }
  const instanceId = env.INSTANCE_ID ?? '';
  const autoScalingGroupName = env.AUTOSCALING_GROUP_NAME ?? '';
  if (!instanceId) problems.push('INSTANCE_ID is not set: the boot script writes it to the agent\'s environment file');
  if (!autoScalingGroupName) problems.push('AUTOSCALING_GROUP_NAME is not set: the boot script writes it to the agent\'s environment file');
  if (problems.length > 0) throw new Error(`Invalid agent config:\n- ${problems.join('\n- ')}`);
  return { ...withDefaults, instanceId, autoScalingGroupName };
}

/** Reads the config file named by argv[2] or AGENT_CONFIG. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ResolvedAgentConfig {
  const path = argv[2] ?? env.AGENT_CONFIG;
  if (!path) throw new Error('No config file: pass its path as the first argument or in AGENT_CONFIG');
  return parseConfig(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>, env);
}
