import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as fs from 'fs';
import * as path from 'path';

/**
 * How a nag finding surfaces, with cdk-nag 3 on aws-cdk-lib 2.276:
 * - every registered pack runs inside `app.synth()` (never in `stage.synth()`, which skips
 *   policy validation) and the findings land in `<outdir>/validation-report.json`;
 * - with an error finding, `app.synth()` throws (under jest, NODE_ENV=test makes the app
 *   "in-memory" and the error message holds the whole report); under `cdk synth` the app
 *   prints the report and exits with code 1;
 * - a pack's warnings alone do not throw for CostTagging and GpuCost (they report success
 *   unless an error is found); cdk-nag's own packs (AwsSolutionsChecks) report failure on any
 *   finding, so their warnings fail the synth until some acknowledgement exists in the app.
 * These helpers synthesize once and read the report file, so one synth serves many assertions.
 */

/** One finding of one rule on one construct. */
export interface NagFinding {
  /** The pack's name, e.g. `GpuCost`. */
  readonly pluginName: string;
  /** The rule id with its finding, e.g. `CostTagging-CostAllocationTags[team]`. */
  readonly ruleName: string;
  /** `error` or `warning`. */
  readonly severity: string;
  /** Path of the violating L1 resource, e.g. `dev/Cost/Budget/Topic/Resource`. */
  readonly constructPath: string;
}

/** What one synthesis of an app with nag packs produced. */
export interface NagSynthResult {
  /** The validation error `app.synth()` threw, when an error finding failed it. */
  readonly error?: Error;
  /** Every unacknowledged finding of every pack. */
  readonly findings: NagFinding[];
  /** The cloud assembly, when the synth did not throw. */
  readonly assembly?: CloudAssembly;
}

interface ValidationReportJson {
  readonly pluginReports: {
    readonly pluginName: string;
    readonly violations: {
      readonly ruleName: string;
      readonly severity: string;
      readonly violatingConstructs: { readonly constructPath?: string }[];
    }[];
  }[];
}

/** Synthesizes `app` with its registered packs and collects their findings from the report. */
export function synthWithNag(app: App): NagSynthResult {
  let error: Error | undefined;
  let assembly: CloudAssembly | undefined;
  // The app prints the report it also writes to the file: keep the test output to failures.
  const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    assembly = app.synth();
  } catch (e) {
    error = e as Error;
  } finally {
    printed.mockRestore();
  }
  const reportFile = path.join(app.outdir, 'validation-report.json');
  if (!fs.existsSync(reportFile)) {
    if (error) throw error;
    return { findings: [], assembly };
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ValidationReportJson;
  const findings = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((c) => ({
        pluginName: plugin.pluginName,
        ruleName: violation.ruleName,
        severity: violation.severity,
        constructPath: c.constructPath ?? '',
      })),
    ),
  );
  return { error, findings, assembly };
}

/** The error findings, as `ruleName at constructPath` lines: compare with `[]` for "no errors". */
export function errorFindings(result: NagSynthResult): string[] {
  return result.findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleName} at ${f.constructPath}`);
}

/** The findings of `ruleName` (exact, including any `[finding]`) on the construct at `constructPath`. */
export function findingsOf(result: NagSynthResult, ruleName: string, constructPath: string): NagFinding[] {
  return result.findings.filter((f) => f.ruleName === ruleName && f.constructPath === constructPath);
}

/** Rule names (with findings) reported on the construct at `constructPath`, by one pack. */
export function ruleNamesAt(result: NagSynthResult, pluginName: string, constructPath: string): string[] {
  return result.findings
    .filter((f) => f.pluginName === pluginName && f.constructPath === constructPath)
    .map((f) => f.ruleName)
    .sort();
}

/** The findings of rule `ruleId`, with or without a `[finding]`, on the construct at `constructPath`. */
export function ruleFindingsAt(result: NagSynthResult, ruleId: string, constructPath: string): NagFinding[] {
  return result.findings.filter((f) => (f.ruleName === ruleId || f.ruleName.startsWith(`${ruleId}[`)) && f.constructPath === constructPath);
}
