import { existsSync } from 'fs';
import { join } from 'path';
import { CloudAssembly, CloudFormationStackArtifact, UNKNOWN_REGION } from 'aws-cdk-lib/cx-api';
import { CfnTemplate } from '../../lib/foresight/stack-templates';

/** A synthesized stack, as CloudFormation names it, with the template it deploys. */
export interface AssemblyStack {
  /** The deployed stack's name, e.g. `dev-AiInference`. */
  readonly stackName: string;
  /** The stack's region, if the app names one (environment-agnostic stacks do not). */
  readonly region?: string;
  /** The synthesized template: which differences are operational state is read from it. */
  readonly template: CfnTemplate;
}

/**
 * The stacks of `target` in the cloud assembly at `directory`: every stack of the Stage with
 * that id (an environment), or the top-level stack with that id (the GitHub roles). Throws
 * naming the targets the assembly holds when it has neither.
 */
export function assemblyStacks(directory: string, target: string): AssemblyStack[] {
  if (!existsSync(join(directory, 'manifest.json'))) {
    throw new Error(`no cloud assembly in ${directory}: run npx cdk synth first`);
  }
  const assembly = new CloudAssembly(directory);
  const stage = assembly.nestedAssemblies.find((nested) => nested.displayName === target);
  const stacks = stage ? stage.nestedAssembly.stacks : assembly.stacks.filter((stack) => stack.hierarchicalId === target);
  if (stacks.length === 0) {
    const targets = [...assembly.nestedAssemblies.map((nested) => nested.displayName), ...assembly.stacks.map((stack) => stack.hierarchicalId)];
    throw new Error(`the cloud assembly in ${directory} has no stage or stack "${target}": it has ${targets.join(', ') || 'nothing'}`);
  }
  return stacks.map(toAssemblyStack);
}

function toAssemblyStack(stack: CloudFormationStackArtifact): AssemblyStack {
  const region = stack.environment.region === UNKNOWN_REGION ? undefined : stack.environment.region;
  return { stackName: stack.stackName, ...(region ? { region } : {}), template: stack.template as CfnTemplate };
}
