import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../cli';

/** How one preflight check came out. */
export type Status = 'pass' | 'warn' | 'fail';

/** One line of the preflight report. */
export interface PreflightResult {
  readonly status: Status;
  /** What was checked, e.g. `quota Running On-Demand G and VT instances`. */
  readonly check: string;
  /** What was found. */
  readonly detail: string;
  /** What to run or change, for a warning or a failure. */
  readonly fix?: string;
}

/** Exit codes of the preflight: the scripts' convention (scripts/cli.ts). */
export { EXIT_FAILED, EXIT_OK, EXIT_USAGE };

export const pass = (check: string, detail: string): PreflightResult => ({ status: 'pass', check, detail });
export const warn = (check: string, detail: string, fix?: string): PreflightResult => ({ status: 'warn', check, detail, ...(fix ? { fix } : {}) });
export const fail = (check: string, detail: string, fix?: string): PreflightResult => ({ status: 'fail', check, detail, ...(fix ? { fix } : {}) });

/**
 * Runs a check; an AWS error it does not handle (access denied, throttling) fails that check,
 * naming the error: a check that cannot look never passes.
 */
export async function runCheck(check: string, body: () => Promise<PreflightResult[]>): Promise<PreflightResult[]> {
  try {
    return await body();
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return [fail(check, `could not check: ${name}: ${message}`)];
  }
}

/** One line: `PASS`, `WARN` or `FAIL`, the check, what was found, and the fix. */
export function formatResult(result: PreflightResult): string {
  const fix = result.fix ? ` -> fix: ${result.fix}` : '';
  return `${result.status.toUpperCase()} ${result.check}: ${result.detail}${fix}`;
}

/** 1 when any check failed, else 0: warnings do not stop a deploy. */
export function exitCodeOf(results: readonly PreflightResult[]): number {
  return results.some((r) => r.status === 'fail') ? EXIT_FAILED : EXIT_OK;
}
