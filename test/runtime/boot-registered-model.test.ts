import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootOutcome, BootSandbox } from './boot-sandbox';

/** A registered model's archive, wherever its version's inference specification puts it (here MLflow's artifact store). */
const ARCHIVE_KEY = 'mlflow/7/3c4d/artifacts/model.tar.gz';

describe('boot.sh serving a registered model version', () => {
  let sandbox: BootSandbox;
  let outcome: BootOutcome;

  beforeAll(async () => {
    sandbox = await BootSandbox.create({ modelArchiveUrl: `s3://ml-artifacts/${ARCHIVE_KEY}`, modelName: 'sentiment-3f2a1c', modelVersion: '4' });
    sandbox.putModelArchive('valid', ARCHIVE_KEY);
    outcome = await sandbox.boot();
  });
  afterAll(() => sandbox.dispose());

  test('exits 0', () => {
    expect(outcome).toMatchObject({ exitCode: 0 });
  });

  test('downloads the archive from the URL the version names, outside the model bucket\'s models/', () => {
    expect(sandbox.calls()).toContainEqual(expect.stringMatching(new RegExp(`^aws s3 cp .*s3://ml-artifacts/${ARCHIVE_KEY} `)));
  });

  test('caches it under the group and the version, and serves it from there', () => {
    const cached = join(sandbox.root, 'models/sentiment-3f2a1c/4');
    expect([readFileSync(join(cached, 'weights.bin'), 'utf8'), existsSync(join(cached, 'ready'))]).toEqual(['weights', true]);
    expect(sandbox.calls().find((call) => call.startsWith('docker run'))).toContain(`-v ${cached}:/opt/ml/model:ro`);
  });
});
