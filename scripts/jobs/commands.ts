import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { MAX_TTL_SECONDS } from '../../lib/runtime/inference/job-envelope';
import { CliOutput, EXIT_FAILED, EXIT_OK, UsageError } from '../cli';
import { JobsContext } from './context';
import { listJobs } from './list';
import { deadLetterCount, jobStats, startRedrive } from './queue-admin';
import { JobStatus, getJobStatus, readResult, waitForJob } from './status';
import { submitJob } from './submit';

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

/** What a command gets: its parsed options and positionals, the service's context and the IO. */
export interface CommandInput {
  /** The inference service the context belongs to. */
  readonly service: string;
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  readonly context: JobsContext;
  readonly cloudWatch: CloudWatchClient;
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

/** Prints a status; saves a succeeded job's result with --out. Exit 1 for a job that failed or expired. */
async function report(input: CommandInput, status: JobStatus): Promise<number> {
  input.io.print(JSON.stringify(status));
  const out = string(input.values, 'out');
  if (status.status === 'succeeded' && out) {
    await input.io.writeFile(out, await readResult(input.context, status.resultUri));
    input.io.printError(`result saved to ${out}`);
  }
  return status.status === 'failed' || status.status === 'expired' ? EXIT_FAILED : EXIT_OK;
}

async function waitAndReport(input: CommandInput, jobId: string): Promise<number> {
  const { io } = input;
  const status = await waitForJob(input.context, jobId, { timeoutMs: timeoutMs(input.values), pollIntervalMs: 5000, sleep: io.sleep, now: io.now });
  if (!status) {
    io.printError(`jobs: job ${jobId} did not finish within ${timeoutMs(input.values) / 1000} s; check again with: npm run jobs -- get ${jobId} --env ${string(input.values, 'env')}`);
    return EXIT_TIMEOUT;
  }
  return report(input, status);
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
      ...WAIT_OPTIONS,
    },
    validate(values) {
      wholeNumber(values, 'ttl', 1, MAX_TTL_SECONDS);
      timeoutMs(values);
    },
    async run(input) {
      const { values, positionals: [file], io } = input;
      const fromStdin = file === undefined || file === '-';
      const submitted = await submitJob(input.context, {
        body: fromStdin ? await io.readStdin() : await io.readFile(file),
        source: fromStdin ? 'stdin' : file,
        contentType: string(values, 'content-type') ?? 'application/json',
        accept: string(values, 'accept'),
        jobId: string(values, 'job-id'),
        outputPrefix: string(values, 'output-prefix'),
        ttlSeconds: wholeNumber(values, 'ttl', 1, MAX_TTL_SECONDS),
      });
      io.print(JSON.stringify({ jobId: submitted.envelope.jobId, status: 'queued', resultUri: submitted.resultUri, ...(submitted.inputUri ? { inputUri: submitted.inputUri } : {}) }));
      return values.wait ? waitAndReport(input, submitted.envelope.jobId) : EXIT_OK;
    },
  },
  get: {
    summary: 'the job\'s status (queued, running, succeeded, failed or expired) as JSON; exit 1 if it failed, expired or is unknown',
    args: '<jobId>',
    minArgs: 1,
    maxArgs: 1,
    options: { out: WAIT_OPTIONS.out },
    run: async (input) => report(input, await getJobStatus(input.context, input.positionals[0], input.io.now())),
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
      for (const status of await listJobs(input.context, wholeNumber(input.values, 'limit', 1, 1000) ?? 20, input.io.now())) input.io.print(JSON.stringify(status));
      return EXIT_OK;
    },
  },
  redrive: {
    summary: 'moves the dead-letter queue back to the job queue with SQS\'s message-move task (asks first)',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: {
      yes: { type: 'boolean', help: 'do not ask' },
      'max-per-second': { type: 'string', value: '<n>', help: 'messages moved per second (1-500)' },
    },
    validate: (values) => void wholeNumber(values, 'max-per-second', 1, 500),
    async run({ context, values, io }) {
      const count = await deadLetterCount(context);
      if (count === 0) {
        io.print('the dead-letter queue is empty: nothing to redrive');
        return EXIT_OK;
      }
      if (!values.yes && !(await io.confirm(`move about ${count} jobs from ${context.deadLetterQueueUrl} back to ${context.queueUrl}?`))) {
        io.printError('jobs: redrive cancelled');
        return EXIT_FAILED;
      }
      const handle = await startRedrive(context, wholeNumber(values, 'max-per-second', 1, 500));
      io.print(`redrive of about ${count} jobs started (task ${handle})`);
      return EXIT_OK;
    },
  },
  stats: {
    summary: 'jobs queued, in flight, the oldest job\'s age and dead letters, as JSON: one line per service',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: {},
    everyService: true,
    async run({ service, context, cloudWatch, io }) {
      io.print(JSON.stringify({ service, ...(await jobStats(context, cloudWatch, io.now())) }));
      return EXIT_OK;
    },
  },
};
