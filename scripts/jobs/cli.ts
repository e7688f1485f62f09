import { ENVIRONMENTS, EnvironmentConfig } from '../../lib/config';
import { CliOutput, EXIT_FAILED, EXIT_OK, EXIT_USAGE, ParsedCommandLine, UsageError, runCommandLine } from '../cli';
import { environmentNamed, serviceNamed, servicesNamed } from '../environment-selection';
import { JobsClients, JobsContext, loadJobsContext } from './context';
import { deadLetterCount, jobStats, startRedrive } from './queue-admin';
import { JobStatus, getJobStatus, readResult, waitForJob } from './status';
import { submitJob } from './submit';

export const USAGE = `usage: npm run jobs -- <command> --env <${ENVIRONMENTS.map((c) => c.name).join('|')}> [--service <name>] [--region <region>] [options]
  submit [<file>|-]  send a job (stdin without a file); prints its job id
      --content-type <type>  (default application/json)  --accept <type>  --job-id <id>
      --output-prefix <folders/>  --wait [--timeout <seconds>] [--out <file>]
  get <jobId>        status: queued, running, done or failed, as JSON; --out <file> saves a result
  wait <jobId>       polls until done or failed [--timeout <seconds>, default 600] [--out <file>]
  redrive            moves the dead-letter queue back to the job queue (asks first; --yes skips)
      --max-per-second <n>
  stats              queued, in flight, oldest job's age, dead letters: one JSON line per service
--service names one of the environment's inference services (its config's inference keys);
stats covers every service without it, the other commands need it where there are several.
Exit 0: done. 1: the job failed, or an error. 2: usage. 3: timed out waiting.`;

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE };
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

const OPTIONS = {
  env: { type: 'string' },
  service: { type: 'string' },
  region: { type: 'string' },
  'content-type': { type: 'string', default: 'application/json' },
  accept: { type: 'string' },
  'job-id': { type: 'string' },
  'output-prefix': { type: 'string' },
  wait: { type: 'boolean', default: false },
  timeout: { type: 'string', default: '600' },
  out: { type: 'string' },
  yes: { type: 'boolean', default: false },
  'max-per-second': { type: 'string' },
} as const;

type Values = ParsedCommandLine<typeof OPTIONS>['values'];

const COMMANDS = ['submit', 'get', 'wait', 'redrive', 'stats'];

/** Runs one command on one of `environments`; returns the exit code. */
export async function runJobs(
  argv: readonly string[],
  io: JobsIo,
  clientsFor: (region: string) => JobsClients,
  environments: readonly EnvironmentConfig[] = ENVIRONMENTS,
): Promise<number> {
  return runCommandLine({ name: 'jobs', usage: USAGE, options: OPTIONS, maxPositionals: 2 }, argv, io, async ({ values, positionals }) => {
    const [command, ...rest] = positionals;
    if (!command || !COMMANDS.includes(command)) throw new UsageError(`unknown command "${command ?? ''}"`);
    const config = environmentNamed(values.env, environments);
    const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
    const timeoutSeconds = Number(values.timeout);
    if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout (${values.timeout}) must be a number of seconds > 0`);
    if ((command === 'get' || command === 'wait') && rest.length !== 1) throw new UsageError(`${command} takes one job id`);
    if (rest.length > (command === 'redrive' || command === 'stats' ? 0 : 1)) throw new UsageError(`unexpected argument "${rest[rest.length - 1]}"`);
    const maxPerSecond = maxPerSecondOf(values);
    const services = command === 'stats' ? servicesNamed(config, values.service) : [serviceNamed(config, values.service)];
    const clients = clientsFor(region);
    try {
      if (command === 'stats') return await stats(config.name, services, clients, io);
      const context = await loadJobsContext(clients, config.name, services[0]);
      switch (command) {
        case 'submit': return await submit(context, rest[0], values, io);
        case 'get': return await report(context, await getJobStatus(context, rest[0], io.now()), values, io);
        case 'wait': return await waitAndReport(context, rest[0], values, io);
        default: return await redrive(context, maxPerSecond, values, io);
      }
    } catch (error) {
      throw new Error(describeError(error), { cause: error });
    }
  });
}

/** Queue depths of every selected service, one JSON line each. */
async function stats(environment: string, services: readonly string[], clients: JobsClients, io: JobsIo): Promise<number> {
  for (const service of services) {
    const context = await loadJobsContext(clients, environment, service);
    io.print(JSON.stringify({ service, ...(await jobStats(context, clients.cloudWatch, io.now())) }));
  }
  return EXIT_OK;
}

function maxPerSecondOf(values: Values): number | undefined {
  const maxPerSecond = values['max-per-second'] === undefined ? undefined : Number(values['max-per-second']);
  if (maxPerSecond !== undefined && !(Number.isInteger(maxPerSecond) && maxPerSecond >= 1 && maxPerSecond <= 500)) {
    throw new UsageError(`--max-per-second (${values['max-per-second']}) must be a whole number from 1 to 500`);
  }
  return maxPerSecond;
}

/** An AWS error in words a user can act on. */
function describeError(error: unknown): string {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  if (name === 'CredentialsProviderError' || /credential/i.test(message) && /load|provider|could not/i.test(message)) {
    return `no AWS credentials found (${message}): run aws configure or aws sso login, or set AWS_PROFILE`;
  }
  if ((error as { code?: string }).code === 'ERR_FS_FILE_TOO_LARGE') return `the input file is too large: the jobs CLI sends at most 2 GiB (${message})`;
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException') return `the AWS credentials have expired: log in again (${message})`;
  return `${name}: ${message}`;
}

async function submit(context: JobsContext, file: string | undefined, values: Values, io: JobsIo): Promise<number> {
  const fromStdin = file === undefined || file === '-';
  const body = fromStdin ? await io.readStdin() : await io.readFile(file);
  const { envelope, inputLocation } = await submitJob(context, {
    body,
    source: fromStdin ? 'stdin' : file,
    contentType: values['content-type'],
    accept: values.accept,
    jobId: values['job-id'],
    outputPrefix: values['output-prefix'],
  });
  io.print(envelope.jobId);
  if (inputLocation !== 'inline') io.printError(`input uploaded to ${inputLocation} (larger than the queue's message size)`);
  return values.wait ? waitAndReport(context, envelope.jobId, values, io) : EXIT_OK;
}

async function waitAndReport(context: JobsContext, jobId: string, values: Values, io: JobsIo): Promise<number> {
  const timeoutMs = Number(values.timeout) * 1000;
  const status = await waitForJob(context, jobId, { timeoutMs, pollIntervalMs: 5000, sleep: io.sleep, now: io.now });
  if (!status) {
    io.printError(`jobs: job ${jobId} did not finish within ${values.timeout} s; check again with: npm run jobs -- get ${jobId} --env ${values.env}${values.service ? ` --service ${values.service}` : ''}`);
    return EXIT_TIMEOUT;
  }
  return report(context, status, values, io);
}

async function report(context: JobsContext, status: JobStatus, values: Values, io: JobsIo): Promise<number> {
  io.print(JSON.stringify(status));
  if (status.status === 'done' && values.out) {
    await io.writeFile(values.out, await readResult(context, status.location));
    io.printError(`result saved to ${values.out}`);
  }
  return status.status === 'failed' ? EXIT_FAILED : EXIT_OK;
}

async function redrive(context: JobsContext, maxPerSecond: number | undefined, values: Values, io: JobsIo): Promise<number> {
  const count = await deadLetterCount(context);
  if (count === 0) {
    io.print('the dead-letter queue is empty: nothing to redrive');
    return EXIT_OK;
  }
  const question = `move about ${count} jobs from ${context.deadLetterQueueUrl} back to ${context.queueUrl}?`;
  if (!values.yes && !(await io.confirm(question))) {
    io.printError('jobs: redrive cancelled');
    return EXIT_FAILED;
  }
  const handle = await startRedrive(context, maxPerSecond);
  io.print(`redrive of about ${count} jobs started (task ${handle})`);
  return EXIT_OK;
}
