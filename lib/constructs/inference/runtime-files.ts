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
  readonly modelBucketName: string;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly containerImage: string;
  readonly gpuMemoryFraction: number;
  readonly modelEnvFile: string;
  readonly fileSystemId: string;
  readonly accessPointId: string;
  readonly logGroupName: string;
  readonly launchLifecycleHookName: string;
  readonly healthCheckTimeoutSeconds: number;
  readonly agentBundle: string;
  readonly agentConfig: string;
  readonly agentStopTimeoutSeconds: number;
}

/** A single-quoted shell word. */
function shellQuote(value: string | number): string {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/** boot.sh's config file: one `NAME='value'` assignment per line. */
export function bootEnvFile(settings: BootSettings): string {
  const variables: Record<string, string | number> = {
    MODEL_BUCKET: settings.modelBucketName,
    MODEL_NAME: settings.modelName,
    MODEL_VERSION: settings.modelVersion,
    CONTAINER_IMAGE: settings.containerImage,
    GPU_MEMORY_FRACTION: settings.gpuMemoryFraction,
    MODEL_ENV_FILE: settings.modelEnvFile,
    FILE_SYSTEM_ID: settings.fileSystemId,
    ACCESS_POINT_ID: settings.accessPointId,
    LOG_GROUP_NAME: settings.logGroupName,
    LAUNCH_HOOK_NAME: settings.launchLifecycleHookName,
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
