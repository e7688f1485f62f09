import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ABANDON, ARCHIVE_OWNER, BootOutcome, BootSandbox, CONTINUE, EFS_ACCESS_POINT_USER, MODEL_KEY } from './boot-sandbox';

// The model cache is mounted through an EFS access point that enforces a POSIX user: EFS runs
// every NFS call as that user, so a root process may not give a file another owner
// (https://docs.aws.amazon.com/efs/latest/ug/enforce-identity-access-points.html). The drill
// runs boot.sh as root of a user namespace that maps only the caller: there too, root may not
// chown to another owner.

/** A whole boot on a loaded machine. */
const BOOT_TIMEOUT_MS = 30_000;

function inAccessPointNamespace(command: string[], cwd: string) {
  return spawnSync(EFS_ACCESS_POINT_USER[0], [...EFS_ACCESS_POINT_USER.slice(1), ...command], { cwd, encoding: 'utf8' });
}

describe('the access point sandbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'efs-drill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('runs commands as root, who may not chown a file to another owner', () => {
    writeFileSync(join(dir, 'weights.bin'), 'weights');
    const result = inAccessPointNamespace(['sh', '-c', `id -u && chown ${ARCHIVE_OWNER} weights.bin`], dir);
    expect(result.stdout.trim()).toBe('0');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/chown: changing ownership of 'weights\.bin'/);
  });

  test('fails the extraction boot.sh ran before: root tar restores the archive\'s owners and exits 2', () => {
    const content = join(dir, 'content');
    mkdirSync(content);
    writeFileSync(join(content, 'weights.bin'), 'weights');
    spawnSync('tar', ['-czf', 'model.tar.gz', `--owner=${ARCHIVE_OWNER}`, `--group=${ARCHIVE_OWNER}`, '-C', content, '.'], { cwd: dir });
    mkdirSync(join(dir, 'cache'));
    const result = inAccessPointNamespace(['tar', '-xzf', 'model.tar.gz', '-C', 'cache'], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`Cannot change ownership to uid ${ARCHIVE_OWNER}, gid ${ARCHIVE_OWNER}`));
  });
});

describe('boot.sh caching a model through an access point that enforces a POSIX user', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create();
    sandbox.putModelArchive('valid');
    outcome = await sandbox.boot({}, EFS_ACCESS_POINT_USER);
  }, BOOT_TIMEOUT_MS);
  afterAll(() => sandbox.dispose());

  test('extracts an archive whose members belong to another owner and CONTINUEs the launch', () => {
    expect(outcome.output).not.toMatch(/Cannot change ownership/);
    expect(outcome).toMatchObject({ exitCode: 0 });
    expect(sandbox.calls().filter((call) => CONTINUE.test(call))).toHaveLength(1);
    expect(sandbox.calls().some((call) => ABANDON.test(call))).toBe(false);
  });

  test('publishes the model with its ready marker', () => {
    expect(sandbox.calls()).toContainEqual(expect.stringContaining(`s3://model-bucket/${MODEL_KEY}`));
    expect(readFileSync(join(sandbox.modelDir, 'weights.bin'), 'utf8')).toBe('weights');
    expect(existsSync(join(sandbox.modelDir, 'ready'))).toBe(true);
  });

  test('leaves the cached files to the user that wrote them, not the archive\'s owner', () => {
    expect(statSync(join(sandbox.modelDir, 'weights.bin')).uid).toBe(process.getuid?.());
  });
});
