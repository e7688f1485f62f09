import { ConfigError } from './config-error';
import { dev } from './dev';
import { EnvironmentConfig } from './environment-config';
import { prod } from './prod';
import { staging } from './staging';
import { validateEnvironmentConfig } from './validate-config';

export * from './environment-config';
export { ConfigError } from './config-error';
export * from './define-environment';
export { baseConfig } from './base';
export { environmentProblems, validateEnvironmentConfig } from './validate-config';

/** Every environment, in deployment order. Add a new one here (docs/environments.md "Adding an environment"). */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [dev, staging, prod];

/**
 * The environments named by the `env` context (`-c env=dev` or `-c env=dev,prod`), validated.
 * With no context, all of them.
 */
export function selectEnvironments(selection: unknown, all: readonly EnvironmentConfig[] = ENVIRONMENTS): EnvironmentConfig[] {
  const names = selection === undefined ? all.map((c) => c.name) : String(selection).split(',').map((n) => n.trim());
  const selected = names.map((name) => {
    const config = all.find((c) => c.name === name);
    if (!config) {
      throw new ConfigError(`context env ("${name}") is not an environment: use one or more of ${all.map((c) => c.name).join(', ')}, comma-separated`);
    }
    return config;
  });
  selected.forEach(validateEnvironmentConfig);
  return selected;
}
