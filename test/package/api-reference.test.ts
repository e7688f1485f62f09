import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/package-manifest';

/**
 * docs/api/ is generated from the library's doc comments (`npm run docs:api`, typedoc.json):
 * this test generates it again and fails while the committed copy differs.
 */
const COMMITTED = join(ROOT, 'docs', 'api');
let generated: string;

beforeAll(() => {
  generated = mkdtempSync(join(tmpdir(), 'ai-infra-api-'));
  execFileSync(join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--out', generated, '--logLevel', 'Error'], { cwd: ROOT, encoding: 'utf8' });
});

afterAll(() => {
  if (generated) rmSync(generated, { recursive: true, force: true });
});

const filesOf = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
  .sort();

test('docs/api/ has a page for every symbol of the library and no other (run npm run docs:api)', () => {
  expect(filesOf(COMMITTED)).toEqual(filesOf(generated));
});

test('every page of docs/api/ says what the doc comments say now (run npm run docs:api)', () => {
  const stale = filesOf(generated).filter((file) => existsSync(join(COMMITTED, file))
    && readFileSync(join(COMMITTED, file), 'utf8') !== readFileSync(join(generated, file), 'utf8'));
  expect(stale).toEqual([]);
});
