import { App, Validations } from 'aws-cdk-lib';
import { CONTROL_TOWER_PLUGIN_NAME, ControlTowerChecks } from '../../lib/compliance/control-tower-checks';
import { controlTowerControl } from '../../lib/compliance/control-tower-controls';
import { ValidationReport, readValidationReport } from '../../lib/compliance/validation-report';
import { synthWithNag } from './nag';

/** The Control Tower findings of one synthesis, as `<guard rule> at <resource path>` lines. */
export interface ControlTowerSynth {
  /** The error the synth failed with, when a finding was open. */
  readonly error?: Error;
  /** Findings no exemption covered: each fails the synth. */
  readonly open: string[];
  /** Findings an exemption acknowledged. */
  readonly suppressed: string[];
  /** The synth's whole validation report, for `auditExemptions`. */
  readonly report: ValidationReport;
}

/** `<guard rule of control> at <path>`: how a finding of `control` on the resource at `path` reads in a {@link ControlTowerSynth}. */
export function finding(control: string, path: string): string {
  return `${controlTowerControl(control).guardRule} at ${path}`;
}

/** Registers the Control Tower controls (and nothing else) on `app`, synthesizes it once and reads their findings. */
export function synthWithControlTower(app: App): ControlTowerSynth {
  Validations.of(app).addPlugins(new ControlTowerChecks());
  const { error } = synthWithNag(app);
  const report = readValidationReport(app.outdir);
  const plugins = report.pluginReports.filter((p) => p.pluginName === CONTROL_TOWER_PLUGIN_NAME);
  const lines = (violations: typeof plugins[number]['violations']): string[] =>
    violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath ?? ''}`));
  return {
    error,
    open: plugins.flatMap((p) => lines(p.violations)),
    suppressed: plugins.flatMap((p) => lines(p.suppressedViolations ?? [])),
    report,
  };
}
