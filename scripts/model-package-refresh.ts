#!/usr/bin/env node
// The `cdk deploy` arguments that make a deploy resolve each 'latest-approved' model package again.
import { MODEL_PACKAGE_REFRESH_PARAMETER } from '../lib/constructs/inference/registered-model';
import { EXIT_OK, ParsedCommandLine, UsageError, runMain } from './cli';
import { AssemblyStack, assemblyStacks } from './drift-check/assembly-stacks';

/** The command line: its name, usage and flags. */
export const MODEL_PACKAGE_REFRESH_COMMAND_LINE = {
  name: 'model-package-refresh',
  usage: `usage: npx tsx scripts/model-package-refresh.ts --env <name> --value <text> [--assembly <cdk.out>]
  Prints, one per line, the cdk deploy arguments that give the stack parameter
  ${MODEL_PACKAGE_REFRESH_PARAMETER} the value <text> in each stack of the environment that has it
  (a stack serving a registered model's 'latest-approved' version), e.g.
    --parameters=dev-AiInference:${MODEL_PACKAGE_REFRESH_PARAMETER}=<text>
  A new value makes the deploy resolve the latest approved version again
  (docs/registered-models.md); CloudFormation updates nothing else for it. Prints nothing when no
  stack has the parameter. Reads the synthesized assembly (default cdk.out) only.`,
  options: {
    env: { type: 'string' },
    value: { type: 'string' },
    assembly: { type: 'string', default: 'cdk.out' },
  },
} as const;

/** CloudFormation parameter values: up to 4096 bytes; one command-line word here. */
const VALUE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The `--parameters` argument of each stack of `stacks` that declares the refresh parameter, set to `value`. */
export function refreshArguments(stacks: readonly AssemblyStack[], value: string): string[] {
  return stacks
    .filter((stack) => MODEL_PACKAGE_REFRESH_PARAMETER in ((stack.template as { Parameters?: Record<string, unknown> }).Parameters ?? {}))
    .map((stack) => `--parameters=${stack.stackName}:${MODEL_PACKAGE_REFRESH_PARAMETER}=${value}`);
}

/** The command; returns the exit code. */
export function printRefreshArguments(
  { values }: ParsedCommandLine<typeof MODEL_PACKAGE_REFRESH_COMMAND_LINE.options>,
  print: (line: string) => void = (line) => console.log(line),
): number {
  if (!values.env) throw new UsageError('--env is required: the environment whose stacks are deployed, e.g. --env dev');
  if (values.value === undefined || !VALUE.test(values.value)) {
    throw new UsageError(`--value (${values.value ?? 'missing'}) must be 1-128 letters, digits and . _ : -, new for each deploy, e.g. the workflow run's id`);
  }
  for (const argument of refreshArguments(assemblyStacks(values.assembly, values.env), values.value)) print(argument);
  return EXIT_OK;
}

if (require.main === module) runMain(MODEL_PACKAGE_REFRESH_COMMAND_LINE, (args) => printRefreshArguments(args));
