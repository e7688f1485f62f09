import { ENVIRONMENTS } from '../../lib/config';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { CliOutput, UsageError, runCommandLine } from '../cli';
import { environmentNamed, servicesNamed } from '../environment-selection';
import { exitCodeOf, formatResult } from './check-result';
import { JOB_WAIT, SmokeCheckClients, runSmokeCheck } from './smoke-check';

export const USAGE = `usage: smoke-check --env <${ENVIRONMENTS.map((c) => c.name).join('|')}> [--service <name,...>] [--region <region>]
  Checks the deployed ${stackNameOf('<env>', STACK_IDS.inference)} and ${stackNameOf('<env>', STACK_IDS.training)} stacks,
  and ${stackNameOf('<env>', STACK_IDS.mlPlatform)} where the environment's config switches the ML platform on.
  --service checks only the named inference services (default: every service of the environment).
  The endpoint check is skipped while the config has not published the model (modelPublished).
  Exit 0: every check passed. 1: a check failed (one FAIL line each). 2: usage or config error.`;

const OPTIONS = {
  env: { type: 'string' },
  service: { type: 'string' },
  region: { type: 'string' },
} as const;

/** Runs the smoke check and returns its exit code, printing one line per check. */
export async function run(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  clientsFor: (region: string) => SmokeCheckClients,
  output: CliOutput,
): Promise<number> {
  return runCommandLine({ name: 'smoke-check', usage: USAGE, options: OPTIONS }, argv, output, async ({ values }) => {
    const config = environmentNamed(values.env);
    const services = servicesNamed(config, values.service);
    // The region falls back to AWS_REGION, then AWS_DEFAULT_REGION.
    const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
    output.printError(`smoke-check: checking ${config.name} in ${region} (the test job of each service may take up to ${JOB_WAIT.timeoutMs / 60_000} minutes)...`);
    const results = await runSmokeCheck(clientsFor(region), config, services);
    results.forEach((result) => output.print(formatResult(result)));
    return exitCodeOf(results);
  });
}
