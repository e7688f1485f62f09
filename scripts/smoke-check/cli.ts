import { parseArgs as parseNodeArgs } from 'node:util';
import { ENVIRONMENTS, EnvironmentConfig } from '../../lib/config';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { EXIT_OK, EXIT_USAGE, exitCodeOf, formatResult } from './check-result';
import { SmokeCheckClients, runSmokeCheck } from './smoke-check';

export const USAGE = `usage: smoke-check --env <${ENVIRONMENTS.map((c) => c.name).join('|')}> [--region <region>]
  Checks the deployed ${stackNameOf('<env>', STACK_IDS.inference)} and ${stackNameOf('<env>', STACK_IDS.training)} stacks,
  and ${stackNameOf('<env>', STACK_IDS.mlPlatform)} where the environment's config switches the ML platform on.
  The endpoint check is skipped while the config has not published the model (modelPublished).
  Exit 0: every check passed. 1: a check failed (one FAIL line each). 2: usage or config error.`;

/** The parsed command line. */
export interface SmokeCheckArgs {
  /** The config of the environment whose stacks are checked (`--env`). */
  readonly config: EnvironmentConfig;
  /** The region of the stacks (`--region`, AWS_REGION or AWS_DEFAULT_REGION). */
  readonly region: string;
}

/**
 * Parses `--env <name> [--region <region>]`; the region falls back to AWS_REGION, then
 * AWS_DEFAULT_REGION. `'help'` for --help, a one-line message for a usage error.
 */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SmokeCheckArgs | 'help' | string {
  let values;
  try {
    ({ values } = parseNodeArgs({
      args: [...argv],
      options: { env: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  if (values.help) return 'help';
  const config = ENVIRONMENTS.find((c) => c.name === values.env);
  if (!config) {
    return `--env (${values.env ?? 'missing'}) must be one of ${ENVIRONMENTS.map((c) => c.name).join(', ')}`;
  }
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    return 'no region: pass --region or set AWS_REGION';
  }
  return { config, region };
}

/** Runs the smoke check and returns its exit code, printing one line per check. */
export async function run(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  clientsFor: (region: string) => SmokeCheckClients,
  print: (line: string) => void,
): Promise<number> {
  const args = parseArgs(argv, env);
  if (args === 'help') {
    print(USAGE);
    return EXIT_OK;
  }
  if (typeof args === 'string') {
    print(`smoke-check: ${args}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const results = await runSmokeCheck(clientsFor(args.region), args.config);
  results.forEach((result) => print(formatResult(result)));
  return exitCodeOf(results);
}
