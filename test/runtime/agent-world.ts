import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleAgent } from '../../lib/constructs/inference/agent-bundling';
import { Agent, startAgent } from '../../lib/runtime/inference/agent/agent';
import { createAwsClients } from '../../lib/runtime/inference/agent/aws-clients';
import { AgentConfigFile, parseConfig } from '../../lib/runtime/inference/agent/config';
import { NewJob, createJobEnvelope, parseJobEnvelope } from '../../lib/runtime/inference/job-envelope';
import { ERRORS_PREFIX, RESULTS_PREFIX, attemptKey, errorKey, resultKey } from '../../lib/runtime/inference/job-keys';
import { FakeAws, startFakeAws } from './fakes/fake-aws';
import { FakeImds } from './fakes/fake-imds';
import { FakeInference } from './fakes/fake-inference';
import { FakeS3 } from './fakes/fake-s3';
import { FakeSns } from './fakes/fake-sns';
import { StoredMessage } from './fakes/fake-sqs';

export const INSTANCE_ID = 'i-0123456789abcdef0';
export const GROUP = 'inference-fleet';
export const TERMINATION_HOOK = 'termination-hook';
export const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };
export const RESULTS_BUCKET = 'jobs-results';
export const SUCCESS_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:job-succeeded';
export const ERROR_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:job-failed';
export const METRICS_NAMESPACE = 'AI/Custom';

/** One log line of the agent: its event, its fields and when it was written (epoch ms). */
export interface AgentLog {
  readonly event: string;
  readonly at: number;
  readonly [field: string]: unknown;
}

/**
 * Where every job ended, from the queue's, the inference server's, the results bucket's and
 * the topics' records: completed (deleted with its result in S3, the server answering it once
 * at most), rejected (malformed or expired: deleted with its error document, never run), still
 * queued, or dead-lettered. A message redriven from the dead-letter queue lives on as the new
 * message SQS makes of it. The lists name the violations: a job deleted with neither a result
 * nor an error document (lost), completed twice by the server (duplicated), completed but left
 * in the queue (it would run again), run while the instance was not surely protected from
 * scale-in, completed without a notification that is not a repeat (unannounced), announced
 * under more than one notification id for one outcome (announcedTwice), given an error document
 * or an error notification although it has a result (failedDespiteResult), or dead-lettered
 * without its error document and error notification (deadLetteredSilently).
 */
export interface Ledger {
  readonly completed: number;
  readonly rejected: number;
  readonly queued: number;
  readonly deadLettered: number;
  readonly lost: string[];
  readonly duplicated: string[];
  readonly completedButQueued: string[];
  readonly ranUnprotected: string[];
  readonly unannounced: string[];
  readonly announcedTwice: string[];
  readonly failedDespiteResult: string[];
  readonly deadLetteredSilently: string[];
}

/** The ledger of a sound drill with these counts (the others 0) and no violation. */
export function soundLedger(counts: Partial<Pick<Ledger, 'completed' | 'rejected' | 'queued' | 'deadLettered'>>): Ledger {
  return {
    completed: 0, rejected: 0, queued: 0, deadLettered: 0, ...counts,
    lost: [], duplicated: [], completedButQueued: [], ranUnprotected: [], unannounced: [], announcedTwice: [], failedDespiteResult: [], deadLetteredSilently: [],
  };
}

/** The agent as it ships: the esbuild bundle, built once per test file into a temp dir. */
export class AgentBundle {
  private constructor(readonly dir: string, readonly path: string) {}

  static build(): AgentBundle {
    const dir = mkdtempSync(join(tmpdir(), 'agent-bundle-'));
    const path = join(dir, 'agent.js');
    bundleAgent(path);
    return new AgentBundle(dir, path);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The bundled agent running as a child process, as systemd runs it. */
export interface AgentProcess {
  readonly child: ChildProcess;
  /** Settles with the exit code once the process has exited and its stdout is drained. */
  readonly exited: Promise<number | null>;
}

/**
 * Everything the queue agent talks to, on loopback: IMDS, the inference server, SQS plus
 * Auto Scaling behind one fake AWS endpoint, and the results bucket (S3) and the job topics
 * (SNS) on their own. Timeouts are short so each drill takes seconds.
 */
export class AgentWorld {
  readonly logs: AgentLog[] = [];
  /** The raw stdout of a child agent. */
  output = '';
  private readonly children: ChildProcess[] = [];
  /** When each child agent exited (epoch ms). */
  private readonly childExits: number[] = [];

  private constructor(
    readonly imds: FakeImds,
    readonly inference: FakeInference,
    readonly aws: FakeAws,
    readonly s3: FakeS3,
    readonly sns: FakeSns,
  ) {}

  static async start(): Promise<AgentWorld> {
    const [imds, inference, aws, s3, sns] = await Promise.all([FakeImds.start(), FakeInference.start(), startFakeAws(), FakeS3.start(), FakeSns.start()]);
    // The results bucket's policy (JobResults): no write without If-None-Match under results/ and errors/.
    s3.requireIfNoneMatch = [RESULTS_PREFIX, ERRORS_PREFIX];
    return new AgentWorld(imds, inference, aws, s3, sns);
  }

  /** Queues a job envelope (inline JSON input unless `job` says otherwise) whose job id is its message id. */
  sendJob(job: Partial<NewJob> = {}): StoredMessage {
    const jobId = job.jobId ?? randomUUID();
    const envelope = createJobEnvelope({ contentType: 'application/json', input: { inline: '{"prompt":"hi"}' }, ...job, jobId });
    return this.aws.queue.send(JSON.stringify(envelope), jobId);
  }

  /** The config file a drill's agent reads, before the identity variables are added. */
  configFile(overrides: Partial<AgentConfigFile> = {}): AgentConfigFile {
    return {
      model: { name: 'llm', version: '7', containerImage: 'public.ecr.aws/acme/llm-server:1.2', gpuMemoryFraction: 0.8 },
      queueUrl: this.aws.queueUrl,
      region: 'eu-west-1',
      inferenceUrl: this.inference.url,
      jobTimeoutSeconds: 2,
      maxConcurrentJobs: 1,
      visibilityTimeoutSeconds: 10,
      heartbeatIntervalSeconds: 3,
      waitTimeSeconds: 20,
      retryDelaySeconds: 1,
      drainTimeoutSeconds: 5,
      drainMarginSeconds: 0.2,
      imdsEndpoint: this.imds.url,
      imdsPollIntervalSeconds: 0.05,
      protectionReleaseDelaySeconds: 0.1,
      lifecycleRetryIntervalSeconds: 0.1,
      terminationLifecycleHookName: TERMINATION_HOOK,
      resultsBucketName: RESULTS_BUCKET,
      successTopicArn: SUCCESS_TOPIC,
      errorTopicArn: ERROR_TOPIC,
      maxAttempts: 3,
      metricsNamespace: METRICS_NAMESPACE,
      apiConnectTimeoutSeconds: 0.5,
      apiTimeoutSeconds: 0.5,
      imdsTimeoutSeconds: 0.5,
      backoffBaseSeconds: 0.05,
      backoffMaxSeconds: 0.4,
      deleteRetryBudgetSeconds: 30,
      ...overrides,
    };
  }

  /** The environment the boot script gives the agent, plus the test credentials and endpoints. */
  agentEnv(): NodeJS.ProcessEnv {
    return {
      INSTANCE_ID,
      AUTOSCALING_GROUP_NAME: GROUP,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: this.aws.url,
      AWS_ENDPOINT_URL_AUTO_SCALING: this.aws.url,
      AWS_ENDPOINT_URL_S3: this.s3.url,
      AWS_ENDPOINT_URL_SNS: this.sns.url,
    };
  }

  /** Starts the agent in this process, with the clients and deadlines it ships with. */
  startAgent(overrides: Partial<AgentConfigFile> = {}): Agent {
    const config = parseConfig({ ...this.configFile(overrides) }, this.agentEnv());
    return startAgent(config, {
      ...createAwsClients(config, {
        endpoints: { sqs: this.aws.url, autoScaling: this.aws.url, s3: this.s3.url, sns: this.sns.url },
        credentials: CREDENTIALS,
      }),
      log: (event, fields) => this.logs.push({ event, at: Date.now(), ...fields }),
    });
  }

  /** Runs the bundled agent as a child process; its JSON log lines land in `logs`. */
  runAgent(bundle: AgentBundle, overrides: Partial<AgentConfigFile> = {}): AgentProcess {
    const configPath = join(bundle.dir, `agent-${randomUUID()}.json`);
    writeFileSync(configPath, JSON.stringify(this.configFile(overrides)));
    const child = spawn(process.execPath, [bundle.path, configPath], {
      env: { PATH: process.env.PATH, ...this.agentEnv() },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    this.children.push(child);
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const { time, ...entry } = JSON.parse(line) as { time: string; event: string };
        this.logs.push({ ...entry, at: Date.parse(time) });
      }
    });
    // 'close' waits for stdout to drain too; 'exit' can come before the last log lines.
    child.on('exit', () => this.childExits.push(Date.now()));
    return { child, exited: new Promise((resolve) => child.on('close', resolve)) };
  }

  /** Resolves once `condition` holds, polling every 10 ms; fails after `timeoutMs` (generous: a child agent starts slowly on a busy machine). */
  async until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The log lines of one event. */
  logsOf(event: string): AgentLog[] {
    return this.logs.filter((log) => log.event === event);
  }

  /** CompleteLifecycleAction calls for this instance's termination hook, with CONTINUE. */
  terminationCompletions(): Record<string, string>[] {
    return this.aws.autoScaling.callsOf('CompleteLifecycleAction').filter((params) => params.LifecycleHookName === TERMINATION_HOOK
      && params.InstanceId === INSTANCE_ID && params.AutoScalingGroupName === GROUP && params.LifecycleActionResult === 'CONTINUE');
  }

  /** Where every job of the queue ended, and every violation of the agent's guarantees. */
  ledger(): Ledger {
    const ledger: Ledger = soundLedger({});
    const counts = { completed: 0, rejected: 0, queued: 0, deadLettered: 0 };
    for (const message of this.aws.queue.messages.filter((m) => !m.redriven)) {
      const parsed = parseJobEnvelope(message.body);
      const jobId = (parsed.ok ? parsed.envelope.jobId : parsed.jobId) ?? message.id;
      // A malformed message names no output prefix: its job's attempt record says where the result is.
      const record = this.s3.get(RESULTS_BUCKET, attemptKey(jobId));
      const key = parsed.ok ? resultKey(jobId, parsed.envelope.outputPrefix) : (record ? (JSON.parse(record.body.toString()) as { resultKey: string }).resultKey : resultKey(jobId));
      const hasResult = this.s3.get(RESULTS_BUCKET, key) !== undefined;
      const hasError = this.s3.get(RESULTS_BUCKET, errorKey(jobId)) !== undefined;
      const successes = this.sns.messagesTo(SUCCESS_TOPIC).filter((n) => n.jobId === jobId);
      const errors = this.sns.messagesTo(ERROR_TOPIC).filter((n) => n.jobId === jobId);
      const completions = this.inference.completed.get(jobId) ?? 0;
      if (completions > 1) ledger.duplicated.push(jobId);
      else if (message.deleted && hasResult) counts.completed += 1;
      else if (message.deleted && hasError && completions === 0) counts.rejected += 1;
      else if (message.deleted) ledger.lost.push(jobId);
      else if (completions === 1) ledger.completedButQueued.push(jobId);
      else if (message.deadLettered) counts.deadLettered += 1;
      else counts.queued += 1;
      if (hasResult && message.deleted && !successes.some((n) => n.repeat === false)) ledger.unannounced.push(jobId);
      const outcomes = new Set([...successes, ...errors].map((n) => n.status));
      if ([...outcomes].some((status) => new Set([...successes, ...errors].filter((n) => n.status === status).map((n) => n.notificationId)).size > 1)) {
        ledger.announcedTwice.push(jobId);
      }
      if (hasResult && (hasError || errors.length > 0)) ledger.failedDespiteResult.push(jobId);
      if (message.deadLettered && !hasResult && !(hasError && errors.length > 0)) ledger.deadLetteredSilently.push(jobId);
    }
    ledger.ranUnprotected.push(...this.jobsRunUnprotected());
    return { ...ledger, ...counts };
  }

  /** Jobs whose run (job_started to its end) was not inside a span where the instance was surely protected. */
  private jobsRunUnprotected(): string[] {
    const spans = this.aws.autoScaling.protectedSpans();
    return this.logsOf('job_started').flatMap((start) => {
      const next = this.logs.find((log) => log !== start && log.at >= start.at && log.messageId === start.messageId
        && ['job_started', 'job_completed', 'job_failed'].includes(log.event));
      // A run followed by another start of its message, or by nothing, was cut short by its
      // process dying (a crash drill): it ended then.
      const ended = next && next.event !== 'job_started' ? next.at : this.childExits.find((at) => at >= start.at);
      const runEnd = ended ?? Date.now();
      return spans.some((span) => span.from <= start.at && runEnd <= span.to) ? [] : [String(start.messageId)];
    });
  }

  async close(): Promise<void> {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([this.imds.close(), this.inference.close(), this.aws.close(), this.s3.close(), this.sns.close()]);
  }
}
