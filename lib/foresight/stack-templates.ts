import { CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { STANDBY_STACK_IDS } from '../stacks/stack-names';

/** A CloudFormation template as JSON. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value?: unknown }>;
}

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  /** The resource's metadata: `aws:cdk:path` is its construct path where the app records it (the cdk CLI's default). */
  readonly Metadata?: Record<string, unknown>;
}

/**
 * One synthesized stack, as aws-cdk-lib/cx-api's `CloudFormationStackArtifact` has it (tests
 * pass literals): its path in the app, e.g. `dev/AiInference`, and its template.
 */
export type StackTemplate = Pick<CloudFormationStackArtifact, 'hierarchicalId'> & { readonly template: CfnTemplate };

/** The stacks of one environment: one Stage of the app, read from the cloud assembly. */
export interface EnvironmentStacks {
  /** The Stage's name, e.g. `dev`. */
  readonly environment: string;
  /** The stacks of the environment's Region: what it runs and simulates. */
  readonly stacks: readonly StackTemplate[];
  /**
   * The stacks of its standby Region (`secondaryRegion`): its own network, inference services
   * standing by and, where configured, the endpoint. They stand by: the simulation leaves them out.
   * @default - none: one Region
   */
  readonly standbyStacks?: readonly StackTemplate[];
}

/**
 * The stacks of the environment (Stage) `name` in `assembly` (read with cx-api's
 * `new CloudAssembly(dir)`, or returned by `app.synth()`), its standby Region's apart, or an
 * error listing the environments there are.
 */
export function environmentStacks(assembly: CloudAssembly, name: string): EnvironmentStacks {
  const stage = assembly.nestedAssemblies.find((nested) => nested.displayName === name);
  if (!stage) {
    const names = assembly.nestedAssemblies.map((nested) => nested.displayName).join(', ') || 'none';
    throw new Error(`environment "${name}" is not in the cloud assembly (it has: ${names}): synthesize it with \`npx cdk synth -c env=${name}\``);
  }
  const standby = (stack: StackTemplate) => STANDBY_STACK_IDS.some((id) => stack.hierarchicalId === `${name}/${id}`);
  const stacks = stage.nestedAssembly.stacks;
  return { environment: name, stacks: stacks.filter((s) => !standby(s)), standbyStacks: stacks.filter(standby) };
}
