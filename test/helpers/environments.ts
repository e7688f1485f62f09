import { ENVIRONMENTS } from '../../lib/config';

/** `base`, or `base-2`, `base-3`, ...: the first that is not in `taken`. */
export function nameNotIn(taken: readonly string[], base: string): string {
  let name = base;
  for (let n = 2; taken.includes(name); n++) name = `${base}-${n}`;
  return name;
}

/** The names of ENVIRONMENTS, in their order. */
export const ENVIRONMENT_NAMES: readonly string[] = ENVIRONMENTS.map((c) => c.name);

/** A valid environment name that is not one of ENVIRONMENTS, whatever environments are added. */
export const UNKNOWN_ENVIRONMENT = nameNotIn(ENVIRONMENT_NAMES, 'qa');
