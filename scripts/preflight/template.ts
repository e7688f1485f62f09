/** A CloudFormation template as JSON: what the preflight reads of it. */
export interface CfnTemplate {
  readonly Parameters?: Record<string, { readonly Type: string; readonly Default?: unknown }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Resources?: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value?: unknown }>;
}

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

/** One stack of the environment, as it would deploy. */
export interface EnvironmentStack {
  /** The deployed stack's name, e.g. `dev-AiInference`. */
  readonly stackName: string;
  readonly template: CfnTemplate;
  /**
   * The Region it deploys to, where the app names one (an environment with a `region`; its
   * standby Region's stacks name the `secondaryRegion`).
   * @default - the Region it is deployed to (an environment-agnostic stack)
   */
  readonly region?: string;
}

/**
 * The stacks of `stacks` that deploy to `region`: those that name it, and those that name none.
 * An environment with a `secondaryRegion` deploys its standby stacks there, and each Region is
 * checked (and needs its quotas) on its own.
 */
export function stacksIn(stacks: readonly EnvironmentStack[], region: string | undefined): EnvironmentStack[] {
  return stacks.filter((stack) => stack.region === undefined || stack.region === region);
}

/** The resources of `stacks` of one type, with their stack and logical id. */
export function resourcesOfType(stacks: readonly EnvironmentStack[], type: string): Array<{ stack: EnvironmentStack; logicalId: string; resource: CfnResource }> {
  return stacks.flatMap((stack) => Object.entries(stack.template.Resources ?? {})
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => ({ stack, logicalId, resource })));
}
