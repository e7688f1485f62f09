import { ENVIRONMENTS, EnvironmentConfig, inferenceServicesOf } from '../lib/config';
import { UsageError } from './cli';

/**
 * How the scripts read `--env` and `--service`: names from ENVIRONMENTS and each environment's
 * `inference` services, never a list of their own. A name that is not there is a usage error
 * listing the ones that are.
 */

/** The environment `--env` names. */
export function environmentNamed(name: string | undefined, environments: readonly EnvironmentConfig[] = ENVIRONMENTS): EnvironmentConfig {
  const config = environments.find((c) => c.name === name);
  if (!config) throw new UsageError(`--env (${name ?? 'missing'}) must be one of ${environments.map((c) => c.name).join(', ')}`);
  return config;
}

/** The environments `--env` names, comma-separated, or `all`; every environment when it is absent. */
export function environmentsNamed(selection: string | undefined, environments: readonly EnvironmentConfig[] = ENVIRONMENTS): EnvironmentConfig[] {
  if (selection === undefined || selection === 'all') return [...environments];
  return selection.split(',').map((name) => environmentNamed(name.trim(), environments));
}

/** The services of `config` that `--service` names, comma-separated; every service of the environment when it is absent. */
export function servicesNamed(config: EnvironmentConfig, selection: string | undefined): string[] {
  const names = inferenceServicesOf(config).map(([name]) => name);
  if (selection === undefined) return names;
  return selection.split(',').map((name) => name.trim()).map((name) => {
    if (!names.includes(name)) throw new UsageError(`--service (${name}) is not a service of ${config.name}: use one of ${names.join(', ')}`);
    return name;
  });
}

/** The one service `--service` names, or the environment's only service. */
export function serviceNamed(config: EnvironmentConfig, selection: string | undefined): string {
  const services = servicesNamed(config, selection);
  if (services.length !== 1) {
    throw new UsageError(`--service is needed: ${config.name} has the services ${services.join(', ')}; name one`);
  }
  return services[0];
}
