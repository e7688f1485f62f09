import { existsSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { DOC_FILES, MarkdownPage, ROOT, parsePage, readPage } from './markdown';

const pages = new Map(DOC_FILES.map((path) => [path, readPage(path)]));

/** A link target that leaves the repository: a URL with a scheme, or an e-mail address. */
const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** Where links lead: the files of the repository (by path from the root) and its Markdown pages. */
interface Repository {
  exists(path: string): boolean;
  page(path: string): MarkdownPage;
}

/** The repository on disk. */
const repository: Repository = {
  exists: (path) => existsSync(join(ROOT, path)),
  page: (path) => pages.get(path) ?? readPage(path),
};

/**
 * Every relative link of `page` that does not resolve: to no file of the repository, or to an
 * anchor that is not a heading of its Markdown page (`#anchor` alone is the page itself). Each as
 * `target (why)`.
 */
function brokenLinks(page: MarkdownPage, repo: Repository): string[] {
  return page.targets.filter((target) => !isExternal(target)).flatMap((target) => {
    const [file, anchor] = target.split('#', 2);
    const path = file === '' ? page.path : relative(ROOT, normalize(join(ROOT, dirname(page.path), decodeURI(file))));
    if (path.startsWith('..') || !repo.exists(path)) return [`${target} (no file ${path})`];
    if (anchor === undefined || !path.endsWith('.md')) return [];
    return repo.page(path).anchors.has(anchor) ? [] : [`${target} (no heading of ${path} has the anchor #${anchor})`];
  });
}

describe('relative links of the documentation', () => {
  test.each(DOC_FILES)('%s: every relative link reaches an existing file, and every anchor a heading of it', (path) => {
    expect(brokenLinks(pages.get(path)!, repository)).toEqual([]);
  });
});

describe('brokenLinks', () => {
  const fixtures = new Map([
    ['docs/target.md', parsePage('docs/target.md', '# Target page\n\n## Adding a `service`\n\n## Config -> props\n')],
    ['docs/page.md', parsePage('docs/page.md', '## Here\n')],
  ]);
  const repo: Repository = {
    exists: (path) => fixtures.has(path) || repository.exists(path),
    page: (path) => fixtures.get(path) ?? repository.page(path),
  };
  const broken = (markdown: string) => brokenLinks(parsePage('docs/page.md', markdown), repo);

  test('reports a link to a file that does not exist', () => {
    expect(broken('[x](missing.md)')).toEqual(['missing.md (no file docs/missing.md)']);
  });

  test('resolves links relative to the page, up to the root', () => {
    expect(broken('[front](../README.md) [dev](development.md)')).toEqual([]);
  });

  test('reports a link that leaves the repository', () => {
    expect(broken('[out](../../elsewhere.md)')).toEqual(['../../elsewhere.md (no file ../elsewhere.md)']);
  });

  test('takes anchors as GitHub makes them from the heading text, code spans and punctuation included', () => {
    expect(broken('[a](target.md#adding-a-service) [b](target.md#config---props)')).toEqual([]);
  });

  test('reports an anchor no heading has', () => {
    expect(broken('[a](target.md#adding-an-environment)')).toEqual(['target.md#adding-an-environment (no heading of docs/target.md has the anchor #adding-an-environment)']);
  });

  test('checks an anchor alone against the page itself', () => {
    expect(broken('[a](#here) [b](#there)')).toEqual(['#there (no heading of docs/page.md has the anchor #there)']);
  });

  test('leaves URLs alone and ignores link syntax inside code', () => {
    expect(broken('[aws](https://docs.aws.amazon.com/x) `[x](missing.md)`\n\n```\n[y](missing.md)\n```')).toEqual([]);
  });
});
