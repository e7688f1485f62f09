import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { AssemblyStack, assemblyStacks } from './assembly-stacks';
import { deployedStacks } from './deployed-stacks';

export const USAGE = `usage: drift-check <environment | stack id> [--assembly <cdk.out>]
  Runs cdk drift --fail on the deployed stacks of an environment (its Stage) or of one
  top-level stack in a synthesized cloud assembly; stacks not deployed yet are skipped.
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
  /** Runs `cdk` with these arguments, returning its exit code. */
  readonly cdk: (args: readonly string[]) => number;
  /** Prints one line. */
  readonly print: (line: string) => void;
}

/** Parses `<target> [--assembly <dir>]`. */
export function parseArgs(argv: readonly string[]): DriftCheckArgs | string {
  let target: string | undefined;
  let assembly = 'cdk.out';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--assembly') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) return '--assembly needs a directory';
      assembly = value;
    } else if (argv[i].startsWith('--') || target !== undefined) {
      return `unexpected argument "${argv[i]}"`;
    } else {
      target = argv[i];
    }
  }
  return target === undefined ? 'name an environment or a stack id' : { target, assembly };
}

/** Runs the drift check and returns its exit code. */
export async function run(argv: readonly string[], io: DriftCheckIo): Promise<number> {
  const args = parseArgs(argv);
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
  try {
    const { deployed, notDeployed } = await deployedStacks(io.cloudFormationFor, stacks);
    notDeployed.forEach(({ stack, reason }) => io.print(`skip ${stack.stackName}: ${reason}, nothing can have drifted`));
    if (deployed.length === 0) {
      io.print(`no stack of ${args.target} is deployed yet: no drift`);
      return 0;
    }
    return io.cdk(['drift', '--app', args.assembly, ...deployed.map((stack) => stack.selector), '--fail', '--no-notices']);
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    io.print(`drift-check: cannot tell which stacks of ${args.target} are deployed: ${name}: ${message}`);
    return EXIT_FAILED;
  }
}
