import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOC_FILES, ROOT, readPage } from './markdown';

const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/**
 * Scripts npm runs by itself around others, never by name: pre<x> and post<x> of a script or of an
 * npm command, and npm's own life-cycle scripts
 * (https://docs.npmjs.com/cli/v10/using-npm/scripts#life-cycle-scripts).
 */
const LIFE_CYCLE = ['prepare', 'prepublish', 'prepublishOnly', 'prepack', 'postpack', 'dependencies', 'install', 'preinstall', 'postinstall'];
const isHook = (name: string, all: readonly string[]) => LIFE_CYCLE.includes(name)
  || ['pre', 'post'].some((prefix) => name.startsWith(prefix) && all.includes(name.slice(prefix.length)));

/** The npm scripts `code` runs by name: `npm run [--silent] <name>`, and `npm test`. */
function scriptsNamed(code: readonly string[]): string[] {
  return [...new Set(code.flatMap((block) => [
    ...[...block.matchAll(/\bnpm run (?:--silent |-s )?([\w:.-]+)/g)].map((match) => match[1]),
    ...(/\bnpm (?:test|t)\b/.test(block) ? ['test'] : []),
  ]))];
}

describe('npm scripts in the documentation', () => {
  test.each(DOC_FILES)('%s names only scripts package.json has', (path) => {
    expect(scriptsNamed(readPage(path).code).filter((name) => !scripts.includes(name))).toEqual([]);
  });

  test('docs/development.md lists every script of package.json but npm\'s own hooks', () => {
    const listed = scriptsNamed(readPage('docs/development.md').code);
    expect(scripts.filter((name) => !isHook(name, scripts) && !listed.includes(name))).toEqual([]);
  });
});

describe('scriptsNamed', () => {
  test('reads `npm run` with or without --silent, and `npm test`', () => {
    expect(scriptsNamed(['npm run --silent jobs -- submit', 'npm run docs:quotas', 'npm ci && npm test'])).toEqual(['jobs', 'docs:quotas', 'test']);
  });
});

describe('isHook', () => {
  test.each([['pretest', true], ['prepack', true], ['preflight', false], ['postbuild', true], ['test', false]])('%s: %s', (name, hook) => {
    expect(isHook(name, ['test', 'build', 'preflight'])).toBe(hook);
  });
});
