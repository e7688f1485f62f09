import { EnvironmentConfig } from './environment-config';

/** Every field optional, recursively, except class instances and arrays, which are replaced whole. */
export type ConfigOverrides<T> = {
  readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? ConfigOverrides<T[K]> | T[K] : T[K];
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** `base` with `overrides` laid over it: plain objects merge field by field, anything else is replaced (an explicit `undefined` removes). */
export function mergeConfig<T>(base: T, overrides: ConfigOverrides<T>): T {
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeConfig(merged[key], value as ConfigOverrides<unknown>) : value;
  }
  return merged as T;
}

/** An environment: the base config with its name and overrides. */
export function defineEnvironment(base: Omit<EnvironmentConfig, 'name'>, name: string, overrides: ConfigOverrides<Omit<EnvironmentConfig, 'name'>>): EnvironmentConfig {
  return { ...mergeConfig(base, overrides), name };
}
