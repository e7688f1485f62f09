import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, SAMPLE_MODEL_DIR, USAGE, runPackageModel } from '../../scripts/model/cli';
import { modelDirectoryProblems, packageModel } from '../../scripts/model/package-model';

const dir = mkdtempSync(join(tmpdir(), 'model-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the sample model to break, under a fresh name. */
function sampleCopy(name: string): string {
  const copy = join(dir, name);
  cpSync(SAMPLE_MODEL_DIR, copy, { recursive: true });
  return copy;
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPackageModel(argv, { print: (line) => out.push(line), printError: (line) => err.push(line) });
  return { code, out, err };
}

describe('npm run model:package', () => {
  test('--help prints the usage and writes nothing', async () => {
    const { code, out } = await run(['--help', '--out', join(dir, 'help.tar.gz')]);
    expect(code).toBe(EXIT_OK);
    expect(out).toEqual([USAGE]);
    expect(existsSync(join(dir, 'help.tar.gz'))).toBe(false);
  });

  test.each([
    [['--colour'], /Unknown option '--colour'/],
    [['models/sentiment'], /Unexpected argument 'models\/sentiment'/],
    [['--out'], /Option '--out <value>' argument missing/],
  ])('%j is a usage error on one line', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(err[0]).toContain('npm run model:package -- --help');
  });

  test('packages the sample by default, saying where to upload it', async () => {
    const out = join(dir, 'sample.tar.gz');
    const { code, out: lines } = await run(['--out', out]);
    expect(code).toBe(EXIT_OK);
    expect(lines[0]).toMatch(new RegExp(`^packaged models/sentiment into ${out}: 3 entries, \\d+ bytes, sha256 [0-9a-f]{64}$`));
    expect(lines[1]).toBe(`upload it: aws s3 cp ${out} s3://<ModelBucketName>/models/<name>/<version>/model.tar.gz`);
  });

  test('an invalid model directory exits 1 with the problem', async () => {
    const { code, err } = await run(['--source', join(dir, 'nowhere'), '--out', join(dir, 'x.tar.gz')]);
    expect(code).toBe(EXIT_INVALID);
    expect(err).toEqual([expect.stringMatching(/^model:package: --source \(.*nowhere\) is not a directory/)]);
  });
});

describe('packageModel', () => {
  test('writes the layout the default image loads: model files at the top, the script under code/, no owners, epoch times', async () => {
    const out = join(dir, 'layout.tar.gz');
    const packaged = await packageModel(SAMPLE_MODEL_DIR, out);
    expect(packaged.members).toEqual(['code/', 'code/inference.py', 'lexicon.json']);
    // GNU tar's listing: mode, uid/gid, size, date, time, name.
    const listing = spawnSync('tar', ['--numeric-owner', '-tvzf', out], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(listing.map((line) => line.replace(/^\S+\s+(\S+)\s+\d+\s+(\S+ \S+)\s+(\S+)$/, '$1 $2 $3'))).toEqual([
      '0/0 1970-01-01 00:00 code/',
      '0/0 1970-01-01 00:00 code/inference.py',
      '0/0 1970-01-01 00:00 lexicon.json',
    ]);
  });

  test('gives the same bytes for the same directory, whatever its files\' times, and leaves out bytecode caches', async () => {
    const first = await packageModel(SAMPLE_MODEL_DIR, join(dir, 'first.tar.gz'));
    const copy = sampleCopy('touched');
    utimesSync(join(copy, 'lexicon.json'), new Date('2031-01-02'), new Date('2031-01-02'));
    mkdirSync(join(copy, 'code/__pycache__'));
    writeFileSync(join(copy, 'code/__pycache__/inference.cpython-312.pyc'), 'bytecode');
    const second = await packageModel(copy, join(dir, 'second.tar.gz'));
    expect(second.members).toEqual(first.members);
    expect(second.sha256).toBe(first.sha256);
  });

  test('gives the same bytes from a checkout whose umask left files group-writable', async () => {
    const first = await packageModel(SAMPLE_MODEL_DIR, join(dir, 'umask-022.tar.gz'));
    const copy = sampleCopy('umask-002');
    chmodSync(join(copy, 'lexicon.json'), 0o664);
    chmodSync(join(copy, 'code'), 0o775);
    expect((await packageModel(copy, join(dir, 'umask-002.tar.gz'))).sha256).toBe(first.sha256);
  });

  test('writes nothing when the directory is invalid', async () => {
    const out = join(dir, 'invalid.tar.gz');
    await expect(packageModel(join(dir, 'nowhere'), out)).rejects.toThrow(/is not a directory/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('modelDirectoryProblems', () => {
  const out = () => join(dir, 'model.tar.gz');

  test('accepts the sample', () => {
    expect(modelDirectoryProblems(SAMPLE_MODEL_DIR, out())).toEqual([]);
  });

  test('refuses a file for a directory', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(modelDirectoryProblems(join(dir, 'file'), out())).toEqual([expect.stringMatching(/--source \(.*file\) is not a directory: give the directory that holds the model files and code\/inference\.py/)]);
  });

  test('refuses a directory without code/inference.py', () => {
    const copy = sampleCopy('no-script');
    rmSync(join(copy, 'code/inference.py'));
    expect(modelDirectoryProblems(copy, out())).toEqual([expect.stringMatching(/no-script has no code\/inference\.py: the SageMaker PyTorch inference toolkit of the default image loads the model through its model_fn/)]);
  });

  test('refuses a script without model_fn', () => {
    const copy = sampleCopy('no-model-fn');
    writeFileSync(join(copy, 'code/inference.py'), 'def predict_fn(data, model):\n    return data\n');
    expect(modelDirectoryProblems(copy, out())).toEqual([expect.stringMatching(/inference\.py defines no model_fn\(model_dir\)/)]);
  });

  test('refuses code without model files beside it', () => {
    const copy = sampleCopy('no-model-files');
    rmSync(join(copy, 'lexicon.json'));
    expect(modelDirectoryProblems(copy, out())).toEqual([expect.stringMatching(/no-model-files has no model files beside code\/: put the weights/)]);
  });

  test('refuses a symbolic link', () => {
    const copy = sampleCopy('linked');
    symlinkSync(join(SAMPLE_MODEL_DIR, 'lexicon.json'), join(copy, 'weights.json'));
    expect(modelDirectoryProblems(copy, out())).toEqual([expect.stringMatching(/linked\/weights\.json is a symbolic link: put the file itself in the model directory/)]);
  });

  test('refuses an archive written inside the directory it packages', () => {
    const copy = sampleCopy('self');
    expect(modelDirectoryProblems(copy, join(copy, 'model.tar.gz'))).toEqual([expect.stringMatching(/--out \(.*self\/model\.tar\.gz\) is inside --source/)]);
  });

  test('refuses an archive in a directory that does not exist', () => {
    expect(modelDirectoryProblems(SAMPLE_MODEL_DIR, join(dir, 'missing/model.tar.gz'))).toEqual([expect.stringMatching(/--out \(.*\): directory .*missing does not exist/)]);
  });
});
