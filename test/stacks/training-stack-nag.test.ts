import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ENVIRONMENTS } from '../../lib/config';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';

/**
 * AwsSolutions checks over every stage, with the feature flags of cdk.json so the templates are
 * those `cdk synth` produces. cdk-nag 3 runs as a policy-validation plugin: under jest (in-memory
 * app mode) an error-level finding makes app.synth() throw ValidationFailed with the report; a
 * warning only lands in validation-report.json. So the report is read too, for every finding.
 */

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations: ReadonlyArray<{
      readonly ruleName: string;
      readonly severity: string;
      readonly violatingConstructs: ReadonlyArray<{ readonly constructPath: string }>;
    }>;
  }>;
}

const cdkJsonContext = JSON.parse(readFileSync(join(__dirname, '../../cdk.json'), 'utf8')).context as Record<string, unknown>;

/** Synthesizes `app` with AwsSolutionsChecks into a temporary outdir; returns the thrown error (if any) and the report. */
function synthWithNag(build: (app: App) => void): { error?: Error; report: ValidationReport } {
  const outdir = mkdtempSync(join(tmpdir(), 'nag-'));
  try {
    // The built-in CloudFormation validation is another plugin with its own findings; only AwsSolutions is asserted here.
    const app = new App({ outdir, context: cdkJsonContext, builtinCloudFormationValidation: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    build(app);
    let error: Error | undefined;
    try {
      app.synth();
    } catch (e) {
      error = e as Error;
    }
    return { error, report: JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** AwsSolutions findings on constructs under `pathPart`, as `rule @ path`. */
function findings(report: ValidationReport, pathPart: string): string[] {
  return report.pluginReports
    .filter((p) => p.pluginName === 'AwsSolutions')
    .flatMap((p) => p.violations)
    .flatMap((v) => v.violatingConstructs.filter((c) => c.constructPath.includes(pathPart)).map((c) => `${v.ruleName} (${v.severity}) @ ${c.constructPath}`));
}

describe('AwsSolutions checks', () => {
  test('an unacknowledged finding fails app.synth() and lands in the report', () => {
    const { error, report } = synthWithNag((app) => new s3.Bucket(new Stack(app, 'Probe'), 'Bucket'));
    expect(error?.message).toMatch(/AwsSolutions-S10/);
    expect(findings(report, 'Probe/Bucket')).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S10 \(error\)/)]));
  });

  test.each(ENVIRONMENTS.map((c) => [c.name, c] as const))('the %s TrainingStack has no unacknowledged finding', (name, config) => {
    const { report } = synthWithNag((app) => new AiInfraStage(app, name, { config }));
    expect(findings(report, `${name}/Training/`)).toEqual([]);
  });
});
