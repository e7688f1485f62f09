import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AssemblyStack } from './assembly-stacks';

/**
 * Stack statuses that hold no resource: a change set created the stack but never ran
 * (REVIEW_IN_PROGRESS), or its first creation failed and rolled back (ROLLBACK_COMPLETE, which
 * `cdk deploy` deletes and creates anew). Nothing in them can drift.
 */
const NEVER_CREATED = new Set(['REVIEW_IN_PROGRESS', 'ROLLBACK_COMPLETE']);

/** The stacks split into those CloudFormation holds and those it does not hold yet. */
export interface DeployedStacks {
  /** Stacks that exist, whose drift can be detected. */
  readonly deployed: AssemblyStack[];
  /** Stacks not deployed yet (a new environment or a new stack), with why. */
  readonly notDeployed: Array<{ readonly stack: AssemblyStack; readonly reason: string }>;
}

/**
 * Which of `stacks` are deployed. A missing stack is not deployed yet; any other error (access
 * denied, throttling) throws, so a check that cannot look never passes for one that found nothing.
 */
export async function deployedStacks(clientFor: (region?: string) => CloudFormationClient, stacks: readonly AssemblyStack[]): Promise<DeployedStacks> {
  const deployed: AssemblyStack[] = [];
  const notDeployed: Array<{ stack: AssemblyStack; reason: string }> = [];
  for (const stack of stacks) {
    const status = await stackStatus(clientFor(stack.region), stack.stackName);
    if (status === undefined) {
      notDeployed.push({ stack, reason: 'does not exist yet' });
    } else if (NEVER_CREATED.has(status)) {
      notDeployed.push({ stack, reason: `is ${status}: it holds no resource` });
    } else {
      deployed.push(stack);
    }
  }
  return { deployed, notDeployed };
}

/** The stack's status, or undefined when CloudFormation has no stack of that name. */
async function stackStatus(cloudFormation: CloudFormationClient, stackName: string): Promise<string | undefined> {
  try {
    const { Stacks: stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return stacks?.[0]?.StackStatus;
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      return undefined;
    }
    throw error;
  }
}
