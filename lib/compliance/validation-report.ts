import * as fs from 'fs';
import * as path from 'path';

/** One resource of a violation in CDK's `validation-report.json`. */
export interface ReportedConstruct {
  /** Path of the L1 resource, e.g. `dev/AiInference/Models/Bucket/Resource`. */
  readonly constructPath?: string;
}

/** One violation, open or acknowledged, of one plugin's rule. */
export interface ReportedViolation {
  readonly ruleName: string;
  readonly description?: string;
  readonly severity?: string;
  readonly violatingConstructs: readonly ReportedConstruct[];
  /** Set on acknowledged violations: the acknowledgement's id, e.g. `ControlTower::s3_bucket_logging_enabled_check`. */
  readonly acknowledgedId?: string;
  /** Set on acknowledged violations: the construct the acknowledgement sits on. */
  readonly acknowledgedAt?: string;
  /** Set on acknowledged violations. */
  readonly reason?: string;
}

/** One plugin's part of the report. */
export interface PluginReport {
  readonly pluginName: string;
  readonly pluginVersion?: string;
  readonly violations: readonly ReportedViolation[];
  readonly suppressedViolations?: readonly ReportedViolation[];
}

/** CDK's policy validation report, as `app.synth()` writes it to `<outdir>/validation-report.json`. */
export interface ValidationReport {
  readonly pluginReports: readonly PluginReport[];
}

/** Reads `<outdir>/validation-report.json`; a synth whose plugins found nothing at all writes none. */
export function readValidationReport(outdir: string): ValidationReport {
  const file = path.join(outdir, 'validation-report.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReport : { pluginReports: [] };
}
