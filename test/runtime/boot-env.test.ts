import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTANCE_METRICS_NAMESPACE } from '../../lib/gpu/gpu-metrics';
import { BootSettings, bootEnvFile } from '../../lib/constructs/inference/runtime-files';

const SETTINGS: BootSettings = {
  modelArchiveUrl: 's3://model-bucket/models/llm/7/model.tar.gz',
  modelName: 'llm',
  modelVersion: '7',
  containerImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/llm-server:1.2',
  processor: 'gpu',
  gpuMemoryFraction: 0.8,
  modelEnvFile: '/etc/ai-inference/model.env',
  fileSystemId: 'fs-0123',
  accessPointId: 'fsap-0456',
  logGroupName: "/ai/inference/it's-dev",
  metricsNamespace: INSTANCE_METRICS_NAMESPACE,
  serverPort: 8080,
  healthCheckPath: '/ping',
  launchLifecycleHookName: 'model-warm',
  bootBudgetSeconds: 1800,
  heartbeatIntervalSeconds: 60,
  stallTimeoutSeconds: 600,
  healthCheckTimeoutSeconds: 900,
  agentBundle: '/opt/ai-inference/agent.js',
  agentConfig: '/etc/ai-inference/agent.json',
  agentStopTimeoutSeconds: 960,
};

/** The variables boot.sh sees once it sources `content`. */
function sourced(content: string, names: string[]): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'boot-env-'));
  try {
    writeFileSync(join(dir, 'boot.env'), content);
    const script = `set -euo pipefail; source "$1"; shift; for name in "$@"; do printf '%s\\n' "\${!name}"; done`;
    const result = spawnSync('bash', ['-c', script, 'bash', join(dir, 'boot.env'), ...names], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const values = result.stdout.split('\n');
    return Object.fromEntries(names.map((name, index) => [name, values[index]]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('bootEnvFile', () => {
  test('gives boot.sh the boot budget, heartbeat interval, stall timeout and metrics namespace it is given', () => {
    const env = bootEnvFile({
      ...SETTINGS, bootBudgetSeconds: 2700, heartbeatIntervalSeconds: 30, stallTimeoutSeconds: 300, metricsNamespace: 'Team/Gpu',
    });
    expect(sourced(env, ['BOOT_BUDGET_SECONDS', 'HEARTBEAT_INTERVAL_SECONDS', 'STALL_TIMEOUT_SECONDS', 'METRICS_NAMESPACE'])).toEqual({
      BOOT_BUDGET_SECONDS: '2700', HEARTBEAT_INTERVAL_SECONDS: '30', STALL_TIMEOUT_SECONDS: '300', METRICS_NAMESPACE: 'Team/Gpu',
    });
  });

  test('gives boot.sh the server port and health check path it is given', () => {
    expect(sourced(bootEnvFile({ ...SETTINGS, serverPort: 9000, healthCheckPath: '/healthz' }), ['SERVER_PORT', 'HEALTH_PATH'])).toEqual({ SERVER_PORT: '9000', HEALTH_PATH: '/healthz' });
  });

  test('gives boot.sh the processor the instances compute on', () => {
    expect(sourced(bootEnvFile({ ...SETTINGS, processor: 'cpu' }), ['PROCESSOR'])).toEqual({ PROCESSOR: 'cpu' });
  });

  test('quotes each value so the shell reads it back unchanged', () => {
    expect(sourced(bootEnvFile(SETTINGS), ['LOG_GROUP_NAME', 'CONTAINER_IMAGE', 'HEALTH_TIMEOUT_SECONDS'])).toEqual({
      LOG_GROUP_NAME: "/ai/inference/it's-dev",
      CONTAINER_IMAGE: SETTINGS.containerImage,
      HEALTH_TIMEOUT_SECONDS: '900',
    });
  });
});
