import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootSettings, bootEnvFile, modelEnvFile } from '../../lib/constructs/inference/runtime-files';
import { SERVING_CONTRACT } from '../../lib/constructs/inference/serving-contract';
import { FakeImds } from './fakes/fake-imds';
import { LoopbackServer, listenOnLoopback } from './fakes/http';

const BOOT_SCRIPT = join(__dirname, '../../lib/runtime/inference/boot.sh');
const STUB = join(__dirname, 'sandbox/stub.sh');
const STUBBED_COMMANDS = ['aws', 'docker', 'dnf', 'mount', 'systemctl', 'amazon-cloudwatch-agent-ctl'];
export const MODEL_KEY = 'models/llm/7/model.tar.gz';
/** Owner (uid and gid) of the members of the sandbox's model archive: neither root nor the access point's user. */
export const ARCHIVE_OWNER = 4242;
/**
 * Runs a command in a new user namespace whose only user is the caller, mapped to root: the
 * caller is root there, yet `chown` to any other owner fails, as it does through an EFS access
 * point that enforces a POSIX user (EPERM on EFS, EINVAL here: the owner has no mapping).
 */
export const EFS_ACCESS_POINT_USER = ['unshare', '--map-root-user', '--'];
/** The sandboxed instance's CONTINUE and ABANDON of the launch hook, and its heartbeat. */
export const CONTINUE = /^aws autoscaling complete-lifecycle-action .*--lifecycle-hook-name launch-hook .*--lifecycle-action-result CONTINUE$/;
export const ABANDON = /^aws autoscaling complete-lifecycle-action .*--lifecycle-action-result ABANDON$/;
export const HEARTBEAT = 'aws autoscaling record-lifecycle-action-heartbeat --region eu-west-1 '
  + '--auto-scaling-group-name inference-fleet --lifecycle-hook-name launch-hook --instance-id i-0123456789abcdef0';

/** What a sandboxed instance's boot looks like to the test. */
export interface BootOutcome {
  readonly exitCode: number | null;
  readonly output: string;
}

/**
 * A temp root standing in for one instance's (and the shared EFS cache's) file system, with
 * recording stubs for the commands that would change the machine, a fake S3 directory, a fake
 * IMDS and the inference server on loopback. The server answers `GET <healthCheckPath>` (the
 * serving contract's `/ping` unless the settings say otherwise) with 503 `unhealthyAnswers`
 * times, then 200, recording `health GET <path> 200` in the same log the stubs write; any other
 * request gets a 404.
 */
export class BootSandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'boot-sandbox-'));
  readonly record = join(this.root, 'stub-calls.log');
  readonly s3Dir = join(this.root, 'fake-s3');
  readonly modelDir = join(this.root, 'models/llm/7');
  unhealthyAnswers = 0;
  healthy = true;
  private healthCheckPath: string = SERVING_CONTRACT.healthCheckPath;

  private constructor(private readonly imds: FakeImds, private readonly health: LoopbackServer) {}

  /** A sandbox whose boot.env holds short test settings, changed by `settings`. */
  static async create(settings: Partial<BootSettings> = {}): Promise<BootSandbox> {
    const imds = await FakeImds.start({ 'instance-id': 'i-0123456789abcdef0', 'placement/region': 'eu-west-1' });
    const ready: { sandbox?: BootSandbox } = {};
    const health = await listenOnLoopback((req, res) => ready.sandbox?.answerHealth(req, res));
    const sandbox = new BootSandbox(imds, health);
    sandbox.prepare(settings);
    ready.sandbox = sandbox;
    return sandbox;
  }

  /** The stub calls (and `health 200` answers) in order. */
  calls(): string[] {
    return existsSync(this.record) ? readFileSync(this.record, 'utf8').trim().split('\n') : [];
  }

  /** Heartbeats recorded after the first call starting with `from` and before the next one starting with `to`. */
  heartbeatsBetween(from: string, to: string): number {
    const calls = this.calls();
    const start = calls.findIndex((call) => call.startsWith(from));
    const end = calls.findIndex((call, index) => index > start && call.startsWith(to));
    if (start < 0 || end < 0) throw new Error(`no call starting with "${from}" followed by one starting with "${to}" in:\n${calls.join('\n')}`);
    return calls.slice(start, end).filter((call) => call === HEARTBEAT).length;
  }

  /**
   * Puts a model archive at the model's key (or `key`) in the fake S3: a real tarball whose members belong
   * to uid and gid ARCHIVE_OWNER (as one packed on a build machine), or `corrupt` bytes.
   */
  putModelArchive(kind: 'valid' | 'corrupt', key = MODEL_KEY): void {
    const target = join(this.s3Dir, key);
    mkdirSync(join(target, '..'), { recursive: true });
    if (kind === 'corrupt') {
      writeFileSync(target, 'this is not a gzip archive');
      return;
    }
    const content = join(this.root, 'model-content');
    mkdirSync(content, { recursive: true });
    writeFileSync(join(content, 'weights.bin'), 'weights');
    spawnSync('tar', ['-czf', target, `--owner=${ARCHIVE_OWNER}`, `--group=${ARCHIVE_OWNER}`, '-C', content, '.'], { stdio: 'ignore' });
  }

  /**
   * Runs boot.sh as an instance would, with short timeouts and polls; `extraEnv` sets the
   * stubs' FAKE_* knobs; `wrapper` is a command boot.sh runs under (EFS_ACCESS_POINT_USER).
   * The instance launches now: the fake launch hook's clock starts.
   */
  boot(extraEnv: Record<string, string> = {}, wrapper: readonly string[] = []): Promise<BootOutcome> {
    const hookState = join(this.root, 'launch-hook.ms');
    writeFileSync(hookState, String(Date.now()));
    const [command, ...args] = [...wrapper, 'bash', BOOT_SCRIPT, join(this.root, 'etc/ai-inference/boot.env')];
    const child = spawn(command, args, {
      env: {
        PATH: `${join(this.root, 'bin')}:${process.env.PATH}`,
        HOME: this.root,
        TMPDIR: join(this.root, 'tmp'),
        ROOT: this.root,
        IMDS_ENDPOINT: this.imds.url,
        SERVER_URL: this.health.url,
        HEALTH_POLL_SECONDS: '0.1',
        PROGRESS_POLL_SECONDS: '0.1',
        CWAGENT_CTL: join(this.root, 'bin/amazon-cloudwatch-agent-ctl'),
        STUB_RECORD: this.record,
        FAKE_ASG_NAME: 'inference-fleet',
        FAKE_S3_DIR: this.s3Dir,
        FAKE_HOOK_STATE: hookState,
        ...extraEnv,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    return new Promise((resolve) => child.on('close', (exitCode) => resolve({ exitCode, output })));
  }

  async dispose(): Promise<void> {
    await Promise.all([this.imds.close(), this.health.close()]);
    rmSync(this.root, { recursive: true, force: true });
  }

  private answerHealth(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' || req.url !== this.healthCheckPath) {
      res.writeHead(404).end();
      return;
    }
    if (this.healthy && this.unhealthyAnswers === 0) {
      appendFileSync(this.record, `health GET ${this.healthCheckPath} 200\n`);
      res.writeHead(200).end();
      return;
    }
    this.unhealthyAnswers = Math.max(0, this.unhealthyAnswers - 1);
    res.writeHead(503).end();
  }

  private prepare(settings: Partial<BootSettings>): void {
    for (const dir of ['bin', 'tmp', 'etc/ai-inference', 'fake-s3']) mkdirSync(join(this.root, dir), { recursive: true });
    for (const command of STUBBED_COMMANDS) symlinkSync(STUB, join(this.root, 'bin', command));
    const modelEnv = join(this.root, 'etc/ai-inference/model.env');
    writeFileSync(modelEnv, modelEnvFile({ MAX_BATCH_SIZE: '8' }));
    this.healthCheckPath = settings.healthCheckPath ?? this.healthCheckPath;
    writeFileSync(join(this.root, 'etc/ai-inference/boot.env'), bootEnvFile({
      modelArchiveUrl: `s3://model-bucket/${MODEL_KEY}`,
      modelName: 'llm',
      modelVersion: '7',
      containerImage: 'public.ecr.aws/acme/llm-server:1.2',
      processor: 'gpu',
      gpuMemoryFraction: 0.8,
      modelEnvFile: modelEnv,
      fileSystemId: 'fs-0123',
      accessPointId: 'fsap-0456',
      logGroupName: '/ai/inference',
      metricsNamespace: 'Sandbox/Metrics',
      serverPort: SERVING_CONTRACT.port,
      healthCheckPath: this.healthCheckPath,
      launchLifecycleHookName: 'launch-hook',
      bootBudgetSeconds: 60,
      heartbeatIntervalSeconds: 1,
      // Generous: a loaded machine must not trip them; the drills of each timeout set their own.
      stallTimeoutSeconds: 30,
      healthCheckTimeoutSeconds: 30,
      agentBundle: '/opt/ai-inference/agent.js',
      agentConfig: '/etc/ai-inference/agent.json',
      agentStopTimeoutSeconds: 960,
      ...settings,
    }));
  }
}
