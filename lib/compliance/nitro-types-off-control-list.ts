import * as fs from 'fs';
import { EnvironmentConfig } from '../config';
import { acceleratedInstanceType } from '../gpu/accelerated-instance-types';
import { controlTowerControl } from './control-tower-controls';
import { ExemptionCondition } from './control-tower-exemption';

/** The instance type patterns a Nitro control accepts: its Guard file's `let ..._INSTANCE_TYPES = [ /^g5\..+?$/, ... ]`. */
export function controlInstanceTypePatterns(controlId: string): RegExp[] {
  const { ruleFile } = controlTowerControl(controlId);
  const list = /^let \w*INSTANCE_TYPES = \[([^\]]*)\]/m.exec(fs.readFileSync(ruleFile, 'utf8'));
  if (!list) throw new Error(`${controlId} (${ruleFile}) declares no instance type list: it is not a Nitro control`);
  return [...list[1].matchAll(/\/(\^[^/]+\$)\//g)].map((m) => new RegExp(m[1]));
}

/**
 * Holds where some of the resource's instance types are missing from the control's list and
 * every one of them is Nitro in lib/gpu's catalog: the list predates g6 and g6e. A type that is
 * not Nitro (p3.8xlarge) or not in the catalog keeps the finding, and the synth fails.
 */
export function nitroTypesOffControlList(
  controlId: string, where: string, instanceTypesOf: (config: EnvironmentConfig) => readonly string[],
): ExemptionCondition {
  const patterns = controlInstanceTypePatterns(controlId);
  return {
    description: `${where} has types off the control's list, all Nitro in lib/gpu's catalog (g6)`,
    appliesTo: (config) => {
      const off = instanceTypesOf(config).filter((type) => !patterns.some((pattern) => pattern.test(type)));
      return off.length > 0 && off.every((type) => acceleratedInstanceType(type)?.nitro === true);
    },
  };
}
