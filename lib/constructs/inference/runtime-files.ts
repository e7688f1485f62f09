import { FleetProcessor } from '../../gpu/fleet-processor';
import { AGENT_NODE_MAJOR } from './agent-bundling';

/**
 * The files the instance runtime reads, as the user data writes them. Kept apart from the
 * construct so the boot script's tests write exactly what a deployed instance gets.
 */

/** Where the user data puts the runtime's files on the instance. */
export const RUNTIME_PATHS = {
  bootScript: '/opt/ai-inference/boot.sh',
  agentBundle: '/opt/ai-inference/agent.js',
  bootEnv: '/etc/ai-inference/boot.env',
  modelEnv: '/etc/ai-inference/model.env',
  agentConfig: '/etc/ai-inference/agent.json',
} as const;

/** The values boot.sh sources from its config file. */
export interface BootSettings {
  /** MODEL_ARCHIVE_URL: `s3://<bucket>/<key>` of the model.tar.gz (the model bucket's `models/{name}/{version}/model.tar.gz`, or a registered model's archive). */
  readonly modelArchiveUrl: string;
  /** MODEL_NAME: the model served (a registered model's group name): the cache directory. */
  readonly modelName: string;
  /** MODEL_VERSION: its version, one cache directory per version. */
  readonly modelVersion: string;
  /** CONTAINER_IMAGE: image of the inference server, its build for `processor`. */
  readonly containerImage: string;
  /**
   * PROCESSOR: what the instance computes on. `gpu`: the Deep Learning AMI brings Docker and the
   * NVIDIA container toolkit, the container gets `--gpus all`, the CloudWatch agent publishes the
   * GPU metrics. `cpu`: boot installs Docker on Amazon Linux 2023, the container gets no GPU, and
   * the CloudWatch agent only ships logs (EC2 publishes CPUUtilization itself).
   */
  readonly processor: FleetProcessor;
  /** GPU_MEMORY_FRACTION: passed to the container. */
  readonly gpuMemoryFraction: number;
  /** MODEL_ENV_FILE: path of the container's extra environment (`--env-file`). */
  readonly modelEnvFile: string;
  /** FILE_SYSTEM_ID: the EFS model cache. */
  readonly fileSystemId: string;
  /** ACCESS_POINT_ID: the access point the cache is mounted through. */
  readonly accessPointId: string;
  /** LOG_GROUP_NAME: where the boot, agent and container logs go. */
  readonly logGroupName: string;
  /** METRICS_NAMESPACE: CloudWatch namespace of the GPU metrics the CloudWatch agent publishes (INSTANCE_METRICS_NAMESPACE). */
  readonly metricsNamespace: string;
  /** SERVER_PORT: the port the inference container listens on, published on the host's same port (the serving contract's). */
  readonly serverPort: number;
  /** HEALTH_PATH: the path of the container's health check, e.g. `/ping` (the serving contract's). */
  readonly healthCheckPath: string;
  /** LAUNCH_HOOK_NAME: the launch lifecycle hook, heartbeaten during boot and completed once the health check answers 200. */
  readonly launchLifecycleHookName: string;
  /**
   * BOOT_BUDGET_SECONDS: whole seconds the boot script may run, from its start to the CONTINUE;
   * past it boot ABANDONs the launch lifecycle action. The fleet's `bootBudget`: at most 100
   * heartbeat timeouts of the launch hook and 48 hours, the longest Auto Scaling keeps a
   * lifecycle action open.
   */
  readonly bootBudgetSeconds: number;
  /**
   * HEARTBEAT_INTERVAL_SECONDS: whole seconds between two lifecycle heartbeats while a step runs
   * (boot also records one as each step starts). Keep it at most a third of the launch hook's
   * heartbeat timeout.
   */
  readonly heartbeatIntervalSeconds: number;
  /**
   * STALL_TIMEOUT_SECONDS: whole seconds a step (packages, mount, model download and extraction,
   * ECR login, image pull) may run without progress, meaning new output or new bytes written,
   * before boot calls it stuck and ABANDONs.
   */
  readonly stallTimeoutSeconds: number;
  /** HEALTH_TIMEOUT_SECONDS: whole seconds boot waits for the health check to answer 200 before it ABANDONs. */
  readonly healthCheckTimeoutSeconds: number;
  /** AGENT_BUNDLE: path of the queue agent's bundle. */
  readonly agentBundle: string;
  /** AGENT_CONFIG: path of the queue agent's config file. */
  readonly agentConfig: string;
  /** AGENT_STOP_TIMEOUT_SECONDS: whole seconds systemd lets the agent drain on stop. */
  readonly agentStopTimeoutSeconds: number;
}

/** A single-quoted shell word. */
function shellQuote(value: string | number): string {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/** boot.sh's config file: one `NAME='value'` assignment per line; NODE_MAJOR is the agent's Node.js. */
export function bootEnvFile(settings: BootSettings): string {
  const variables: Record<string, string | number> = {
    NODE_MAJOR: AGENT_NODE_MAJOR,
    MODEL_ARCHIVE_URL: settings.modelArchiveUrl,
    MODEL_NAME: settings.modelName,
    MODEL_VERSION: settings.modelVersion,
    CONTAINER_IMAGE: settings.containerImage,
    PROCESSOR: settings.processor,
    GPU_MEMORY_FRACTION: settings.gpuMemoryFraction,
    MODEL_ENV_FILE: settings.modelEnvFile,
    FILE_SYSTEM_ID: settings.fileSystemId,
    ACCESS_POINT_ID: settings.accessPointId,
    LOG_GROUP_NAME: settings.logGroupName,
    METRICS_NAMESPACE: settings.metricsNamespace,
    SERVER_PORT: settings.serverPort,
    HEALTH_PATH: settings.healthCheckPath,
    LAUNCH_HOOK_NAME: settings.launchLifecycleHookName,
    BOOT_BUDGET_SECONDS: settings.bootBudgetSeconds,
    HEARTBEAT_INTERVAL_SECONDS: settings.heartbeatIntervalSeconds,
    STALL_TIMEOUT_SECONDS: settings.stallTimeoutSeconds,
    HEALTH_TIMEOUT_SECONDS: settings.healthCheckTimeoutSeconds,
    AGENT_BUNDLE: settings.agentBundle,
    AGENT_CONFIG: settings.agentConfig,
    AGENT_STOP_TIMEOUT_SECONDS: settings.agentStopTimeoutSeconds,
  };
  return Object.entries(variables).map(([name, value]) => `${name}=${shellQuote(value)}`).join('\n');
}

/** The inference container's extra environment, in `docker run --env-file` format. */
export function modelEnvFile(environment: Readonly<Record<string, string>>): string {
  return Object.entries(environment).map(([name, value]) => `${name}=${value}`).join('\n');
}
