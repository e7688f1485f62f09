import { parseArgs } from 'node:util';
import { ENVIRONMENTS, EnvironmentConfig } from '../../lib/config';
import { environmentNamed, serviceNamed, servicesNamed } from '../environment-selection';
import { COMMANDS, Command, EXIT_FAILED, EXIT_OK, EXIT_USAGE, JobsIo, UsageError } from './commands';
import { JobsClients } from './context';
import { jobsRegionsOf } from './regions';
import { UnknownJobError } from './status';

export { EXIT_FAILED, EXIT_OK, EXIT_TIMEOUT, EXIT_USAGE } from './commands';
export type { JobsIo } from './commands';

/** Options every command takes. */
const COMMON = {
  env: { type: 'string', value: `<${ENVIRONMENTS.map((c) => c.name).join('|')}>`, help: 'the environment (required)' },
  service: { type: 'string', value: '<name>', help: 'the inference service, a key of the environment\'s inference config (default: its only service; stats: every service)' },
  region: { type: 'string', value: '<region>', help: 'AWS region (default: the environment\'s regions, else AWS_REGION or AWS_DEFAULT_REGION); in an environment with a secondaryRegion, one of its two, to act on that one only' },
  help: { type: 'boolean', help: 'show this help' },
} as const;

const EXITS = 'exit: 0 ok, 1 the job failed or expired, or an error, 2 usage, 3 timed out waiting';

/** The CLI's help: its commands, one line each. */
export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => `${name} ${COMMANDS[name].args}`.length));
  return [
    'usage: npm run jobs -- <command> --env <name> [options]     (npm run jobs -- <command> --help for its options)',
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${`${name} ${command.args}`.padEnd(width)}  ${command.summary}`),
    EXITS,
  ].join('\n');
}

/** One command's help: its usage line, what it does, its options. */
export function commandHelp(name: string, command: Command): string {
  const options = { ...command.options, ...COMMON };
  const lines = Object.entries(options).map(([option, spec]) => [`--${option}${'value' in spec && spec.value ? ` ${spec.value}` : ''}`, spec.help]);
  const width = Math.max(...lines.map(([flag]) => flag.length));
  return [
    `usage: npm run jobs -- ${name}${command.args ? ` ${command.args}` : ''} --env <name> [options]`,
    command.summary,
    ...lines.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`),
    EXITS,
  ].join('\n');
}

/** The first line of an error, as a user can act on it. */
function describeError(error: unknown): string {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  if (name === 'CredentialsProviderError' || /credential/i.test(message) && /load|provider|could not/i.test(message)) {
    return `no AWS credentials found (${message}): run aws configure or aws sso login, or set AWS_PROFILE`;
  }
  if ((error as { code?: string }).code === 'ERR_FS_FILE_TOO_LARGE') return `the input file is too large: the jobs CLI sends at most 2 GiB (${message})`;
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') return `the AWS credentials have expired: log in again (${message})`;
  if (error instanceof UnknownJobError || name === 'Error') return message;
  return `${name}: ${message}`;
}

/**
 * Runs one command; returns the exit code. Arguments are read with node:util parseArgs, per
 * command; `--help` anywhere prints that command's help and exits 0 before anything is called;
 * a usage error prints one line and exits 2.
 */
export async function runJobs(
  argv: readonly string[],
  io: JobsIo,
  clientsFor: (region: string) => JobsClients,
  environments: readonly EnvironmentConfig[] = ENVIRONMENTS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.print(mainHelp());
    return EXIT_OK;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  const usage = (message: string): number => {
    io.printError(`jobs${command ? ` ${name}` : ''}: ${message} (npm run jobs -- ${command ? `${name} ` : ''}--help)`);
    return EXIT_USAGE;
  };
  if (!command) return usage(`unknown command "${name}": use one of ${Object.keys(COMMANDS).join(', ')}`);
  try {
    const options = Object.fromEntries(Object.entries({ ...command.options, ...COMMON }).map(([option, spec]) => [option, { type: spec.type }]));
    const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    if (values.help) {
      io.print(commandHelp(name, command));
      return EXIT_OK;
    }
    const config = environmentNamed(values.env as string | undefined, environments);
    const selection = values.service as string | undefined;
    const services = command.everyService ? servicesNamed(config, selection) : [serviceNamed(config, selection)];
    const selected = values.region as string | undefined;
    const regionsOf = (service: string) => jobsRegionsOf(config, service, clientsFor, selected, io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION);
    const checked = services.map(regionsOf);
    if (positionals.length < command.minArgs || positionals.length > command.maxArgs) {
      throw new UsageError(command.args ? `takes ${command.args}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}` : `takes no argument, got ${positionals.join(' ')}`);
    }
    if (values['region-impaired'] && !checked[0].standby) {
      throw new UsageError(`--region-impaired fails over to the standby Region: ${config.name} has ${config.secondaryRegion === undefined ? 'no secondaryRegion' : `one Region selected (--region ${selected})`}`);
    }
    command.validate?.(values);
    let code = EXIT_OK;
    for (const [n, service] of services.entries()) {
      code = Math.max(code, await command.run({ values, positionals, service, regions: checked[n], io }));
    }
    return code;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return usage((error as Error).message.split('\n')[0]);
    io.printError(`jobs: ${describeError(error)}`);
    return EXIT_FAILED;
  }
}
