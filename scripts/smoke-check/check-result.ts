import { EXIT_FAILED, EXIT_OK } from '../cli';

/** The outcome of one smoke check: one line of the report. */
export interface CheckResult {
  /** What was checked, e.g. `dev-AiInference dead-letter queue`. */
  readonly check: string;
  /** Whether it passed. */
  readonly ok: boolean;
  /** Why: what was seen, and for a failure, the reason. */
  readonly detail: string;
}

/** Exit codes of the smoke check: the scripts' convention (scripts/cli.ts), a failed check being a failure. */
export { EXIT_OK, EXIT_USAGE, EXIT_FAILED as EXIT_CHECK_FAILED } from '../cli';

/** A check's outcome without its name; the runner names it. */
export type Outcome = Omit<CheckResult, 'check'>;

export const pass = (detail: string): Outcome => ({ ok: true, detail });
export const fail = (detail: string): Outcome => ({ ok: false, detail });

/** Runs a check; an AWS error (missing resource, access denied) is that check's failure. */
export async function runCheck(check: string, body: () => Promise<Outcome>): Promise<CheckResult> {
  try {
    return { check, ...(await body()) };
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return { check, ok: false, detail: `${name}: ${message}` };
  }
}

/** One line per result; failures say FAIL. */
export function formatResult(result: CheckResult): string {
  return `${result.ok ? 'ok  ' : 'FAIL'} ${result.check}: ${result.detail}`;
}

export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILED;
}
