import { spawnSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

/** What a workflow's `run:` block did, run offline with a stand-in `npx`. */
export interface RunBlockResult {
  /** The shell's exit code. */
  readonly status: number | null;
  /** Everything it printed. */
  readonly output: string;
  /** The arguments of each `npx` call, in order. */
  readonly npxCalls: string[];
  /** What it wrote to `$GITHUB_OUTPUT`. */
  readonly githubOutput: string;
  /** What it wrote to `$GITHUB_STEP_SUMMARY`. */
  readonly stepSummary: string;
}

/** The stand-in `npx`: logs its arguments, prints `$FAKE_NPX_STDOUT`, exits `$FAKE_NPX_EXIT`. */
const FAKE_NPX = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$FAKE_NPX_LOG"
if [ -n "$FAKE_NPX_STDOUT" ]; then printf '%s\\n' "$FAKE_NPX_STDOUT"; fi
exit "\${FAKE_NPX_EXIT:-0}"
`;

/**
 * Runs `script` as GitHub's default bash shell does (`bash --noprofile --norc -eo pipefail`),
 * with `env` as the step's env, and `npx` answering `npxStdout` with exit code `npxExit`, in a
 * working directory holding `workdirFiles` (path relative to it: content).
 */
export function runBlock(script: string, env: Record<string, string>, npx: { stdout?: string; exit?: number } = {}, workdirFiles: Record<string, string> = {}): RunBlockResult {
  const dir = mkdtempSync(join(tmpdir(), 'run-block-'));
  try {
    for (const [path, content] of Object.entries(workdirFiles)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'npx'), FAKE_NPX);
    chmodSync(join(bin, 'npx'), 0o755);
    const files = { log: join(dir, 'npx.log'), output: join(dir, 'output'), summary: join(dir, 'summary') };
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        FAKE_NPX_LOG: files.log,
        FAKE_NPX_STDOUT: npx.stdout ?? '',
        FAKE_NPX_EXIT: String(npx.exit ?? 0),
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        ...env,
      },
    });
    const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
    return {
      status: result.status,
      output: `${result.stdout}${result.stderr}`,
      npxCalls: read(files.log).split('\n').filter(Boolean),
      githubOutput: read(files.output),
      stepSummary: read(files.summary),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
