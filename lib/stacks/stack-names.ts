/**
 * The construct ids of an environment's stacks. A Stage names each stack `<stage>-<id>`, so
 * these ids are also the deployed stacks' names: renaming one replaces the stack.
 */
export const STACK_IDS = {
  network: 'Network',
  inference: 'AiInference',
  training: 'Training',
  cost: 'Cost',
  mlPlatform: 'MlPlatform',
  /** The standby Region's network, where the environment has a `secondaryRegion`. */
  standbyNetwork: 'StandbyNetwork',
  /** The standby Region's inference services and model replica. */
  standbyInference: 'StandbyAiInference',
  /** The standby Region's SageMaker endpoint, where `sageMaker.inSecondaryRegion`. */
  standbyEndpoint: 'StandbyEndpoint',
} as const;

/** The ids of the stacks an environment deploys to its `secondaryRegion`; the others deploy to its `region`. */
export const STANDBY_STACK_IDS: readonly StackId[] = [STACK_IDS.standbyNetwork, STACK_IDS.standbyInference, STACK_IDS.standbyEndpoint];

/** The construct id of one of an environment's stacks. */
export type StackId = (typeof STACK_IDS)[keyof typeof STACK_IDS];

/** The construct id (and CloudFormation name) of the GitHub OIDC roles' stack, outside the environments. */
export const GITHUB_ROLES_STACK_ID = 'AiInfraGitHubRoles';

/**
 * The CloudFormation name of an environment's stack, as CDK derives it for a stack with that
 * id directly inside the environment's Stage: `stackNameOf('dev', STACK_IDS.inference)` is
 * `dev-AiInference`.
 */
export function stackNameOf(environment: string, stackId: StackId): string {
  return `${environment}-${stackId}`;
}
