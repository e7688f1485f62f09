import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, runCommandLine } from '../cli';
import { AssemblyStack, assemblyStacks } from './assembly-stacks';
import { deployedStacks } from './deployed-stacks';
import { operationalProperties } from './operational-state';
import { DriftWait, classifyDrift, detectStackDrift } from './stack-drift';

export const USAGE = `usage: drift-check <environment | stack id> [--assembly <cdk.out>]
  Detects drift of the deployed stacks of an environment (its Stage) or of one top-level stack
  in a synthesized cloud assembly; stacks not deployed yet are skipped. Operational state is not
  drift and is listed as ignored: the capacity of Auto Scaling groups with scheduled actions, the
  target capacity of EC2 Fleets, and DefaultInstanceWarmup (a false drift CloudFormation reports).
  Exit 0: no drift. 1: drift, or the check could not run. 2: usage error.`;

export { EXIT_FAILED, EXIT_USAGE };

/** What the check calls outside itself, injected so tests run offline. */
export interface DriftCheckIo {
  /** The CloudFormation client of a region (the default region when undefined). */
  readonly cloudFormationFor: (region?: string) => CloudFormationClient;
  /** How to wait for each stack's drift detection. */
  readonly wait: DriftWait;
  /** Prints one line. */
  readonly print: (line: string) => void;
}

const OPTIONS = { assembly: { type: 'string', default: 'cdk.out' } } as const;

/** Runs the drift check on `<target> [--assembly <dir>]` and returns its exit code. */
export async function run(argv: readonly string[], io: DriftCheckIo): Promise<number> {
  const cli = { name: 'drift-check', usage: USAGE, options: OPTIONS, maxPositionals: 1 };
  return runCommandLine(cli, argv, { print: io.print, printError: io.print }, async ({ values, positionals }) => {
    const [target] = positionals;
    if (target === undefined) throw new UsageError('name an environment or a stack id');
    return check({ target, assembly: values.assembly }, io);
  });
}

async function check(args: { readonly target: string; readonly assembly: string }, io: DriftCheckIo): Promise<number> {
  let stacks: AssemblyStack[];
  try {
    stacks = assemblyStacks(args.assembly, args.target);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  let deployed: AssemblyStack[];
  try {
    const found = await deployedStacks(io.cloudFormationFor, stacks);
    found.notDeployed.forEach(({ stack, reason }) => io.print(`skip ${stack.stackName}: ${reason}, nothing can have drifted`));
    deployed = found.deployed;
  } catch (error) {
    io.print(`drift-check: cannot tell which stacks of ${args.target} are deployed: ${describe(error)}`);
    return EXIT_FAILED;
  }
  if (deployed.length === 0) {
    io.print(`no stack of ${args.target} is deployed yet: no drift`);
    return EXIT_OK;
  }
  let failed = false;
  for (const stack of deployed) {
    failed = !(await checkStack(stack, io)) || failed;
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

/** Detects one stack's drift and prints it; true when it has none. */
async function checkStack(stack: AssemblyStack, io: DriftCheckIo): Promise<boolean> {
  let drifts;
  try {
    drifts = await detectStackDrift(io.cloudFormationFor(stack.region), stack.stackName, io.wait);
  } catch (error) {
    io.print(`FAIL ${stack.stackName}: ${describe(error)}`);
    return false;
  }
  const { drifted, ignored, unknown } = classifyDrift(drifts, operationalProperties(stack.template));
  ignored.forEach((line) => io.print(`ignored ${stack.stackName} ${line}`));
  unknown.forEach((line) => io.print(`unknown ${stack.stackName} ${line}`));
  drifted.forEach((line) => io.print(`DRIFT ${stack.stackName} ${line}`));
  const ignoredNote = ignored.length > 0 ? ` (${ignored.length} operational difference${ignored.length > 1 ? 's' : ''} ignored)` : '';
  io.print(drifted.length > 0 ? `FAIL ${stack.stackName}: drifted` : `ok   ${stack.stackName}: no drift${ignoredNote}`);
  return drifted.length === 0;
}

function describe(error: unknown): string {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  return `${name}: ${message}`;
}
