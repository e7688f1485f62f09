import { readFileSync } from 'node:fs';
import { main as compliance } from '../../scripts/compliance';
import { COMPLIANCE_DOC, main as docsExemptions } from '../../scripts/control-tower-exemptions';

/** Runs a CLI's `main`, returning its exit code and what it printed on stdout and stderr. */
function run(main: (argv: string[]) => number, argv: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => { out.push(line); });
  const error = jest.spyOn(console, 'error').mockImplementation((line: string) => { err.push(line); });
  try {
    return { code: main(argv), out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe.each([
  ['npm run compliance', compliance],
  ['npm run docs:exemptions', docsExemptions],
])('%s', (name, main) => {
  test('answers --help on stdout with exit 0, writing nothing', () => {
    const before = readFileSync(COMPLIANCE_DOC, 'utf8');
    const { code, out } = run(main, ['--help']);
    expect([code, out.join('\n').startsWith(name), readFileSync(COMPLIANCE_DOC, 'utf8') === before]).toEqual([0, true, true]);
  });

  test('rejects an unknown option with exit 2 and one line naming it', () => {
    const { code, err } = run(main, ['--bogus']);
    expect([code, err.length, err[0]]).toEqual([2, 1, expect.stringMatching(/--bogus.*\(see --help\)$/)]);
  });
});

test('npm run compliance rejects a second output directory with exit 2 and one line', () => {
  const { code, err } = run(compliance, ['a', 'b']);
  expect([code, err]).toEqual([2, ['expected at most one output directory, got 2 (see --help)']]);
});
