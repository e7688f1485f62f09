import * as fs from 'fs';
import { acceleratedInstanceType } from '../gpu/accelerated-instance-types';
import { controlTowerControl } from './control-tower-controls';
import { ControlTowerExemption } from './control-tower-exemption';

/** The instance type patterns a Nitro control accepts: its Guard file's `let ..._INSTANCE_TYPES = [ /^g5\..+?$/, ... ]`. */
export function controlInstanceTypePatterns(controlId: string): RegExp[] {
  const { ruleFile } = controlTowerControl(controlId);
  const list = /^let \w*INSTANCE_TYPES = \[([^\]]*)\]/m.exec(fs.readFileSync(ruleFile, 'utf8'));
  if (!list) throw new Error(`${controlId} (${ruleFile}) declares no instance type list: it is not a Nitro control`);
  return [...list[1].matchAll(/\/(\^[^/]+\$)\//g)].map((m) => new RegExp(m[1]));
}

/**
 * The exemption from a Nitro control (CT.AUTOSCALING.PR.10/11, CT.EC2.PR.18/20) of a resource
 * launching `instanceTypes`. It holds where some of the types are missing from the control's list
 * and every one of them is Nitro in lib/gpu's catalog: the list predates g6 and g6e. A type that
 * is not Nitro (p3.8xlarge) or not in the catalog keeps the finding, and the synth fails.
 */
export function nitroTypesOffControlList(controlId: string, instanceTypes: readonly string[]): ControlTowerExemption {
  const patterns = controlInstanceTypePatterns(controlId);
  const off = instanceTypes.filter((type) => !patterns.some((pattern) => pattern.test(type)));
  return {
    control: controlId,
    reason: 'The control checks a fixed list of Nitro types that predates g6; g6 is Nitro (lib/gpu catalog: nitro true), encrypts traffic '
      + 'between instances, and is the cheapest current GPU per hour. The exemption holds only while every type off the list is Nitro in '
      + 'the catalog: a Xen type such as p3.8xlarge (whose Volta GPUs the Deep Learning AMI does not run either) still fails the synth.',
    condition: {
      description: 'instance types off the control\'s list, each of them Nitro in lib/gpu\'s catalog',
      holds: off.length > 0 && off.every((type) => acceleratedInstanceType(type)?.nitro === true),
    },
  };
}
