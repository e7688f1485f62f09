import { parseArgs as parseNodeArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
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

export const EXIT_USAGE = 2;
export const EXIT_FAILED = 1;

/** The parsed command line. */
export interface DriftCheckArgs {
  /** A Stage id (an environment) or a top-level stack id. */
  readonly target: string;
  /** The synthesized cloud assembly's directory. */
  readonly assembly: string;
}

/** What the check calls outside itself, injected so tests run offline. */
export interface DriftCheckIo {
  /** The CloudFormation client of a region (the default region when undefined). */
  readonly cloudFormationFor: (region?: string) => CloudFormationClient;
  /** How to wait for each stack's drift detection. */
  readonly wait: DriftWait;
  /** Prints one line. */
  readonly print: (line: string) => void;
}

/** Parses `<target> [--assembly <dir>]`; `'help'` for --help, a message for a usage error. */
export function parseArgs(argv: readonly string[]): DriftCheckArgs | 'help' | string {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args: [...argv],
      allowPositionals: true,
      options: { assembly: { type: 'string', default: 'cdk.out' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return (error as Error).message;
  }
  if (parsed.values.help) return 'help';
  const [target, ...extra] = parsed.positionals;
  if (target === undefined) return 'name an environment or a stack id';
  if (extra.length > 0) return `unexpected argument "${extra[0]}"`;
  return { target, assembly: parsed.values.assembly };
}

/** Runs the drift check and returns its exit code. */
export async function run(argv: readonly string[], io: DriftCheckIo): Promise<number> {
  const args = parseArgs(argv);
  if (args === 'help') {
    io.print(USAGE);
    return 0;
  }
  if (typeof args === 'string') {
    io.print(`drift-check: ${args}\n${USAGE}`);
    return EXIT_USAGE;
  }
  let stacks: AssemblyStack[];
  try {
    stacks = assemblyStacks(args.assembly, args.target);
  } catch (error) {
    io.print(`drift-check: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_USAGE;
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
    return 0;
  }
  let failed = false;
  for (const stack of deployed) {
    failed = !(await checkStack(stack, io)) || failed;
  }
  return failed ? EXIT_FAILED : 0;
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
