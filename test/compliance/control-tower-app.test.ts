import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CONTROL_TOWER_PLUGIN_NAME, controlTowerAcknowledgementId } from '../../lib/compliance/control-tower-checks';
import { controlTowerControl } from '../../lib/compliance/control-tower-controls';
import { auditExemptions, staleExemptions } from '../../lib/compliance/exemption-audit';
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

  test('the compliance report of each environment lists every exemption that holds there, with its construct and reason', () => {
    const missing = Object.values(stages).flatMap((stage) => {
      const { markdown } = stageReport(stage, report);
      return auditExemptions(report, stage)
        .filter((a) => !markdown.split('\n').some((line) => line.startsWith(`| ${a.exemption.control} |`)
          && line.includes(`\`${a.constructPath}\`: ${a.exemption.reason}`)))
        .map((a) => `${a.exemption.control} at ${a.constructPath}`);
    });
    expect(missing).toEqual([]);
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
