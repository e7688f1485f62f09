import { ParseArgsConfig, parseArgs } from 'node:util';

/**
 * The one convention of the project's command-line scripts: arguments parsed by node:util
 * `parseArgs` (strict: an unknown flag or a missing value is a usage error), `--help` prints the
 * usage and exits 0 before anything else runs, a usage error prints one line and exits 2, any
 * other error prints one line and exits 1. Scripts validate every argument before they
 * synthesize or call AWS.
 */

/** The command succeeded. */
export const EXIT_OK = 0;
/** The command failed (an error, or what it checked failed). */
export const EXIT_FAILED = 1;
/** The command line is wrong. */
export const EXIT_USAGE = 2;

/** A command line the user got wrong: printed as one line, exit 2. */
export class UsageError extends Error {}

/** The flags a script takes (`--help` is added). */
export type CliOptions = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', default: false } } as const;

/** What parseArgs returns for `options` (plus `--help`) with positionals allowed. */
export type ParsedCommandLine<O extends CliOptions> = ReturnType<typeof parseArgs<{ options: O & typeof HELP; allowPositionals: true; strict: true }>>;

/** A script's command line: its name (the prefix of its messages), its usage text and its flags. */
export interface CommandLine<O extends CliOptions> {
  /** The script's name, e.g. `smoke-check`. */
  readonly name: string;
  /** The full usage text `--help` prints. */
  readonly usage: string;
  /** The flags. */
  readonly options: O;
  /**
   * How many positional arguments the script takes at most.
   * @default 0
   */
  readonly maxPositionals?: number;
}

/** Where a script prints. */
export interface CliOutput {
  /** Prints a line of the command's output (stdout). */
  readonly print: (line: string) => void;
  /** Prints a line of diagnostics (stderr). */
  readonly printError: (line: string) => void;
}

/** The process's stdout and stderr. */
export const CONSOLE: CliOutput = { print: (line) => console.log(line), printError: (line) => console.error(line) };

function isParseError(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}

/**
 * Runs a script under the convention: parses `argv`, answers `--help`, then runs `main` with the
 * parsed arguments and returns its exit code; a UsageError or a parse error is one line and 2,
 * another error one line and 1.
 */
export async function runCommandLine<O extends CliOptions>(
  cli: CommandLine<O>,
  argv: readonly string[],
  output: CliOutput,
  main: (args: ParsedCommandLine<O>) => Promise<number> | number,
): Promise<number> {
  try {
    const args = parseArgs({ args: [...argv], options: { ...cli.options, ...HELP }, allowPositionals: true, strict: true }) as ParsedCommandLine<O>;
    if ((args.values as { help?: boolean }).help) {
      output.print(cli.usage);
      return EXIT_OK;
    }
    const max = cli.maxPositionals ?? 0;
    if (args.positionals.length > max) {
      throw new UsageError(`unexpected argument "${args.positionals[max]}"`);
    }
    return await main(args);
  } catch (error) {
    // Errors of node's own modules come from another realm under jest: read `message`, not `instanceof Error`.
    const message = typeof (error as { message?: unknown } | undefined)?.message === 'string' ? (error as { message: string }).message : String(error);
    if (error instanceof UsageError || isParseError(error)) {
      output.printError(`${cli.name}: ${message.split('\n')[0]} (see --help)`);
      return EXIT_USAGE;
    }
    output.printError(`${cli.name}: ${message}`);
    return EXIT_FAILED;
  }
}

/** Runs a script from its `main` module: the exit code becomes the process's. */
export function runMain<O extends CliOptions>(cli: CommandLine<O>, main: (args: ParsedCommandLine<O>) => Promise<number> | number): void {
  void runCommandLine(cli, process.argv.slice(2), CONSOLE, main).then((code) => {
    process.exitCode = code;
  });
}

/**
 * Says on stderr that a step of the command that takes seconds starts (a synthesis), before it
 * starts, so nobody waits on a silent terminal: `<command>: <step>...`. stdout keeps the output
 * alone (`--json` stays one document).
 */
export function showProgress(command: string, step: string): void {
  console.error(`${command}: ${step}...`);
}
