import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS, EnvironmentConfig } from '../../lib/config';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';

/** The feature flags `cdk synth` runs with, so the checks see the templates the CLI produces. */
const cdkContext: Record<string, unknown> = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

interface ReportedViolation {
  readonly ruleName: string;
  readonly violatingConstructs: { readonly constructPath: string }[];
}
interface ValidationReport {
  readonly pluginReports: { readonly pluginName: string; readonly violations: ReportedViolation[] }[];
}

/**
 * Unacknowledged AwsSolutions findings under `<env>/AiInference`, from the validation report the
 * synth writes. Failing the synth is turned off so other stacks' findings cannot hide these.
 */
function awsSolutionsFindings(config: EnvironmentConfig): string[] {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'nag-')),
    builtinCloudFormationValidation: false,
    context: { ...cdkContext, [cxapi.FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT]: false },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  new AiInfraStage(app, config.name, { config });
  const assembly = app.synth();
  const report: ValidationReport = JSON.parse(readFileSync(join(assembly.directory, cxapi.VALIDATION_REPORT_FILE), 'utf8'));
  return report.pluginReports
    .filter((plugin) => plugin.pluginName === 'AwsSolutions')
    .flatMap((plugin) => plugin.violations)
    .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`))
    .filter((finding) => finding.includes(` at ${config.name}/AiInference/`));
}

describe('AWS Solutions checks', () => {
  test.each(ENVIRONMENTS.map((c) => [c.name, c] as const))('%s AiInference stack has no unacknowledged finding', (_name, config) => {
    expect(awsSolutionsFindings(config)).toEqual([]);
  });

  test('a finding fails app.synth() with the rule in the message', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'nag-')), builtinCloudFormationValidation: false });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new sqs.Queue(new Stack(app, 'Bare'), 'Queue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);
  });
});
