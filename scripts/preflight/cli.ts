import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { ENVIRONMENTS, EnvironmentConfig } from '../../lib/config';
import { ParsedCommandLine, UsageError, runCommandLine } from '../cli';
import { environmentNamed } from '../environment-selection';
import { EnvironmentAssembly } from './assembly';
import { PreflightClients } from './clients';
import { runPreflight } from './preflight';
import { EXIT_FAILED, EXIT_USAGE, PreflightResult, exitCodeOf, formatResult } from './result';
import { EnvironmentStack, stacksIn } from './template';

export const USAGE = `usage: preflight --env <${ENVIRONMENTS.map((c) => c.name).join('|')}> [--region <region>] [--assembly <cdk.out>]
  Checks the account and region an environment deploys to, before a deploy: the CDK bootstrap
  stack, the quotas the environment needs at its configured maximum (EC2 vCPUs, SageMaker endpoint
  instances, Lambda concurrency, Elastic IPs), leftovers of an earlier deploy whose names collide,
  the Deep Learning AMI and the serving image in the region, the ML platform's admin principals.
  Synthesizes the environment (or reads --assembly, a cdk.out of npx cdk synth -c env=<env>).
  Region: --region, else the config's, else AWS_REGION / the AWS profile's. An environment with a
  secondaryRegion is checked in both Regions, each with the stacks that deploy there (each line
  names its Region); --region keeps one of the two. Reads only.
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

const OPTIONS = { env: { type: 'string' }, region: { type: 'string' }, assembly: { type: 'string' } } as const;

/** The checked command line. */
function argsOf(values: ParsedCommandLine<typeof OPTIONS>['values']): PreflightArgs {
  const config = environmentNamed(values.env);
  const regions = [config.region, config.secondaryRegion].filter((r): r is string => r !== undefined);
  if (config.region !== undefined && values.region !== undefined && !regions.includes(values.region)) {
    throw new UsageError(`--region (${values.region}) is not where ${config.name} deploys: lib/config/${config.name}.ts names ${regions.join(' and ')}`);
  }
  return { config, ...(values.region ? { region: values.region } : {}), ...(values.assembly ? { assembly: values.assembly } : {}) };
}

/** Runs the preflight and returns its exit code, printing one line per check. */
export async function run(argv: readonly string[], io: PreflightIo): Promise<number> {
  const cli = { name: 'preflight', usage: USAGE, options: OPTIONS };
  return runCommandLine(cli, argv, { print: io.print, printError: io.print }, ({ values }) => preflight(argsOf(values), io));
}

async function preflight(args: PreflightArgs, io: PreflightIo): Promise<number> {
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
  // Each Region with the stacks that deploy there: without --region, an environment with a
  // secondaryRegion is checked in both, each line naming its Region.
  const { secondaryRegion } = args.config;
  const regions = args.region === undefined && args.config.region !== undefined && secondaryRegion !== undefined ? [region, secondaryRegion] : [region];
  const results: PreflightResult[] = [];
  for (const here of regions) {
    const regionInfo = RegionInfo.get(here);
    const target = { account, region: here, partition: regionInfo.partition ?? 'aws', urlSuffix: regionInfo.domainSuffix ?? 'amazonaws.com' };
    const checked = await runPreflight(here === region ? clients : io.clientsFor(here), {
      config: args.config,
      assembly: { ...assembly, stacks: stacksIn(assembly.stacks, here) },
      ...(published ? { published: stacksIn(published, here) } : {}),
      target,
    });
    results.push(...(regions.length > 1 ? checked.map((result) => ({ ...result, check: `${here}: ${result.check}` })) : checked));
  }
  results.forEach((result) => io.print(formatResult(result)));
  return exitCodeOf(results);
}
