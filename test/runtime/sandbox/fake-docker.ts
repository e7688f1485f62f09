/**
 * A stand-in for the docker CLI the training launcher calls, bundled into a training sandbox
 * and run under the name `docker`; every call is appended to $FAKE_DOCKER_RECORD. Containers are
 * local processes: `run -d ... IMAGE bash -c CMD` starts `bash -c CMD` in the background with the
 * `--env-file` and `-e` variables, in the host directory mounted at `-w`, each container path of
 * a `-v host:container` mount in those values replaced by its host path; `wait` prints its exit
 * code once it ends; `rm -f` removes a container, and `run` refuses a name still in use, as docker
 * does; `stop -t N` sends SIGTERM to it and SIGKILL N seconds later, as docker does
 * (https://docs.docker.com/reference/cli/docker/container/stop/). `pull` of an image named in
 * $FAKE_DOCKER_MISSING_IMAGES fails as a missing image does. State lives in $FAKE_DOCKER_DIR.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const record = process.env.FAKE_DOCKER_RECORD ?? '/dev/null';
const dir = process.env.FAKE_DOCKER_DIR ?? '/tmp';
const [command, ...rest] = args;
if (command === 'login') appendFileSync(record, `docker ${args.join(' ')} < ${readFileSync(0, 'utf8').trim()}\n`);
else appendFileSync(record, `docker ${args.join(' ')}\n`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const exitFile = (name: string) => join(dir, `${name}.exit`);
const pidFile = (name: string) => join(dir, `${name}.pid`);

/** Options of `docker run` that take a value; the first other word is the image. */
const VALUED = new Set(['--name', '--gpus', '--network', '--ipc', '--ulimit', '--device', '-v', '-w', '--env-file', '-e', '--log-driver', '--log-opt']);

function run(): void {
  const mounts: Array<[string, string]> = [];
  const env: Record<string, string> = {};
  let name = '';
  let workdir = '';
  let at = 0;
  for (; at < rest.length && rest[at].startsWith('-'); at++) {
    const flag = rest[at];
    if (flag === '-d') continue;
    if (!VALUED.has(flag)) throw new Error(`fake docker: run ${flag} is not faked`);
    const value = rest[++at];
    if (flag === '--name') name = value;
    if (flag === '-v') mounts.push(value.split(':') as [string, string]);
    if (flag === '-w') workdir = value;
    if (flag === '-e') env[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
    if (flag === '--env-file') {
      for (const line of readFileSync(value, 'utf8').split('\n').filter((l) => l.includes('='))) env[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  if (existsSync(pidFile(name))) {
    process.stderr.write(`docker: Error response from daemon: Conflict. The container name "/${name}" is already in use.\n`);
    process.exit(125);
  }
  const [, shell, flag, script] = rest.slice(at);
  if (shell !== 'bash' || flag !== '-c') throw new Error('fake docker: run takes IMAGE bash -c COMMAND');
  const toHost = (value: string) => mounts.reduce((v, [host, container]) => (v.startsWith(container) ? host + v.slice(container.length) : v), value);
  const translated = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, toHost(v)]));
  const log = openSync(join(dir, `${name}.log`), 'a');
  // The container's PID 1 is `bash -c CMD` (an exec'd simple command becomes it); the outer shell records its exit code.
  const child = spawn('bash', ['-c', 'bash -c "$1" & echo $! > "$2"; wait $!; echo $? > "$3"', 'container', script, pidFile(name), exitFile(name)], {
    cwd: toHost(workdir), env: { ...process.env, ...translated }, detached: true, stdio: ['ignore', log, log],
  });
  child.unref();
  closeSync(log);
  process.stdout.write(`${name}-container-id\n`);
}

async function waitFor(name: string, timeoutMs = Infinity): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(exitFile(name)) || readFileSync(exitFile(name), 'utf8').trim() === '') {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

async function main(): Promise<void> {
  switch (command) {
    case 'run':
      run();
      return;
    case 'wait':
      await waitFor(rest[0]);
      process.stdout.write(`${readFileSync(exitFile(rest[0]), 'utf8').trim()}\n`);
      return;
    case 'stop': {
      const [, seconds, name] = rest;
      while (!existsSync(pidFile(name))) await sleep(20);
      const pid = Number(readFileSync(pidFile(name), 'utf8'));
      try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
      if (!(await waitFor(name, Number(seconds) * 1000))) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
        await waitFor(name);
      }
      process.stdout.write(`${name}\n`);
      return;
    }
    case 'rm':
      for (const name of rest.filter((word) => !word.startsWith('-'))) {
        rmSync(exitFile(name), { force: true });
        rmSync(pidFile(name), { force: true });
      }
      return;
    case 'pull':
      if ((process.env.FAKE_DOCKER_MISSING_IMAGES ?? '').split(',').includes(rest[0])) {
        process.stderr.write(`Error response from daemon: manifest for ${rest[0]} not found: manifest unknown\n`);
        process.exit(1);
      }
      return;
    default:
      return;
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(125);
});
