import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ENVIRONMENTS } from '../../lib/config';
import { EnvironmentConfig } from '../../lib/config/environment-config';
import { checkS3KeySegment } from '../../lib/validation';
import { environmentNamed, serviceNamed } from '../environment-selection';
import { TrainClients, loadTrainContext } from './context';
import { logs } from './logs';
import { publish } from './publish';
import { RunIo, status, stop } from './run-commands';
import { startRun } from './start';
import { StartValues, startRequestOf } from './start-options';
import { COMMANDS, COMMAND_USAGE, Command, USAGE, UsageError } from './usage';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** What the CLI touches besides AWS, so tests can stand in for it. */
export interface TrainIo extends RunIo {
  readonly env: NodeJS.ProcessEnv;
}

const COMMON = { env: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
const OPTIONS = {
  start: {
    ...COMMON,
    on: { type: 'string' }, nodes: { type: 'string' }, code: { type: 'string' }, data: { type: 'string' }, command: { type: 'string' },
    image: { type: 'string' }, run: { type: 'string' }, 'max-runtime': { type: 'string' }, 'instance-type': { type: 'string' }, 'on-demand': { type: 'boolean' },
  },
  status: COMMON,
  logs: { ...COMMON, follow: { type: 'boolean' }, node: { type: 'string' } },
  stop: { ...COMMON, timeout: { type: 'string' } },
  publish: { ...COMMON, version: { type: 'string' }, service: { type: 'string' }, model: { type: 'string' }, 'inference-code': { type: 'string' } },
} as const;

type Values = Record<string, string | boolean | undefined>;


function oneRun(command: Command, positionals: string[], optional = false): string | undefined {
  if (positionals.length > 1 || (!optional && positionals.length === 0)) throw new UsageError(`${command} takes ${optional ? 'at most ' : ''}one run name`);
  return positionals[0];
}

/** An AWS error in words a user can act on. */
function describeError(error: unknown): string {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  if (name === 'CredentialsProviderError' || (/credential/i.test(message) && /load|provider|could not/i.test(message))) {
    return `no AWS credentials found (${message}): run aws configure or aws sso login, or set AWS_PROFILE`;
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') return `the AWS credentials have expired: log in again (${message})`;
  return name === 'Error' ? message : `${name}: ${message}`;
}

/**
 * Runs one `npm run train` command; returns the exit code. Everything about the command line
 * is checked before the first AWS call; `--help` anywhere prints the command's usage and exits 0.
 * `environments` are the ones `--env` chooses from.
 */
export async function runTrain(
  argv: readonly string[], io: TrainIo, clientsFor: (region: string) => TrainClients, environments: readonly EnvironmentConfig[] = ENVIRONMENTS,
): Promise<number> {
  const [first, ...rest] = argv;
  let command: Command | undefined;
  try {
    if (first === '--help' || first === '-h') {
      io.print(USAGE);
      return EXIT_OK;
    }
    if (first === undefined || !(COMMANDS as readonly string[]).includes(first)) throw new UsageError(first === undefined ? 'no command: start, status, logs, stop or publish' : `unknown command "${first}"`);
    command = first as Command;
    const { values, positionals } = parseArgs({ args: rest, options: OPTIONS[command], allowPositionals: true, strict: true }) as { values: Values; positionals: string[] };
    if (values.help) {
      io.print(COMMAND_USAGE[command]);
      return EXIT_OK;
    }
    const config = environmentNamed(values.env as string | undefined, environments);
    const region = (values.region as string | undefined) ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
    const run = oneRun(command, positionals, command === 'status' || command === 'start');
    if (command === 'start' && run !== undefined) throw new UsageError('start takes no run name: name the run with --run');
    const timeoutSeconds = Number(values.timeout ?? 180);
    if (command === 'stop' && !(Number.isInteger(timeoutSeconds) && timeoutSeconds >= 0)) throw new UsageError(`--timeout (${values.timeout}) must be a whole number of seconds`);
    const startRequest = command === 'start' ? startRequestOf(values as StartValues, config, io.now()) : undefined;
    const version = values.version as string | undefined;
    // publish serves a service's model: --service names it where the environment has several.
    const service = command === 'publish' ? serviceNamed(config, values.service as string | undefined) : undefined;
    const model = (values.model as string | undefined) ?? (service === undefined ? undefined : config.inference[service].model.name);
    const inferenceCode = values['inference-code'] as string | undefined;
    if (command === 'publish') {
      if (version === undefined) throw new UsageError('--version is required: the version the model is published as, e.g. 1.1.0');
      const served = config.inference[service as string].model.modelPackage;
      if (model === undefined && served !== undefined) {
        throw new UsageError(`--model is required: service ${service} serves model package group ${served.groupName}, not an archive named in the config; `
          + 'name the archive, then register it as a version of the group (docs/registered-models.md)');
      }
      const problem = checkS3KeySegment('--version', version) ?? checkS3KeySegment('--model', model as string);
      if (problem) throw new UsageError(problem);
      if (inferenceCode !== undefined && !(existsSync(inferenceCode) && statSync(inferenceCode).isDirectory())) {
        throw new UsageError(`--inference-code (${inferenceCode}) is not a directory: give the directory holding inference.py`);
      }
    }

    const context = await loadTrainContext(clientsFor(region), config, region);
    switch (command) {
      case 'start':
        await startRun(context, startRequest as NonNullable<typeof startRequest>, io);
        return EXIT_OK;
      case 'status': return await status(context, run, io);
      case 'logs': return await logs(context, run as string, { follow: values.follow === true, node: values.node as string | undefined }, io);
      case 'stop': return await stop(context, run as string, timeoutSeconds, io);
      default: return await publish(context, { runId: run as string, service: service as string, model: model as string, version: version as string, inferenceCode }, io);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.printError(`train: ${(error as Error).message} (npm run train -- ${command ?? ''}${command ? ' ' : ''}--help)`);
      return EXIT_USAGE;
    }
    io.printError(`train: ${describeError(error)}`);
    return EXIT_FAILED;
  }
}
