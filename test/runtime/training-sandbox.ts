import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FakeImds } from './fakes/fake-imds';
import { LoopbackServer, listenOnLoopback, readBody } from './fakes/http';
import { LAUNCHER_PATHS, NodeReport, RunCapacity, TrainingRun, launcherConfigFile, runRecordFile } from '../../lib/runtime/training/launcher-files';
import { FakeAwsState, runFakeAwsCli } from './sandbox/fake-aws-cli';

const RUNTIME = join(__dirname, '../../lib/runtime/training');
const FIXTURES = join(__dirname, 'training-fixtures');
export const ARTIFACTS = 'artifacts';
export const CHECKPOINTS = 'checkpoints-bucket';

function killGroup(pid: number | undefined): void {
  for (const target of pid === undefined ? [] : [-pid, pid]) {
    try { process.kill(target, 'SIGKILL'); } catch { /* gone */ }
  }
}

/** One node of a sandbox: its process, its output, its metadata service and its file system. */
export interface SandboxNode {
  readonly name: string;
  readonly root: string;
  readonly imds: FakeImds;
  readonly process: ChildProcess;
  /** Resolves with the launcher's exit code. */
  readonly exited: Promise<number | null>;
  output: string;
}

/**
 * The `aws` on a sandboxed node's PATH: posts its arguments (NUL-separated) to the sandbox's
 * fake CLI on loopback, prints what it answers and exits with its exit code. In process, the
 * fake answers in milliseconds where a Node.js process per call would take a second on a busy machine.
 */
const AWS_SHIM = `#!/usr/bin/env bash
headers="$(mktemp)"
printf '%s\\0' "$@" | curl -s -D "\${headers}" --data-binary @- "\${FAKE_AWS_URL}"
code="$(tr -d '\\r' < "\${headers}" | sed -n 's/^x-exit-code: *//p')"
tr -d '\\r' < "\${headers}" | sed -n 's/^x-stderr: *//p' | base64 -d >&2
rm -f "\${headers}"
exit "\${code:-1}"
`;

/**
 * A temp directory standing in for the training nodes of one environment: the fake AWS CLI
 * (S3 as directories, the capacity's describes from a state), the fake docker CLI
 * (containers as local processes), an `nvidia-smi` listing `gpus` GPUs, and one fake IMDS and
 * one file system root per node. The launcher, `train-node.sh`, runs as shipped, with its
 * config written by the same function as the user data's, and run records written by the same
 * function as `npm run train -- start`'s.
 */
export class TrainingSandbox {
  readonly root = mkdtempSync(join(tmpdir(), 'training-sandbox-'));
  readonly nodes: SandboxNode[] = [];
  private readonly awsRecord = join(this.root, 'aws-calls.log');
  private capacity: FakeAwsState = { autoScalingGroups: {}, fleets: {}, instances: {} };
  private awsServer?: LoopbackServer;

  constructor(private readonly target: 'cluster' | 'spot' = 'spot', gpus = 4) {
    for (const dir of ['bin', 's3', 'tools']) mkdirSync(join(this.root, dir), { recursive: true });
    const docker = join(this.root, 'tools', 'docker.cjs');
    const result = spawnSync(require.resolve('esbuild/bin/esbuild'), [
      join(__dirname, 'sandbox', 'fake-docker.ts'), '--bundle', '--platform=node', '--format=cjs', '--log-level=warning', `--outfile=${docker}`,
    ], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`esbuild could not bundle the fake docker: ${result.stderr}`);
    this.script('bin/docker', `#!/usr/bin/env bash\nexec node ${docker} "$@"\n`);
    this.script('bin/aws', AWS_SHIM);
    this.script('bin/nvidia-smi', `#!/usr/bin/env bash\nfor (( i = 0; i < ${gpus}; i++ )); do echo "GPU $i: NVIDIA A10G (UUID: GPU-$i)"; done\n`);
    this.script('bin/systemctl', '#!/usr/bin/env bash\n');
    writeFileSync(join(this.root, 'train-node.env'), launcherConfigFile({
      target,
      runsUri: `s3://${ARTIFACTS}/training-runs/`,
      logGroupName: 'training-logs',
      metricsNamespace: 'Sandbox/Metrics',
      heartbeatMetricName: 'TrainingJobHeartbeat',
      checkpointSyncSeconds: 3600,
      signalGraceSeconds: 5,
    }).replace(`DISCOVER_PEERS='${LAUNCHER_PATHS.discoverPeers}'`, `DISCOVER_PEERS='${join(RUNTIME, 'discover-peers.sh')}'`));
  }

  /** The capacity the fake EC2 and Auto Scaling APIs describe. */
  setCapacity(state: FakeAwsState): void {
    this.capacity = state;
  }

  /** The environment a script needs to call the sandbox's fake AWS CLI. */
  async shellEnv(): Promise<NodeJS.ProcessEnv> {
    return { ...process.env, PATH: `${join(this.root, 'bin')}:${process.env.PATH}`, FAKE_AWS_URL: await this.awsUrl() };
  }

  /** The fake AWS CLI's endpoint, started on first use. */
  private async awsUrl(): Promise<string> {
    this.awsServer ??= await listenOnLoopback((req, res) => {
      void readBody(req).then((body) => {
        const args = body.split('\0').slice(0, -1);
        const result = runFakeAwsCli({
          s3Dir: join(this.root, 's3'),
          state: () => this.capacity,
          record: (line) => appendFileSync(this.awsRecord, `${line}\n`),
        }, args);
        res.writeHead(200, { 'x-exit-code': String(result.exitCode), 'x-stderr': Buffer.from(result.stderr).toString('base64') }).end(result.stdout);
      });
    });
    return this.awsServer.url;
  }

  /** Makes `run` the active run of the sandbox's target, with the fixtures as its code and one data file. */
  startRun(overrides: Partial<TrainingRun> & { readonly capacity: RunCapacity }): TrainingRun & { readonly capacity: RunCapacity } {
    const runId = overrides.runId ?? 'run-1';
    const run = {
      runId,
      target: this.target,
      image: 'public.ecr.aws/sandbox/train:1',
      command: 'exec python3 tiny_train.py',
      codeUri: `s3://${ARTIFACTS}/training-code/${runId}/sourcedir.tar.gz`,
      dataUri: 's3://datasets/datasets/demo/',
      checkpointUri: `s3://${CHECKPOINTS}/checkpoints/${runId}/`,
      outputUri: `s3://${ARTIFACTS}/training-output/${runId}/output/model.tar.gz`,
      nodes: 1,
      maxRuntimeSeconds: 600,
      maxAttempts: 1,
      startedAt: '2026-05-01T12:00:00Z',
      ...overrides,
    };
    const code = join(this.root, 's3', ARTIFACTS, 'training-code', runId, 'sourcedir.tar.gz');
    mkdirSync(dirname(code), { recursive: true });
    spawnSync('tar', ['-czf', code, '-C', FIXTURES, 'tiny_train.py', 'fake_torchrun.py']);
    this.putObject('datasets', 'datasets/demo/data.txt', 'the demo dataset');
    this.putObject(ARTIFACTS, `training-runs/active/${this.target}.env`, runRecordFile(run));
    return run;
  }

  putObject(bucket: string, key: string, body: string): void {
    const path = join(this.root, 's3', bucket, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  }

  object(bucket: string, key: string): string | undefined {
    const path = join(this.root, 's3', bucket, key);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  }

  /** The node's latest report of `runId`, from the fake S3. */
  report(runId: string, instanceId: string): NodeReport | undefined {
    const body = this.object(ARTIFACTS, `training-runs/${runId}/nodes/${instanceId}.json`);
    return body === undefined ? undefined : JSON.parse(body) as NodeReport;
  }

  /** What the job ran, as its history log in the run's checkpoints in S3 says. */
  history(runId: string): string[] {
    return (this.object(CHECKPOINTS, `checkpoints/${runId}/history.log`) ?? '').trim().split('\n').filter(Boolean);
  }

  awsCalls(): string[] {
    return existsSync(this.awsRecord) ? readFileSync(this.awsRecord, 'utf8').trim().split('\n') : [];
  }

  dockerCalls(node: SandboxNode): string[] {
    const path = join(node.root, 'docker-calls.log');
    return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : [];
  }

  /** Boots a node: its IMDS answers `metadata`, its launcher runs with `env` (test pacing, fixture knobs). */
  async boot(name: string, metadata: { instanceId: string; ip: string; instanceType?: string }, env: Record<string, string> = {}): Promise<SandboxNode> {
    const imds = await FakeImds.start({
      'instance-id': metadata.instanceId,
      'placement/region': 'eu-west-1',
      'local-ipv4': metadata.ip,
      'instance-type': metadata.instanceType ?? 'g5.12xlarge',
    });
    const root = join(this.root, 'nodes', name);
    mkdirSync(join(root, 'docker'), { recursive: true });
    // A process group of its own, so dispose() stops the launcher with its heartbeat loop.
    const child = spawn('bash', [join(RUNTIME, 'train-node.sh'), join(this.root, 'train-node.env')], {
      detached: true,
      env: {
        PATH: `${join(this.root, 'bin')}:${process.env.PATH}`,
        HOME: root,
        ROOT: root,
        IMDS_ENDPOINT: imds.url,
        POLL_SECONDS: '0.1',
        HEARTBEAT_SECONDS: '0.5',
        RENDEZVOUS_TIMEOUT_SECONDS: '120',
        FAKE_AWS_URL: await this.awsUrl(),
        FAKE_DOCKER_DIR: join(root, 'docker'),
        FAKE_DOCKER_RECORD: join(root, 'docker-calls.log'),
        ...env,
      },
    });
    const node: SandboxNode = {
      name, root, imds, process: child, output: '',
      exited: new Promise((resolve) => child.on('close', resolve)),
    };
    child.stdout?.on('data', (chunk: Buffer) => { node.output += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { node.output += chunk.toString(); });
    this.nodes.push(node);
    return node;
  }

  /** Polls `check` every 50 ms until it holds, failing after `timeoutMs` with `what` and the nodes' output. */
  async until(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${this.nodes.map((n) => `--- ${n.name}\n${n.output}`).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async dispose(): Promise<void> {
    for (const node of this.nodes) {
      killGroup(node.process.pid);
      const docker = join(node.root, 'docker');
      for (const pidFile of readdirSync(docker).filter((name) => name.endsWith('.pid'))) killGroup(Number(readFileSync(join(docker, pidFile), 'utf8')));
    }
    await Promise.all([...this.nodes.map((node) => node.imds.close()), this.awsServer?.close()]);
    rmSync(this.root, { recursive: true, force: true });
  }

  private script(path: string, body: string): void {
    writeFileSync(join(this.root, path), body);
    chmodSync(join(this.root, path), 0o755);
  }
}
