import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { mergeConfig } from '../../lib/config';
import { dev } from '../../lib/config/dev';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runTrain } from '../../scripts/train/cli';
import { servingLayoutProblem } from '../../scripts/train/serving-layout';
import { ARTIFACTS, MODELS, clients, objects, resetWorld, s3, sageMaker, testIo, text } from './train-fixtures';

// These tests run tar and bash; a busy machine makes them slow, never wrong.
jest.setTimeout(60_000);

beforeEach(resetWorld);

const run = (argv: string[], io = testIo()) => runTrain(argv, io, () => clients()).then((code) => ({ code, io }));

/** A gzip tarball of `files` (path to content), as a training node packs /opt/ml/model. */
function tarball(files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'model-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  spawnSync('tar', ['-czf', join(dir, '..', `${dir.split('/').pop()}.tar.gz`), '-C', dir, '.']);
  return readFileSync(join(dir, '..', `${dir.split('/').pop()}.tar.gz`));
}

function archiveFiles(bucket: string, key: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'published-'));
  writeFileSync(join(dir, 'a.tar.gz'), objects.get(`${bucket}/${key}`) ?? Buffer.alloc(0));
  mkdirSync(join(dir, 'x'));
  spawnSync('tar', ['-xzf', join(dir, 'a.tar.gz'), '-C', join(dir, 'x')]);
  const list = spawnSync('find', ['.', '-type', 'f'], { cwd: join(dir, 'x'), encoding: 'utf8' }).stdout.split('\n').filter(Boolean).sort();
  return Object.fromEntries(list.map((file) => [file.slice(2), readFileSync(join(dir, 'x', file), 'utf8')]));
}

function handlerDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'handler-'));
  writeFileSync(join(dir, 'inference.py'), 'def model_fn(model_dir): ...\n');
  writeFileSync(join(dir, 'requirements.txt'), 'numpy\n');
  return dir;
}

async function finishedRun(runId: string, model: Record<string, string>): Promise<void> {
  await run(['start', '--env', 'dev', '--run', runId]);
  objects.set(`${ARTIFACTS}/training-output/${runId}/output/model.tar.gz`, tarball(model));
}

describe('publish', () => {
  test('adds the handler under code/, uploads models/<name>/<version>/model.tar.gz and never over an existing version', async () => {
    await finishedRun('r1', { 'model.pth': 'weights' });
    const { code, io } = await run(['publish', 'r1', '--env', 'dev', '--version', '1.1.0', '--inference-code', handlerDir()]);
    expect(code).toBe(EXIT_OK);
    const key = `models/${dev.inference.default.model.name}/1.1.0/model.tar.gz`;
    expect(io.out).toEqual([`s3://${MODELS}/${key}`]);
    expect(archiveFiles(MODELS, key)).toEqual({ 'model.pth': 'weights', 'code/inference.py': 'def model_fn(model_dir): ...\n', 'code/requirements.txt': 'numpy\n' });
    expect(s3.commandCalls(PutObjectCommand, { Key: key })[0].args[0].input.IfNoneMatch).toBe('*');
  });

  test('records where the version came from beside it', async () => {
    await finishedRun('r1', { 'model.pth': 'w', 'code/inference.py': 'x' });
    await run(['publish', 'r1', '--env', 'dev', '--version', '2']);
    expect(JSON.parse(text(MODELS, `models/${dev.inference.default.model.name}/2/source.json`) ?? '{}')).toEqual(expect.objectContaining({
      run: 'r1', target: 'spot', trainingOutput: `s3://${ARTIFACTS}/training-output/r1/output/model.tar.gz`,
    }));
  });

  test('prints the config line and the deploy that roll the fleet and the endpoint to it', async () => {
    await finishedRun('r1', { 'model.pth': 'w', 'code/inference.py': 'x' });
    const { io } = await run(['publish', 'r1', '--env', 'dev', '--version', '1.1.0']);
    expect(io.err).toEqual([
      `published r1 as ${dev.inference.default.model.name} 1.1.0. To serve it, set in lib/config/dev.ts:`,
      `  ${dev.modelPublished ? '' : 'modelPublished: true, '}inference: { default: { model: { version: '1.1.0' } } },`,
      "then deploy, which rolls the fleet (instance refresh) and the SageMaker endpoint to it: npx cdk deploy -c env=dev 'dev/*'",
    ]);
  });

  describe('for a service serving a registered model', () => {
    const registered = mergeConfig(dev, { inference: { default: { model: { name: undefined, version: undefined, image: undefined, modelPackage: { groupName: 'sentiment-3f2a1c', version: 'latest-approved' } } } } });
    const runRegistered = (argv: string[], io = testIo()) => runTrain(argv, io, () => clients(), [registered]).then((code) => ({ code, io }));

    test('--model is required: the config names no archive', async () => {
      const { code, io } = await runRegistered(['publish', 'r1', '--env', 'dev', '--version', '5']);
      expect([code, io.err]).toEqual([EXIT_USAGE, [expect.stringMatching(/^train: --model is required: service default serves model package group sentiment-3f2a1c, not an archive named in the config/)]]);
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    test('uploads the archive and says to register it as the group\'s next version and approve it', async () => {
      await finishedRun('r1', { 'model.pth': 'w', 'code/inference.py': 'x' });
      const { code, io } = await runRegistered(['publish', 'r1', '--env', 'dev', '--version', '5', '--model', 'sentiment']);
      expect([code, io.out]).toEqual([EXIT_OK, [`s3://${MODELS}/models/sentiment/5/model.tar.gz`]]);
      expect(io.err).toEqual([
        `published r1 as sentiment 5. Service default serves model package group sentiment-3f2a1c: register s3://${MODELS}/models/sentiment/5/model.tar.gz `
        + 'as its next version with the serving image, approve it, then deploy (docs/registered-models.md)',
      ]);
    });
  });

  test('a model published under another name sets the name too', async () => {
    await finishedRun('r1', { 'model.pth': 'w', 'code/inference.py': 'x' });
    const { io } = await run(['publish', 'r1', '--env', 'dev', '--version', '3', '--model', 'other']);
    expect(io.err[1]).toContain("inference: { default: { model: { name: 'other', version: '3' } } },");
  });

  test('refuses a version that exists', async () => {
    await finishedRun('r1', { 'model.pth': 'w', 'code/inference.py': 'x' });
    objects.set(`${MODELS}/models/${dev.inference.default.model.name}/1.0.0/model.tar.gz`, Buffer.from('old'));
    const { code, io } = await run(['publish', 'r1', '--env', 'dev', '--version', '1.0.0']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toBe(`train: s3://${MODELS}/models/${dev.inference.default.model.name}/1.0.0/model.tar.gz exists: a published version is never replaced; pick another --version`);
    expect(text(MODELS, `models/${dev.inference.default.model.name}/1.0.0/model.tar.gz`)).toBe('old');
  });

  test('a version published meanwhile (S3 answers 412 to If-None-Match) is not replaced', async () => {
    await finishedRun('r1', { 'model.pth': 'w', 'code/inference.py': 'x' });
    const key = `models/${dev.inference.default.model.name}/4/model.tar.gz`;
    s3.on(PutObjectCommand, { Key: key }).callsFakeOnce(() => {
      objects.set(`${MODELS}/${key}`, Buffer.from('theirs'));
      throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed' });
    });
    const { code, io } = await run(['publish', 'r1', '--env', 'dev', '--version', '4']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toMatch(/was published meanwhile: pick another --version/);
    expect(text(MODELS, key)).toBe('theirs');
  });

  test('refuses an archive the serving image cannot load, saying what is missing', async () => {
    await finishedRun('r1', { 'model.pth': 'w' });
    const { code, io } = await run(['publish', 'r1', '--env', 'dev', '--version', '1']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toMatch(/the model of r1 cannot be served: it has no code\/inference\.py: pass the directory of the handler with --inference-code/);
  });

  test('a run without output yet is not published', async () => {
    await run(['start', '--env', 'dev', '--run', 'r2']);
    const { code, io } = await run(['publish', 'r2', '--env', 'dev', '--version', '1']);
    expect(code).toBe(EXIT_FAILED);
    expect(io.err[0]).toMatch(/run r2 has no model yet \(s3:\/\/dev-artifacts\/training-output\/r2\/output\/model\.tar\.gz\)/);
  });

  test('a SageMaker run publishes its job\'s ModelArtifacts, once completed', async () => {
    sageMaker.on(CreateTrainingJobCommand).resolves({});
    await run(['start', '--env', 'dev', '--on', 'sagemaker', '--run', 'sm']);
    sageMaker.on(DescribeTrainingJobCommand).resolvesOnce({ TrainingJobStatus: 'InProgress' } as never);
    expect((await run(['publish', 'sm', '--env', 'dev', '--version', '5'])).io.err[0]).toMatch(/run sm has no model yet: its SageMaker job is InProgress/);
    objects.set(`${ARTIFACTS}/training-output/sm/output/model.tar.gz`, tarball({ 'model.pth': 'w', 'code/inference.py': 'x' }));
    sageMaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobStatus: 'Completed', ModelArtifacts: { S3ModelArtifacts: `s3://${ARTIFACTS}/training-output/sm/output/model.tar.gz` } } as never);
    expect((await run(['publish', 'sm', '--env', 'dev', '--version', '5'])).code).toBe(EXIT_OK);
  });
});

describe('the serving layout', () => {
  test.each([
    [['model.pth', 'code/inference.py'], undefined],
    [['./model.pth', './code/inference.py', './code/requirements.txt'], undefined],
    [['model.pth'], /no code\/inference\.py/],
    [['code/inference.py'], /no model file outside code\//],
  ] as Array<[string[], RegExp | undefined]>)('%j', (files, problem) => {
    const found = servingLayoutProblem(files);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});
