import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CONTROL_TOWER_PLUGIN_NAME, controlTowerAcknowledgementId } from '../../lib/compliance/control-tower-checks';
import { controlTowerControl } from '../../lib/compliance/control-tower-controls';
import { auditExemptions, staleExemptions } from '../../lib/compliance/exemption-audit';
import { exemptionReviewProblems, unusedExemptionReviews } from '../../lib/compliance/exemption-reviews';
import { compliance } from '../../lib/config/compliance';
import { readValidationReport } from '../../lib/compliance/validation-report';
import { ENVIRONMENTS } from '../../lib/config';
import { DataBucket } from '../../lib/constructs/storage/data-bucket';
import { stageReport } from '../../scripts/compliance';
import { NagSynthResult, synthWithNag } from '../helpers/nag';
import { realApp } from '../helpers/nag-app';
import { DEFAULT_SERVICE } from '../../lib/stacks/service-names';

const controlTowerFindings = (result: NagSynthResult): string[] => result.findings
  .filter((f) => f.pluginName === CONTROL_TOWER_PLUGIN_NAME)
  .map((f) => `${f.ruleName} at ${f.constructPath}`);

describe('every stage under the Control Tower controls', () => {
  const { app, stages } = realApp();
  const result = synthWithNag(app);
  const report = readValidationReport(app.outdir);
  const audit = auditExemptions(report, app);
  const suppressed = report.pluginReports.filter((p) => p.pluginName === CONTROL_TOWER_PLUGIN_NAME).flatMap((p) => p.suppressedViolations ?? []);

  test('has no unexempted finding and synthesizes', () => {
    expect(controlTowerFindings(result)).toEqual([]);
    expect(result.error).toBeUndefined();
  });

  test('every exemption that holds suppresses a finding: none is stale', () => {
    expect(staleExemptions(audit)).toEqual([]);
  });

  test('each exemption suppresses exactly one finding of its control, on the resource of the construct it sits on', () => {
    const below = (path: string, constructPath: string): boolean => path === constructPath || path.startsWith(`${constructPath}/`);
    const off = audit.filter((a) => a.suppressedPaths.length !== 1 || !below(a.suppressedPaths[0], a.constructPath))
      .map((a) => `${a.exemption.control} at ${a.constructPath}: ${a.suppressedPaths.join(', ')}`);
    expect(off).toEqual([]);
  });

  test('every suppressed finding is suppressed by a declared exemption: nothing else acknowledges a control', () => {
    const declared = new Set(audit.map((a) => `${controlTowerAcknowledgementId(controlTowerControl(a.exemption.control))} at ${a.constructPath}`));
    expect(suppressed.map((v) => `${v.acknowledgedId} at ${v.acknowledgedAt}`).filter((at) => !declared.has(at))).toEqual([]);
  });

  test('the log retention exemptions hold exactly in the environments whose logRetention is under a year', () => {
    const retention = audit.filter((a) => a.exemption.control === 'CT.CLOUDWATCH.PR.2');
    const environments = [...new Set(retention.map((a) => a.constructPath.split('/')[0]))];
    expect(environments).toEqual(ENVIRONMENTS.filter((c) => c.logRetention < RetentionDays.ONE_YEAR).map((c) => c.name));
  });

  const provenance = { generatedAt: new Date().toISOString(), commit: '`0000000`' };
  const reports = Object.fromEntries(Object.values(stages).map((stage) => [stage.stageName, stageReport(stage, report, provenance).markdown]));

  test('the compliance report of each environment lists every exemption that holds there, with its construct, reason, owner and review date', () => {
    const missing = Object.values(stages).flatMap((stage) => auditExemptions(report, stage)
      .filter((a) => {
        const { owner, reviewBy } = compliance.exemptionReviews[a.exemption.control] ?? { owner: '-', reviewBy: '-' };
        return !reports[stage.stageName].split('\n').some((line) => line.startsWith(`| ${a.exemption.control} |`)
          && line.includes(`\`${a.constructPath}\`: ${a.exemption.reason}`) && line.includes(`(owner ${owner}, review by ${reviewBy})`));
      })
      .map((a) => `${a.exemption.control} at ${a.constructPath}`));
    expect(missing).toEqual([]);
  });

  test('every exemption that holds has an owner and a review date that has not passed (move the date on after a review: lib/config/compliance.ts)', () => {
    expect(exemptionReviewProblems(audit, compliance.exemptionReviews, provenance.generatedAt.slice(0, 10))).toEqual([]);
  });

  test('every owner and review date is for an exemption that holds somewhere', () => {
    expect(unusedExemptionReviews(audit, compliance.exemptionReviews)).toEqual([]);
  });

  test('the report names, as evidence of a control on buckets, each environment\'s model bucket', () => {
    const missing = Object.values(stages).filter((stage) => {
      const bucket = (stage.inference.models.bucket.node.defaultChild as CfnResource).node.path;
      const row = reports[stage.stageName].split('\n').find((line) => line.startsWith('| CT.S3.PR.4 |'));
      return !row?.includes(`<code>${bucket}</code>`);
    });
    expect(missing.map((s) => s.stageName)).toEqual([]);
  });

  test('the report folds the controls that apply to no resource of the environment', () => {
    for (const markdown of Object.values(reports)) {
      expect(markdown).toMatch(/<details>\n<summary>\d+ controls not applicable: the environment has no resource of the types they evaluate<\/summary>/);
    }
  });
});

describe('a fixed control broken again on the real stage', () => {
  const { app, stages } = realApp();
  const [first, last] = [ENVIRONMENTS[0].name, ENVIRONMENTS[ENVIRONMENTS.length - 1].name];
  // CT.EC2.PR.2: the first environment's fleet launch template lets containers reach IMDS again.
  const template = stages[first].inference.services[DEFAULT_SERVICE].fleet.node.findChild('LaunchTemplate').node.findChild('LaunchTemplate').node.defaultChild as ec2.CfnLaunchTemplate;
  template.addPropertyOverride('LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit', 2);
  // CT.S3.PR.4: the last environment's model bucket stops sending events.
  const modelBucket = stages[last].inference.models.bucket.node.defaultChild as s3.CfnBucket;
  modelBucket.notificationConfiguration = undefined;
  const result = synthWithNag(app);

  test('fails the synth, naming the control', () => {
    expect(result.error?.message).toContain('ERROR [CT.EC2.PR.2]');
  });

  test('reports exactly the broken resources, by rule', () => {
    expect(controlTowerFindings(result).sort()).toEqual([
      `ec2_launch_template_token_hop_limit_check at ${(template as CfnResource).node.path}`,
      `s3_event_notifications_enabled_check at ${modelBucket.node.path}`,
    ]);
  });
});

describe('the exemption audit', () => {
  test('reports an exemption that suppressed nothing in the synth as stale, with its construct and declaring class', () => {
    const bucket = new DataBucket(new Stack(new App(), 'Stack'), 'Models', { lifecycleRules: [{ expiration: Duration.days(1) }] });
    expect(staleExemptions(auditExemptions({ pluginReports: [] }, bucket))).toEqual(['CT.S3.PR.9 at Stack/Models (DataBucket)']);
  });
});
