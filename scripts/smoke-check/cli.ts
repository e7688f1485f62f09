import { ENVIRONMENTS } from '../../lib/config';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { EXIT_USAGE, exitCodeOf, formatResult } from './check-result';
import { SmokeCheckClients, runSmokeCheck } from './smoke-check';

export const USAGE = `usage: smoke-check --env <${ENVIRONMENTS.map((c) => c.name).join('|')}> [--region <region>]
  Checks the deployed ${stackNameOf('<env>', STACK_IDS.inference)} and ${stackNameOf('<env>', STACK_IDS.training)} stacks,
  and ${stackNameOf('<env>', STACK_IDS.mlPlatform)} where the environment's config switches the ML platform on.
  Exit 0: every check passed. 1: a check failed (one FAIL line each). 2: usage or config error.`;

/** The parsed command line. */
export interface SmokeCheckArgs {
  /** The environment whose stacks are checked (`--env`). */
  readonly environment: string;
  /** The region of the stacks (`--region`, AWS_REGION or AWS_DEFAULT_REGION). */
  readonly region: string;
}

/** Parses `--env <name> [--region <region>]`; the region falls back to AWS_REGION, then AWS_DEFAULT_REGION. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SmokeCheckArgs | string {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if ((flag !== '--env' && flag !== '--region') || value === undefined || value.startsWith('--')) {
      return `unexpected argument "${flag}"${value === undefined ? ' without a value' : ''}`;
    }
    values.set(flag, value);
  }
  const environment = values.get('--env');
  const names = ENVIRONMENTS.map((c) => c.name as string);
  if (environment === undefined || !names.includes(environment)) {
    return `--env (${environment ?? 'missing'}) must be one of ${names.join(', ')}`;
  }
  const region = values.get('--region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    return 'no region: pass --region or set AWS_REGION';
  }
  return { environment, region };
}

/** Runs the smoke check and returns its exit code, printing one line per check. */
export async function run(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  clientsFor: (region: string) => SmokeCheckClients,
  print: (line: string) => void,
): Promise<number> {
  const args = parseArgs(argv, env);
  if (typeof args === 'string') {
    print(`smoke-check: ${args}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const results = await runSmokeCheck(clientsFor(args.region), args.environment);
  results.forEach((result) => print(formatResult(result)));
  return exitCodeOf(results);
}
