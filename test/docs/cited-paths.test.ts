import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DOC_FILES, ROOT, readPage } from './markdown';

/** What a clone does not hold until a command writes it: build output, synth output, reports, installs. */
const GENERATED = ['cdk.out/', 'dist/', 'reports/', 'node_modules/', 'coverage/'];

/** Files the documentation tells the reader to create, each with the page that says so. */
const TO_BE_CREATED: Readonly<Record<string, string>> = {
  'lib/config/qa.ts': 'docs/environments.md, "Adding an environment", step 1',
};

/** The repository's top-level entries a path can start with. */
const TOP_LEVEL = readdirSync(ROOT).filter((name) => !['.git', ...GENERATED.map((g) => g.slice(0, -1))].includes(name));

/**
 * The paths of the repository cited in `code` (code spans and blocks): words that start with a
 * top-level entry and a slash (`lib/`, `.github/`), outside URLs and generated output, and absolute
 * paths to a source or Markdown file (a file on someone's machine, never in a clone); trailing
 * punctuation dropped. A word with a placeholder (`<env>`, `{name}`, `$BUCKET`) names no one file.
 */
function citedPaths(code: readonly string[]): string[] {
  const words = code.flatMap((block) => block.split(/[\s"'`()[\],;=|]+/)).map((word) => word.replace(/[.:]+$/, ''));
  const isPath = (word: string) => (TOP_LEVEL.some((entry) => word.startsWith(`${entry}/`)) || /^\/.*\.(ts|md|sh|py|json|ya?ml)$/.test(word))
    && !/^[a-z][a-z0-9+.-]*:/i.test(word) && !/[<>{}$]/.test(word) && !GENERATED.some((prefix) => word.startsWith(prefix));
  return [...new Set(words.filter(isPath))];
}

/** Whether `path` is in the repository; `*` in the last segment matches within it. */
function exists(path: string): boolean {
  if (!path.split('/').pop()!.includes('*')) return !path.startsWith('/') && existsSync(join(ROOT, path));
  const pattern = new RegExp(`^${path.split('/').pop()!.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  const dir = join(ROOT, dirname(path));
  return existsSync(dir) && readdirSync(dir).some((name) => pattern.test(name));
}

describe('repository paths the documentation cites', () => {
  test.each(DOC_FILES)('%s: every one exists', (path) => {
    expect(citedPaths(readPage(path).code).filter((cited) => !(cited in TO_BE_CREATED) && !exists(cited))).toEqual([]);
  });

  test.each(Object.entries(TO_BE_CREATED))('%s, to be created by the reader, does not exist yet (%s)', (path) => {
    expect(existsSync(join(ROOT, path))).toBe(false);
  });
});

describe('citedPaths', () => {
  test('finds paths under top-level entries and absolute paths to source files, in commands too', () => {
    expect(citedPaths(['npx tsx scripts/smoke-check/main.ts --env dev', 'see `.github/workflows/deploy.yml`', '/work/notes/DESIGN.md', 'code/inference.py in the archive']))
      .toEqual(['scripts/smoke-check/main.ts', '.github/workflows/deploy.yml', '/work/notes/DESIGN.md']);
  });

  test('leaves out URLs, placeholders, generated output and trailing punctuation', () => {
    expect(citedPaths(['s3://bucket/models/x.ts models/{name}/{version}/model.tar.gz reports/compliance/<env>.md cdk.out/validation-report.json lib/index.ts:'])).toEqual(['lib/index.ts']);
  });
});

describe('exists', () => {
  test('matches a wildcard in the last segment against the directory', () => {
    expect([exists('schemas/*.schema.json'), exists('schemas/*.nothing')]).toEqual([true, false]);
  });

  test('refuses an absolute path: nothing outside the repository is cited', () => {
    expect(exists(join(ROOT, 'README.md'))).toBe(false);
  });
});
