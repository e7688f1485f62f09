import { ComplianceReportInput, renderComplianceReport } from '../../lib/compliance/compliance-report';
import { ControlTowerControl } from '../../lib/compliance/control-tower-controls';

const control = (id: string, guardRule: string, type: string): ControlTowerControl => ({ id, guardRule, displayName: `Require ${id}`, resourceTypes: [type], ruleFile: '' });

const input: ComplianceReportInput = {
  environment: 'dev',
  provenance: { generatedAt: '2027-01-01T10:00:00.000Z', commit: '`abc123`' },
  tools: [{ name: 'aws-cdk-lib', version: '2.276.0', role: 'synthesizes' }, { name: 'cfn-guard', version: '3.1.1', role: 'evaluates' }],
  validatorVersion: '0.0.62',
  controls: [
    control('CT.S3.PR.2', 's3_bucket_logging_enabled_check', 'AWS::S3::Bucket'),
    control('CT.S3.PR.4', 's3_event_notifications_enabled_check', 'AWS::S3::Bucket'),
    control('CT.SQS.PR.1', 'sqs_queue_dlq_check', 'AWS::SQS::Queue'),
    control('CT.EKS.PR.1', 'eks_endpoint_no_public_access_check', 'AWS::EKS::Cluster'),
    control('CT.LAMBDA.PR.3', 'lambda_inside_vpc_check', 'AWS::Lambda::Function'),
  ],
  resources: [
    { type: 'AWS::S3::Bucket', path: 'dev/Data/Logs/Resource' },
    { type: 'AWS::S3::Bucket', path: 'dev/Data/Models/Resource' },
    { type: 'AWS::SQS::Queue', path: 'dev/Jobs/Queue/Resource' },
    { type: 'AWS::Lambda::Function', path: 'dev/Jobs/Handler/Resource' },
  ],
  report: {
    pluginReports: [{
      pluginName: 'ControlTower',
      violations: [
        { ruleName: 'lambda_inside_vpc_check', violatingConstructs: [{ constructPath: 'dev/Jobs/Handler/Resource' }] },
        // Another environment's finding is not this report's.
        { ruleName: 'sqs_queue_dlq_check', violatingConstructs: [{ constructPath: 'prod/Jobs/Queue/Resource' }] },
      ],
    }],
  },
  exemptions: [{
    constructPath: 'dev/Data/Logs',
    exemption: { control: 'CT.S3.PR.2', reason: 'The log destination.', holds: true, declaredBy: 'AccessLogsBucket' },
    suppressedPaths: ['dev/Data/Logs/Resource'],
  }],
  reviews: { 'CT.S3.PR.2': { owner: 'data-team', reviewBy: '2027-06-30' } },
  fixes: { 'CT.S3.PR.4': 'events to EventBridge' },
  acknowledgements: [],
  nagPacks: [],
};
const markdown = renderComplianceReport(input);
const row = (id: string, text = markdown): string | undefined => text.split('\n').find((line) => line.startsWith(`| ${id} |`));
const [main, folded] = markdown.split('<details>\n');

describe('the compliance report', () => {
  test('states when it was generated and from which commit', () => {
    expect(markdown).toContain('- Generated: 2027-01-01T10:00:00.000Z\n- Commit: `abc123`');
  });

  test('lists every tool and rule set with its version', () => {
    expect(markdown).toContain('| aws-cdk-lib | 2.276.0 | synthesizes |\n| cfn-guard | 3.1.1 | evaluates |');
  });

  test('counts the controls by status', () => {
    expect(markdown).toContain('5 controls: 1 passed, 1 fixed, 1 exempted, 1 not applicable, 1 failed.');
  });

  test('gives a passed control the resources of its types as evidence, and no other', () => {
    expect(row('CT.SQS.PR.1')).toBe('| CT.SQS.PR.1 | Require CT.SQS.PR.1 | passed |  | <details><summary>1 resource evaluated</summary><code>dev/Jobs/Queue/Resource</code></details> |');
  });

  test('gives a fixed control what changed and its evidence', () => {
    expect(row('CT.S3.PR.4')).toContain('| fixed | events to EventBridge | <details><summary>2 resources evaluated</summary><code>dev/Data/Logs/Resource</code><br><code>dev/Data/Models/Resource</code></details> |');
  });

  test('gives an exempted control the exempted construct, the reason, the owner and the review date', () => {
    expect(row('CT.S3.PR.2')).toContain('| exempted | `dev/Data/Logs`: The log destination.<br>(owner data-team, review by 2027-06-30) |');
  });

  test('says when an exemption\'s review is overdue', () => {
    expect(row('CT.S3.PR.2', renderComplianceReport({ ...input, provenance: { ...input.provenance, generatedAt: '2027-07-01T00:00:00.000Z' } })))
      .toContain('(owner data-team, review overdue since 2027-06-30)');
  });

  test('says when an exemption has no owner or review date', () => {
    expect(row('CT.S3.PR.2', renderComplianceReport({ ...input, reviews: {} }))).toContain('(no owner or review date in lib/config/compliance.ts)');
  });

  test('names the resources of a failed control, of this environment only', () => {
    expect(row('CT.LAMBDA.PR.3')).toContain('| failed | `dev/Jobs/Handler/Resource` |');
  });

  test('folds the controls not applicable into one <details> with their count, outside the main table', () => {
    expect(row('CT.EKS.PR.1', main)).toBeUndefined();
    expect(folded).toMatch(/^<summary>1 control not applicable: the environment has no resource of the types they evaluate<\/summary>\n/);
    expect(row('CT.EKS.PR.1', folded)).toBe('| CT.EKS.PR.1 | Require CT.EKS.PR.1 | `AWS::EKS::Cluster` |');
  });
});
