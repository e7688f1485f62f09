import { readFileSync } from 'node:fs';

/**
 * The agent's configuration: the JSON file written by the instance's user data at boot,
 * plus the instance's identity, which the boot script finds out and passes as environment
 * variables (INSTANCE_ID, AUTOSCALING_GROUP_NAME). Durations are seconds.
 */
export interface AgentConfig {
  /** The model the instance serves, logged with every start. */
  readonly model: { readonly name: string; readonly version: string; readonly containerImage: string; readonly gpuMemoryFraction: number };
  /** URL of the job queue. */
  readonly queueUrl: string;
  /** Region of the queue and the Auto Scaling group. */
  readonly region: string;
  /** URL the agent POSTs each job's body to. */
  readonly inferenceUrl: string;
  /** Longest one job may run before its request is aborted and the job retried. */
  readonly jobTimeoutSeconds: number;
  /** Visibility timeout set on receive and renewed by each heartbeat (whole seconds). */
  readonly visibilityTimeoutSeconds: number;
  /** Seconds between visibility heartbeats while a job runs (whole, < visibilityTimeoutSeconds). */
  readonly heartbeatIntervalSeconds: number;
  /** Long-poll wait of each receive (whole seconds, 1-20). */
  readonly waitTimeSeconds: number;
  /** Seconds a failed job stays hidden before it is retried (whole). */
  readonly retryDelaySeconds: number;
  /** Time a drain may take when the notice gives no deadline (SIGTERM, ASG termination, rebalance). */
  readonly drainTimeoutSeconds: number;
  /** Time kept before a drain deadline to return a job and complete the lifecycle action. */
  readonly drainMarginSeconds: number;
  /** Base URL of the instance metadata service. */
  readonly imdsEndpoint: string;
  /** Seconds between metadata polls for interruption and lifecycle notices. */
  readonly imdsPollIntervalSeconds: number;
  /** Idle seconds after a job before scale-in protection is cleared. */
  readonly protectionReleaseDelaySeconds: number;
  /** Seconds between attempts to complete the termination lifecycle action. */
  readonly lifecycleRetryIntervalSeconds: number;
  /** Name of the fleet's termination lifecycle hook. */
  readonly terminationLifecycleHookName: string;
  /** The instance the agent runs on. */
  readonly instanceId: string;
  /** The Auto Scaling group of the instance. */
  readonly autoScalingGroupName: string;
  /** Bucket of job results (`results/`), errors (`errors/`) and uploaded inputs (`inputs/`). */
  readonly resultsBucketName: string;
  /** Topic told of each job that succeeded. */
  readonly successTopicArn: string;
  /** Topic told of each job that failed for good or was malformed. */
  readonly errorTopicArn: string;
  /** The queue's maxReceiveCount: the attempt that writes `errors/<jobId>.json` when it fails (whole, >= 1). */
  readonly maxAttempts: number;
}

const STRING_FIELDS = [
  'queueUrl', 'region', 'inferenceUrl', 'imdsEndpoint', 'terminationLifecycleHookName', 'resultsBucketName', 'successTopicArn', 'errorTopicArn',
] as const;
const WHOLE_SECOND_FIELDS = ['visibilityTimeoutSeconds', 'heartbeatIntervalSeconds', 'waitTimeSeconds', 'retryDelaySeconds'] as const;
const SECOND_FIELDS = [
  'jobTimeoutSeconds',
  'drainTimeoutSeconds',
  'drainMarginSeconds',
  'imdsPollIntervalSeconds',
  'protectionReleaseDelaySeconds',
  'lifecycleRetryIntervalSeconds',
] as const;

/** Checks a parsed config file and the identity variables; throws one error naming every problem. */
export function parseConfig(file: Record<string, unknown>, env: NodeJS.ProcessEnv): AgentConfig {
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
  const instanceId = env.INSTANCE_ID ?? '';
  const autoScalingGroupName = env.AUTOSCALING_GROUP_NAME ?? '';
  if (!instanceId) problems.push('INSTANCE_ID is not set: the boot script writes it to the agent\'s environment file');
  if (!autoScalingGroupName) problems.push('AUTOSCALING_GROUP_NAME is not set: the boot script writes it to the agent\'s environment file');
  if (problems.length > 0) throw new Error(`Invalid agent config:\n- ${problems.join('\n- ')}`);
  return { ...(file as unknown as AgentConfig), instanceId, autoScalingGroupName };
}

/** Reads the config file named by argv[2] or AGENT_CONFIG. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): AgentConfig {
  const path = argv[2] ?? env.AGENT_CONFIG;
  if (!path) throw new Error('No config file: pass its path as the first argument or in AGENT_CONFIG');
  return parseConfig(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>, env);
}
