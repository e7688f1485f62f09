import { parseArgs as parseNodeArgs } from 'node:util';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ENVIRONMENTS, EnvironmentConfig } from '../../lib/config';
import { EnvironmentAssembly } from './assembly';
import { PreflightClients } from './clients';
import { runPreflight } from './preflight';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, exitCodeOf, formatResult } from './result';
import { EnvironmentStack } from './template';

export const USAGE = `usage: preflight --env <${ENVIRONMENTS.map((c) => c.name).join('|')}> [--region <region>] [--assembly <cdk.out>]
  Checks the account and region an environment deploys to, before a deploy: the CDK bootstrap
  stack, the quotas the environment needs at its configured maximum (EC2 vCPUs, SageMaker endpoint
  instances, Lambda concurrency, Elastic IPs), leftovers of an earlier deploy whose names collide,
  the Deep Learning AMI and the serving image in the region, the ML platform's admin principals.
  Synthesizes the environment (or reads --assembly, a cdk.out of npx cdk synth -c env=<env>).
  Region: --region, else the config's, else AWS_REGION / the AWS profile's. Reads only.
  One line per check: PASS, WARN or FAIL, with the fix.
  Exit 0: no check failed. 1: a check failed. 2: usage error, no region or no credentials.`;

/** The parsed command line. */
export interface PreflightArgs {
  readonly config: EnvironmentConfig;
  /** From --region; else the config's, else the SDK's default region. */
  readonly region?: string;
  /** A synthesized cloud assembly to read instead of synthesizing. */
  readonly assembly?: string;
}

/** What the preflight uses outside itself, injected so tests run offline. */
export interface PreflightIo {
  readonly clientsFor: (region: string) => PreflightClients;
  /** The SDK's default region (AWS_REGION, the profile's), if any. */
  readonly defaultRegion: () => Promise<string | undefined>;
  /** The environment's stacks: synthesized through the app factory, or read from `assembly`. */
  readonly assemble: (environment: string, assembly?: string) => EnvironmentAssembly;
  /** The environment's stacks with its model published. */
  readonly assemblePublished: (config: EnvironmentConfig) => EnvironmentStack[];
  readonly print: (line: string) => void;
}

/** Parses the command line; `'help'` for --help, a one-line message for a usage error. */
export function parseArgs(argv: readonly string[]): PreflightArgs | 'help' | string {
  let values;
  try {
    ({ values } = parseNodeArgs({
      args: [...argv],
      options: { env: { type: 'string' }, region: { type: 'string' }, assembly: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  if (values.help) return 'help';
  const config = ENVIRONMENTS.find((c) => c.name === values.env);
  if (!config) return `--env (${values.env ?? 'missing'}) must be one of ${ENVIRONMENTS.map((c) => c.name).join(', ')}`;
  if (config.region !== undefined && values.region !== undefined && values.region !== config.region) {
    return `--region (${values.region}) is not where ${config.name} deploys: lib/config/${config.name}.ts names ${config.region}`;
  }
  return { config, ...(values.region ? { region: values.region } : {}), ...(values.assembly ? { assembly: values.assembly } : {}) };
}

/** Runs the preflight and returns its exit code, printing one line per check. */
export async function run(argv: readonly string[], io: PreflightIo): Promise<number> {
  const args = parseArgs(argv);
  if (args === 'help') {
    io.print(USAGE);
    return EXIT_OK;
  }
  if (typeof args === 'string') {
    io.print(`preflight: ${args}\n${USAGE}`);
    return EXIT_USAGE;
  }
  const region = args.region ?? args.config.region ?? (await io.defaultRegion());
  if (!region) {
    io.print('preflight: no region: pass --region, set AWS_REGION, or set the region of your AWS profile');
    return EXIT_USAGE;
  }
  const clients = io.clientsFor(region);
  let account: string;
  try {
    account = (await clients.sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    const why = name === 'CredentialsProviderError' ? 'no AWS credentials' : `the AWS credentials do not work (${name})`;
    io.print(`preflight: ${why}: ${message.split('\n')[0].replace(/\.?$/, '.')} Configure them (aws configure, AWS_PROFILE, aws sso login) and run again.`);
    return EXIT_USAGE;
  }
  let assembly: EnvironmentAssembly;
  let published: EnvironmentStack[] | undefined;
  try {
    assembly = io.assemble(args.config.name, args.assembly);
    published = args.config.modelPublished ? undefined : io.assemblePublished(args.config);
  } catch (error) {
    io.print(`preflight: ${args.config.name} does not synthesize: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]} (npx cdk synth -c env=${args.config.name} shows why)`);
    return EXIT_FAILED;
  }
  const regionInfo = RegionInfo.get(region);
  const target = { account, region, partition: regionInfo.partition ?? 'aws', urlSuffix: regionInfo.domainSuffix ?? 'amazonaws.com' };
  const results = await runPreflight(clients, { config: args.config, assembly, ...(published ? { published } : {}), target });
  results.forEach((result) => io.print(formatResult(result)));
  return exitCodeOf(results);
}
