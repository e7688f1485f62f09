import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { DOC_FILES, ROOT, readPage } from './markdown';

/** README.md is the front page: what it is, how to try it, where the depth is. */
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const tokens = new MarkdownIt().parse(README, {});

/** The text of each `level` heading, in order. */
const headings = (level: string) => tokens.flatMap((t, i) => (t.type === 'heading_open' && t.tag === level ? [tokens[i + 1].content] : []));

/** The tokens of the `## title` section. */
function section(title: string): typeof tokens {
  const start = tokens.findIndex((t, i) => t.type === 'heading_open' && t.tag === 'h2' && tokens[i + 1].content === title);
  if (start < 0) throw new Error(`README.md has no section "## ${title}"`);
  const end = tokens.findIndex((t, i) => i > start && t.type === 'heading_open' && t.tag === 'h2');
  return tokens.slice(start, end < 0 ? undefined : end);
}

describe('README.md, the front page', () => {
  test('stays within 250 lines: the depth belongs in docs/', () => {
    expect(README.split('\n').length).toBeLessThanOrEqual(250);
  });

  test('has its sections in a newcomer\'s order', () => {
    expect(headings('h2')).toEqual([
      'What it costs to try', 'Quick start', 'Use the constructs in your own app', 'First deploy', 'Submit a job', 'Teardown', 'Where to read next',
    ]);
  });

  test('gives the two set-up commands, install and synth, then the tests', () => {
    const commands = section('Quick start').filter((t) => t.type === 'fence')[0].content.split('\n').map((line) => line.replace(/\s+#.*$/, ''));
    expect(commands.slice(0, 2)).toEqual(['npm ci && npx cdk synth', 'npm test']);
  });

  test('walks the first deploy in order: bootstrap, preflight, deploy, upload, publish, smoke check', () => {
    const steps = section('First deploy').filter((t) => t.type === 'inline').flatMap((t) => (/^\*\*[^*]+\*\*/.exec(t.content)?.[0] ?? []));
    expect(steps).toEqual(['**Bootstrap**', '**Preflight**', '**Deploy**', '**Upload**', '**Publish**', '**Smoke check**']);
  });

  test('shows the construct example the package test synthesizes, as it is', () => {
    const example = section('Use the constructs in your own app').find((t) => t.type === 'fence' && t.info === 'ts');
    expect(example?.content).toBe(readFileSync(join(ROOT, 'test/package/consumer-app/lib/consumer-stack.ts'), 'utf8'));
  });

  test('maps every page of docs/ (and the API reference) once, and nothing else', () => {
    const pages = [
      ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md') && !name.endsWith('.template.md')).map((name) => `docs/${name}`),
      'docs/api/README.md',
    ];
    const mapped = section('Where to read next').flatMap((t) => (t.children ?? []).filter((c) => c.type === 'link_open').map((c) => c.attrGet('href')));
    expect(mapped.sort()).toEqual(pages.sort());
  });
});

describe('words a newcomer would not know', () => {
  // The random seed of the simulator (`--seed`) is the one seed the documentation may name.
  test.each(DOC_FILES)('%s: no "seed" (the documents the project grew from) and no issue numbers', (path) => {
    const text = readPage(path).text.join('\n');
    expect([...text.matchAll(/\b(?<!random )seeds?\b|\bissues? \d+/gi)].map((m) => m[0])).toEqual([]);
  });
});
