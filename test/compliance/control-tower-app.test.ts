import { App, CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fs from 'fs';
import * as path from 'path';
import { CONTROL_TOWER_PLUGIN_NAME } from '../../lib/compliance/control-tower-checks';
import { CONTROL_TOWER_EXEMPTIONS } from '../../lib/compliance/control-tower-exemptions';
import { auditExemptions, staleExemptions } from '../../lib/compliance/exemption-audit';
import { registerControlTowerChecks } from '../../lib/compliance/register-control-tower';
import { readValidationReport } from '../../lib/compliance/validation-report';
import { ENVIRONMENTS } from '../../lib/config';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { NagSynthResult, synthWithNag } from '../helpers/nag';
import { realApp } from '../helpers/nag-app';
import { DEFAULT_SERVICE } from '../../lib/stacks/service-names';

const controlTowerFindings = (result: NagSynthResult): string[] => result.findings
  .filter((f) => f.pluginName === CONTROL_TOWER_PLUGIN_NAME)
  .map((f) => `${f.ruleName} at ${f.constructPath}`);

describe('every stage under the Control Tower controls', () => {
  const { app } = realApp();
  const result = synthWithNag(app);
  const audit = auditExemptions(readValidationReport(app.outdir), ENVIRONMENTS);

  test('has no unexempted finding and synthesizes', () => {
    expect(controlTowerFindings(result)).toEqual([]);
    expect(result.error).toBeUndefined();
  });

  test('every exemption that holds in an environment suppresses a finding there: none is stale', () => {
    expect(staleExemptions(audit)).toEqual([]);
  });

  test('the exemptions suppress exactly the accepted findings: 24 in dev, 31 in staging, 26 in prod', () => {
    const count = (env: string): number => audit.filter((a) => a.environment === env).reduce((n, a) => n + a.suppressedPaths.length, 0);
    expect(ENVIRONMENTS.map((c) => [c.name, count(c.name)])).toEqual([['dev', 24], ['staging', 31], ['prod', 26]]);
  });

  test('exemptions hold where their condition says: log retention in dev and staging only', () => {
    const retention = audit.filter((a) => a.exemption.control === 'CT.CLOUDWATCH.PR.2');
    expect([...new Set(retention.map((a) => a.environment))]).toEqual(['dev', 'staging']);
  });
});

describe('a fixed control broken again on the real stage', () => {
  const { app, stages } = realApp();
  // CT.EC2.PR.2: the dev fleet's launch template lets containers reach IMDS again.
  const template = stages.dev.inference.services[DEFAULT_SERVICE].fleet.node.findChild('LaunchTemplate').node.findChild('LaunchTemplate').node.defaultChild as ec2.CfnLaunchTemplate;
  template.addPropertyOverride('LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit', 2);
  // CT.S3.PR.4: the prod model bucket stops sending events.
  const modelBucket = stages.prod.inference.models.bucket.node.defaultChild as s3.CfnBucket;
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

describe('the exemption list', () => {
  test('an exemption that suppressed nothing in the synth is reported stale', () => {
    const stale = { control: 'CT.S3.PR.2', constructPath: 'AiInference/Models/Bucket', reason: 'The model bucket logs its access already.' };
    const audit = auditExemptions({ pluginReports: [] }, [ENVIRONMENTS[0]], [stale]);
    expect(staleExemptions(audit)).toEqual(['CT.S3.PR.2 at dev/AiInference/Models/Bucket']);
  });

  test('an exemption naming a construct that does not exist fails the app', () => {
    const app = new App();
    const stage = new AiInfraStage(app, 'dev', { config: ENVIRONMENTS[0] });
    expect(() => registerControlTowerChecks(app, [stage], [{ control: 'CT.S3.PR.2', constructPath: 'AiInference/Nowhere', reason: 'r' }])).toThrow(
      /Control Tower exemption CT.S3.PR.2 names dev\/AiInference\/Nowhere, which does not exist/,
    );
  });

  test('an exemption naming a control the validator does not bundle fails the app', () => {
    const app = new App();
    const stage = new AiInfraStage(app, 'dev', { config: ENVIRONMENTS[0] });
    expect(() => registerControlTowerChecks(app, [stage], [{ control: 'CT.S3.PR.99', constructPath: 'AiInference/Models/Bucket', reason: 'r' }])).toThrow(
      /Unknown Control Tower control "CT.S3.PR.99"/,
    );
  });

  test('every exemption has its control, construct and reason in docs/compliance.md', () => {
    const docs = fs.readFileSync(path.join(__dirname, '../../docs/compliance.md'), 'utf8');
    const missing = CONTROL_TOWER_EXEMPTIONS.filter((e) => !docs.split('\n').some((line) =>
      line.includes(`| ${e.control} |`) && line.includes(`\`${e.constructPath}\``) && line.includes(e.reason)));
    expect(missing).toEqual([]);
  });
});
