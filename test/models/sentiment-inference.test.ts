import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_MODEL_DIR } from '../../scripts/model/cli';
import { packageModel } from '../../scripts/model/package-model';
import { SMOKE_JOB_BODY } from '../../scripts/smoke-check/job-check';

// The sample model run as the default image runs it: model.tar.gz extracted to a model directory,
// code/inference.py imported from its code/ directory, model_fn(model_dir) once, then
// input_fn -> predict_fn -> output_fn per request, the toolkit's Transformer order
// (https://sagemaker.readthedocs.io/en/stable/frameworks/pytorch/using_pytorch.html#serve-a-pytorch-model).
// No PyTorch here: one test puts a fake `torch` on the path, written from the API reference of
// torch.cuda (is_available(), device_count(), set_per_process_memory_fraction(fraction, device)).

const HARNESS = `
import importlib, json, os, sys
model_dir = sys.argv[1]
sys.path.insert(0, os.path.join(model_dir, "code"))
handler = importlib.import_module("inference")
model = handler.model_fn(model_dir)
answers = []
for request in json.load(sys.stdin):
    try:
        data = handler.input_fn(request["body"].encode("utf-8"), request["contentType"])
        response, response_type = handler.output_fn(handler.predict_fn(data, model), request["accept"])
        answers.append({"contentType": response_type, "body": json.loads(response)})
    except ValueError as error:
        answers.append({"error": str(error)})
print(json.dumps(answers))
`;

const FAKE_TORCH = `
import json, os
class _Cuda:
    def is_available(self):
        return int(os.environ["FAKE_CUDA_DEVICES"]) > 0
    def device_count(self):
        return int(os.environ["FAKE_CUDA_DEVICES"])
    def set_per_process_memory_fraction(self, fraction, device=None):
        with open(os.environ["FAKE_TORCH_CALLS"], "a") as calls:
            calls.write(json.dumps([fraction, device]) + "\\n")
cuda = _Cuda()
`;

const dir = mkdtempSync(join(tmpdir(), 'sentiment-'));
const modelDir = join(dir, 'opt-ml-model');
const fakeTorchPath = join(dir, 'fake-torch');
const torchCalls = join(dir, 'torch-calls.jsonl');

beforeAll(async () => {
  const archive = join(dir, 'model.tar.gz');
  await packageModel(SAMPLE_MODEL_DIR, archive);
  mkdirSync(modelDir);
  const extracted = spawnSync('tar', ['-xzf', archive, '-C', modelDir], { encoding: 'utf8' });
  if (extracted.status !== 0) throw new Error(`tar could not extract the sample: ${extracted.stderr}`);
  mkdirSync(join(fakeTorchPath, 'torch'), { recursive: true });
  writeFileSync(join(fakeTorchPath, 'torch/__init__.py'), FAKE_TORCH);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Request {
  readonly body: string;
  readonly contentType?: string;
  readonly accept?: string;
}

interface Answer {
  readonly contentType?: string;
  readonly body?: { model: string; predictions: Array<{ label: string; score: number; matchedWords: number }> };
  readonly error?: string;
}

/** One worker of the image: loads the model once with `env`, then answers each request; a failed load fails the whole run. */
function serve(requests: readonly Request[], env: Record<string, string> = {}): { status: number | null; stderr: string; answers: Answer[] } {
  const result = spawnSync('python3', ['-c', HARNESS, modelDir], {
    encoding: 'utf8',
    input: JSON.stringify(requests.map((r) => ({ contentType: 'application/json', accept: 'application/json', ...r }))),
    env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1', ...env },
  });
  return { status: result.status, stderr: result.stderr, answers: result.status === 0 ? JSON.parse(result.stdout) : [] };
}

describe('the sample model, packaged and extracted as the image does', () => {
  const requests: Record<string, Request> = {
    json: { body: '{"text": "The fleet works, not bad at all"}' },
    several: { body: '{"texts": ["I love it", "awful and slow", "the queue"]}' },
    plain: { body: 'terrible crash', contentType: 'text/plain; charset=utf-8' },
    smokeCheck: { body: SMOKE_JOB_BODY },
    npy: { body: '{}', contentType: 'application/x-npy' },
    array: { body: '["a"]' },
    notAString: { body: '{"text": 5}' },
    csv: { body: '{"text": "good"}', accept: 'text/csv' },
  };
  const names = Object.keys(requests);
  let worker: ReturnType<typeof serve>;
  beforeAll(() => {
    worker = serve(Object.values(requests));
  });
  const answer = (name: string) => worker.answers[names.indexOf(name)];

  test('loads the model and answers every request', () => {
    expect(worker.stderr).toBe('');
    expect(worker.answers).toHaveLength(names.length);
  });

  test('scores a JSON request end to end, answering JSON', () => {
    expect(answer('json')).toEqual({
      contentType: 'application/json',
      body: { model: 'sentiment-lexicon@1.0.0', predictions: [{ label: 'positive', score: 0.55, matchedWords: 2 }] },
    });
  });

  test('scores several texts in order', () => {
    expect(answer('several').body?.predictions.map((p) => p.label)).toEqual(['positive', 'negative', 'neutral']);
  });

  test('scores a text/plain body as one text', () => {
    expect(answer('plain').body?.predictions).toEqual([{ label: 'negative', score: -0.9, matchedWords: 2 }]);
  });

  test('answers the smoke check\'s job with no predictions, not an error', () => {
    expect(answer('smokeCheck').body).toEqual({ model: 'sentiment-lexicon@1.0.0', predictions: [] });
  });

  test.each([
    ['a content type it does not read', 'npy', /content type application\/x-npy is not supported: send application\/json or text\/plain/],
    ['a JSON body that is not an object', 'array', /the request must be a JSON object/],
    ['a text that is not a string', 'notAString', /"text" must be a string and "texts" a list of strings/],
    ['an answer type it does not write', 'csv', /accept text\/csv is not supported: ask for application\/json/],
  ])('fails %s, saying why', (_what, name, message) => {
    expect(answer(name).error).toMatch(message);
  });
});

describe('the sample model and GPU_MEMORY_FRACTION', () => {
  /** A worker with the fake torch seeing `devices` CUDA devices; the fraction calls it received. */
  const withFakeTorch = (devices: number, fraction: string) => {
    rmSync(torchCalls, { force: true });
    const worker = serve([{ body: '{"text": "good"}' }], {
      PYTHONPATH: fakeTorchPath, FAKE_CUDA_DEVICES: String(devices), FAKE_TORCH_CALLS: torchCalls, GPU_MEMORY_FRACTION: fraction,
    });
    const calls = existsSync(torchCalls) ? readFileSync(torchCalls, 'utf8').trim().split('\n').map((line) => JSON.parse(line)) : [];
    return { worker, calls };
  };

  test('caps every visible GPU at the fraction when PyTorch sees CUDA', () => {
    const { worker, calls } = withFakeTorch(2, '0.8');
    expect(worker.answers).toHaveLength(1);
    expect(calls).toEqual([[0.8, 0], [0.8, 1]]);
  });

  test('on a CPU instance (PyTorch without CUDA) sets nothing and serves', () => {
    const { worker, calls } = withFakeTorch(0, '0.8');
    expect(worker.answers[0].body?.predictions).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  test('without PyTorch at all, serves', () => {
    expect(serve([{ body: '{"text": "good"}' }], { GPU_MEMORY_FRACTION: '0.5' }).answers).toHaveLength(1);
  });

  test('refuses to load with a fraction outside (0, 1]', () => {
    const { worker } = withFakeTorch(1, '1.5');
    expect(worker.status).not.toBe(0);
    expect(worker.stderr).toMatch(/GPU_MEMORY_FRACTION \(1\.5\) must be > 0 and <= 1/);
  });
});
