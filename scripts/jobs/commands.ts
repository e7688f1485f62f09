import { MAX_TTL_SECONDS } from '../../lib/runtime/inference/job-envelope';
import { CliOutput, EXIT_FAILED, EXIT_OK, UsageError } from '../cli';
import { submitWithFailover } from './failover';
import { deadLetterCount, jobStats, startRedrive } from './queue-admin';
import { JobsRegion, JobsRegions, regionList } from './regions';
import { RegionalStatus, jobStatusInRegions, listJobsInRegions } from './regional-status';
import { pollUntilFinal, readResult } from './status';

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../cli';
/** Timed out waiting for a job. */
export const EXIT_TIMEOUT = 3;

/** What the CLI touches besides AWS, so tests can stand in for it. */
export interface JobsIo extends CliOutput {
  readonly env: NodeJS.ProcessEnv;
  readonly readFile: (path: string) => Promise<Buffer>;
  readonly readStdin: () => Promise<Buffer>;
  readonly writeFile: (path: string, body: Uint8Array) => Promise<void>;
  readonly confirm: (question: string) => Promise<boolean>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

/** One option of a command, for node:util parseArgs and for the help. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly help: string;
  /** How the value is shown in the help, e.g. `<seconds>`. @default - a boolean flag */
  readonly value?: string;
}

/** What a command gets: its parsed options and positionals, the service's Regions and the IO. */
export interface CommandInput {
  /** The inference service the Regions' contexts belong to. */
  readonly service: string;
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  /** The Regions of the service's jobs: one, or the primary and the standby. */
  readonly regions: JobsRegions;
  readonly io: JobsIo;
}

/** One subcommand: its help, options and positionals, and what it does. */
export interface Command {
  /** What it does, one line. */
  readonly summary: string;
  /** Its positionals in the usage line, e.g. `<jobId>`. */
  readonly args: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Runs once per service `--service` names (every service without it), not on the one service. */
  readonly everyService?: boolean;
  /** Checks the option values before anything is called: throws a UsageError. */
  validate?(values: CommandInput['values']): void;
  run(input: CommandInput): Promise<number>;
}

const WAIT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  timeout: { type: 'string', value: '<seconds>', help: 'how long to wait (default 600)' },
  out: { type: 'string', value: '<file>', help: 'save the result of a job that succeeded' },
};

const string = (values: CommandInput['values'], name: string): string | undefined => values[name] as string | undefined;

/** A whole number option within bounds, or a usage error naming it. */
function wholeNumber(values: CommandInput['values'], name: string, min: number, max: number): number | undefined {
  const text = string(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= min && value <= max)) throw new UsageError(`--${name} (${text}) must be a whole number from ${min} to ${max}`);
  return value;
}

function timeoutMs(values: CommandInput['values']): number {
  const text = string(values, 'timeout') ?? '600';
  const seconds = Number(text);
  if (!(seconds > 0)) throw new UsageError(`--timeout (${text}) must be a number of seconds > 0`);
  return seconds * 1000;
}

/** The Region a line is about, in a two-Region environment: nothing, or `{ region }` to spread into its JSON. */
function regionField(input: CommandInput, region: JobsRegion): { region?: string } {
  return input.regions.standby ? { region: region.region } : {};
}

/** Prints a status; saves a succeeded job's result with --out, from its Region. Exit 1 for a job that failed or expired. */
async function report(input: CommandInput, { status, region }: RegionalStatus): Promise<number> {
  input.io.print(JSON.stringify({ ...status, ...regionField(input, region) }));
  const out = string(input.values, 'out');
  if (status.status === 'succeeded' && out) {
    await input.io.writeFile(out, await readResult(await region.context(), status.resultUri));
    input.io.printError(`result saved to ${out}`);
  }
  return status.status === 'failed' || status.status === 'expired' ? EXIT_FAILED : EXIT_OK;
}

async function waitAndReport(input: CommandInput, jobId: string): Promise<number> {
  const { io } = input;
  const wait = { timeoutMs: timeoutMs(input.values), pollIntervalMs: 5000, sleep: io.sleep, now: io.now };
  let found: RegionalStatus | undefined;
  const status = await pollUntilFinal(async (now) => (found = await jobStatusInRegions(input.regions, jobId, now)).status, wait);
  if (!status || !found) {
    io.printError(`jobs: job ${jobId} did not finish within ${timeoutMs(input.values) / 1000} s; check again with: npm run jobs -- get ${jobId} --env ${string(input.values, 'env')}`);
    return EXIT_TIMEOUT;
  }
  return report(input, found);
}

/** The jobs CLI's subcommands. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  submit: {
    summary: 'send a job (stdin without a file); prints its id, status and result URI as JSON',
    args: '[<file>|-]',
    minArgs: 0,
    maxArgs: 1,
    options: {
      'content-type': { type: 'string', value: '<type>', help: 'Content-Type of the input (default application/json)' },
      accept: { type: 'string', value: '<type>', help: 'Accept header passed to /invocations' },
      'job-id': { type: 'string', value: '<id>', help: 'the job id (default: a random UUID); an id already submitted is refused' },
      'output-prefix': { type: 'string', value: '<folders/>', help: 'folders under results/ for the result' },
      ttl: { type: 'string', value: '<seconds>', help: `expire the job if it is still waiting this long after submission (1-${MAX_TTL_SECONDS})` },
      wait: { type: 'boolean', help: 'then wait for the outcome, as `wait` does' },
      'region-impaired': { type: 'boolean', help: 'the primary Region is impaired: submit to the standby Region at once (an environment with a secondaryRegion)' },
      ...WAIT_OPTIONS,
    },
    validate(values) {
      wholeNumber(values, 'ttl', 1, MAX_TTL_SECONDS);
      timeoutMs(values);
    },
    async run(input) {
      const { values, positionals: [file], io } = input;
      const fromStdin = file === undefined || file === '-';
      const placed = await submitWithFailover(input.regions, {
        body: fromStdin ? await io.readStdin() : await io.readFile(file),
        source: fromStdin ? 'stdin' : file,
        contentType: string(values, 'content-type') ?? 'application/json',
        accept: string(values, 'accept'),
        jobId: string(values, 'job-id'),
        outputPrefix: string(values, 'output-prefix'),
        ttlSeconds: wholeNumber(values, 'ttl', 1, MAX_TTL_SECONDS),
      }, { primaryImpaired: values['region-impaired'] === true }, io.now());
      const where = input.regions.standby ? { region: placed.region, ...(placed.failover ? { failover: placed.failover } : {}) } : {};
      io.print(JSON.stringify({ jobId: placed.envelope.jobId, status: 'queued', resultUri: placed.resultUri, ...(placed.inputUri ? { inputUri: placed.inputUri } : {}), ...where }));
      return values.wait ? waitAndReport(input, placed.envelope.jobId) : EXIT_OK;
    },
  },
  get: {
    summary: 'the job\'s status (queued, running, succeeded, failed or expired) as JSON; exit 1 if it failed, expired or is unknown',
    args: '<jobId>',
    minArgs: 1,
    maxArgs: 1,
    options: { out: WAIT_OPTIONS.out },
    run: async (input) => report(input, await jobStatusInRegions(input.regions, input.positionals[0], input.io.now())),
  },
  wait: {
    summary: 'polls every 5 s until the job succeeded (exit 0), failed or expired (1), or the timeout (3)',
    args: '<jobId>',
    minArgs: 1,
    maxArgs: 1,
    options: WAIT_OPTIONS,
    validate: (values) => void timeoutMs(values),
    run: (input) => waitAndReport(input, input.positionals[0]),
  },
  list: {
    summary: 'the most recent jobs, newest first, one JSON status a line',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: { limit: { type: 'string', value: '<n>', help: 'how many jobs (1-1000, default 20)' } },
    validate: (values) => void wholeNumber(values, 'limit', 1, 1000),
    async run(input) {
      const listed = await listJobsInRegions(input.regions, wholeNumber(input.values, 'limit', 1, 1000) ?? 20, input.io.now());
      for (const { status, region } of listed) input.io.print(JSON.stringify({ ...status, ...regionField(input, region) }));
      return EXIT_OK;
    },
  },
  redrive: {
    summary: 'moves the dead-letter queue back to the job queue with SQS\'s message-move task (asks first), in each Region',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: {
      yes: { type: 'boolean', help: 'do not ask' },
      'max-per-second': { type: 'string', value: '<n>', help: 'messages moved per second (1-500)' },
    },
    validate: (values) => void wholeNumber(values, 'max-per-second', 1, 500),
    async run(input) {
      const { values, io } = input;
      let code = EXIT_OK;
      for (const region of regionList(input.regions)) {
        const context = await region.context();
        const where = input.regions.standby ? `${region.region}: ` : '';
        const count = await deadLetterCount(context);
        if (count === 0) {
          io.print(`${where}the dead-letter queue is empty: nothing to redrive`);
          continue;
        }
        if (!values.yes && !(await io.confirm(`move about ${count} jobs from ${context.deadLetterQueueUrl} back to ${context.queueUrl}?`))) {
          io.printError(`jobs: ${where}redrive cancelled`);
          code = EXIT_FAILED;
          continue;
        }
        const handle = await startRedrive(context, wholeNumber(values, 'max-per-second', 1, 500));
        io.print(`${where}redrive of about ${count} jobs started (task ${handle})`);
      }
      return code;
    },
  },
  stats: {
    summary: 'jobs queued, in flight, the oldest job\'s age and dead letters, as JSON: one line per service and Region',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: {},
    everyService: true,
    async run(input) {
      for (const region of regionList(input.regions)) {
        input.io.print(JSON.stringify({ service: input.service, ...regionField(input, region), ...(await jobStats(await region.context(), region.clients.cloudWatch, input.io.now())) }));
      }
      return EXIT_OK;
    },
  },
};
