import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, runCommandLine } from '../../scripts/cli';

const CLI = { name: 'tool', usage: 'usage: tool --flag <x> [<file>]\n  Does a thing.', options: { flag: { type: 'string' } }, maxPositionals: 1 } as const;

async function run(argv: string[], main: Parameters<typeof runCommandLine<typeof CLI.options>>[3] = () => EXIT_OK) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: string[][] = [];
  const code = await runCommandLine(CLI, argv, { print: (l) => out.push(l), printError: (l) => err.push(l) }, (args) => {
    calls.push([args.values.flag ?? '', ...args.positionals]);
    return main(args);
  });
  return { code, out, err, calls };
}

describe('runCommandLine, the scripts\' one convention', () => {
  test('--help prints the usage and exits 0 without running the command', async () => {
    expect(await run(['--help', '--flag', 'x'])).toEqual({ code: EXIT_OK, out: [CLI.usage], err: [], calls: [] });
  });

  test('runs the command with the parsed flags and positionals, returning its exit code', async () => {
    expect(await run(['--flag', 'x', 'file.txt'], () => 7)).toEqual({ code: 7, out: [], err: [], calls: [['x', 'file.txt']] });
  });

  test.each([
    [['--nope'], /^tool: Unknown option '--nope'.* \(see --help\)$/],
    [['--flag'], /^tool: Option '--flag <value>' argument missing \(see --help\)$/],
    [['a', 'b'], /^tool: unexpected argument "b" \(see --help\)$/],
  ])('%j is a usage error: one line on stderr, exit 2, the command never runs', async (argv, message) => {
    const { code, err, calls } = await run(argv);
    expect([code, err, calls]).toEqual([EXIT_USAGE, [expect.stringMatching(message)], []]);
  });

  test('a UsageError the command throws is one line and exit 2, only its first line kept', async () => {
    const { code, err } = await run([], () => { throw new UsageError('--flag (y) must be x\nmore'); });
    expect([code, err]).toEqual([EXIT_USAGE, ['tool: --flag (y) must be x (see --help)']]);
  });

  test('another error is one line and exit 1', async () => {
    const { code, err } = await run([], async () => { throw new Error('AccessDenied: no'); });
    expect([code, err]).toEqual([EXIT_FAILED, ['tool: AccessDenied: no']]);
  });
});
