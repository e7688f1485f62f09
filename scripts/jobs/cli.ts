import { parseArgs } from 'node:util';
import { ENVIRONMENTS } from '../../lib/config';
import { JobsClients, JobsContext, loadJobsContext } from './context';
import { deadLetterCount, jobStats, startRedrive } from './queue-admin';
import { JobStatus, getJobStatus, readResult, waitForJob } from './status';
import { submitJob } from './submit';

export const USAGE = `usage: npm run jobs -- <command> --env <${ENVIRONMENTS.map((c) => c.name).join('|')}> [--region <region>] [options]
  submit [<file>|-]  send a job (stdin without a file); prints its job id
      --content-type <type>  (default application/json)  --accept <type>  --job-id <id>
      --output-prefix <folders/>  --wait [--timeout <seconds>] [--out <file>]
  get <jobId>        status: queued, running, done or failed, as JSON; --out <file> saves a result
  wait <jobId>       polls until done or failed [--timeout <seconds>, default 600] [--out <file>]
  redrive            moves the dead-letter queue back to the job queue (asks first; --yes skips)
      --max-per-second <n>
  stats              queued, in flight, oldest job's age, dead letters
Exit 0: done. 1: the job failed, or an error. 2: usage. 3: timed out waiting.`;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_TIMEOUT = 3;

/** What the CLI touches besides AWS, so tests can stand in for it. */
export interface JobsIo {
  readonly env: NodeJS.ProcessEnv;
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
  readonly readFile: (path: string) => Promise<Buffer>;
  readonly readStdin: () => Promise<Buffer>;
  readonly writeFile: (path: string, body: Uint8Array) => Promise<void>;
  readonly confirm: (question: string) => Promise<boolean>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

const OPTIONS = {
  env: { type: 'string' },
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

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

/** Runs one command; returns the exit code. */
export async function runJobs(argv: readonly string[], io: JobsIo, clientsFor: (region: string) => JobsClients): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    const [command, ...rest] = positionals;
    const names = ENVIRONMENTS.map((c) => c.name as string);
    if (!command || !['submit', 'get', 'wait', 'redrive', 'stats'].includes(command)) throw new UsageError(`unknown command "${command ?? ''}"`);
    if (!values.env || !names.includes(values.env)) throw new UsageError(`--env (${values.env ?? 'missing'}) must be one of ${names.join(', ')}`);
    const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
    const timeoutSeconds = Number(values.timeout);
    if (!(timeoutSeconds > 0)) throw new UsageError(`--timeout (${values.timeout}) must be a number of seconds > 0`);
    if ((command === 'get' || command === 'wait') && rest.length !== 1) throw new UsageError(`${command} takes one job id`);
    const clients = clientsFor(region);
    const context = await loadJobsContext(clients, values.env);
    switch (command) {
      case 'submit': return await submit(context, rest[0], values, io);
      case 'get': return await report(context, await getJobStatus(context, rest[0], io.now()), values, io);
      case 'wait': return await waitAndReport(context, rest[0], values, io);
      case 'redrive': return await redrive(context, values, io);
      default: {
        io.print(JSON.stringify(await jobStats(context, clients.cloudWatch, io.now())));
        return EXIT_OK;
      }
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.printError(`jobs: ${(error as Error).message}\n${USAGE}`);
      return EXIT_USAGE;
    }
    io.printError(`jobs: ${describeError(error)}`);
    return EXIT_FAILED;
  }
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
    io.printError(`jobs: job ${jobId} did not finish within ${values.timeout} s; check again with: npm run jobs -- get ${jobId} --env ${values.env}`);
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

async function redrive(context: JobsContext, values: Values, io: JobsIo): Promise<number> {
  const maxPerSecond = values['max-per-second'] === undefined ? undefined : Number(values['max-per-second']);
  if (maxPerSecond !== undefined && !(Number.isInteger(maxPerSecond) && maxPerSecond >= 1 && maxPerSecond <= 500)) {
    throw new UsageError(`--max-per-second (${values['max-per-second']}) must be a whole number from 1 to 500`);
  }
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
