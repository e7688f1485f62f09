import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';

/** The repository's root. */
export const ROOT = join(__dirname, '..', '..');

/**
 * The documentation these tests read: the front page and every page of docs/, by path from the
 * root. docs/api/ is typedoc's output from the doc comments, checked by `npm run test:package`.
 */
export const DOC_FILES: readonly string[] = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`),
];

/** A page as the tests need it: its anchors, its links, and the text of its code. */
export interface MarkdownPage {
  readonly path: string;
  /** The anchors GitHub gives its headings (github-slugger: GitHub's algorithm, duplicates numbered). */
  readonly anchors: ReadonlySet<string>;
  /** Every link and image target, as written. */
  readonly targets: readonly string[];
  /** Inline code spans and fenced or indented code blocks, as written. */
  readonly code: readonly string[];
  /** The text outside code. */
  readonly text: readonly string[];
}

const markdown = new MarkdownIt({ html: true });
type Token = ReturnType<MarkdownIt['parse']>[number];

function inlineText(children: readonly Token[]): string {
  return children.map((child) => (child.type === 'text' || child.type === 'code_inline' ? child.content : inlineText(child.children ?? []))).join('');
}

/** `source`, a page at `path`, parsed as GitHub renders it (CommonMark with tables). */
export function parsePage(path: string, source: string): MarkdownPage {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  const targets: string[] = [];
  const code: string[] = [];
  const text: string[] = [];
  const tokens = markdown.parse(source, {});
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open') anchors.add(slugger.slug(inlineText(tokens[i + 1].children ?? [])));
    if (token.type === 'fence' || token.type === 'code_block') code.push(token.content);
    for (const child of token.children ?? []) {
      if (child.type === 'link_open') targets.push(child.attrGet('href') ?? '');
      if (child.type === 'image') targets.push(child.attrGet('src') ?? '');
      if (child.type === 'code_inline') code.push(child.content);
      if (child.type === 'text') text.push(child.content);
    }
  });
  return { path, anchors, targets, code, text };
}

/** The page at `path` (from the root). */
export function readPage(path: string): MarkdownPage {
  return parsePage(path, readFileSync(join(ROOT, path), 'utf8'));
}
