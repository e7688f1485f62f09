import type { ExemptionReview } from '../config/compliance';
import { CONTROL_TOWER_PLUGIN_NAME } from './control-tower-checks';
import { ControlTowerControl } from './control-tower-controls';
import { AppliedExemption } from './exemption-audit';
import { REVIEWS_FILE, reviewOf } from './exemption-reviews';
import { ToolVersion } from './tool-versions';
import { ReportedViolation, ValidationReport } from './validation-report';

/** An acknowledgement recorded on a construct with `Validations.of(construct).acknowledge()`. */
export interface RecordedAcknowledgement {
  /** The acknowledged id, e.g. `AwsSolutions-S1` or `ControlTower::s3_bucket_logging_enabled_check`. */
  readonly id: string;
  /** Path of the construct it sits on. */
  readonly constructPath: string;
  readonly reason: string;
}

/** One CloudFormation resource of the environment. */
export interface ReportedResource {
  /** e.g. `AWS::S3::Bucket`. */
  readonly type: string;
  /** Construct path of the L1 resource, e.g. `dev/AiInference/Models/Bucket/Resource`. */
  readonly path: string;
}

/** Where and when a report was made. */
export interface ReportProvenance {
  /** ISO 8601 time, UTC; its date is the day exemption reviews are checked against. */
  readonly generatedAt: string;
  /** The git commit synthesized, and whether the working tree differed from it. */
  readonly commit: string;
}

/** What one environment's report is made of. */
export interface ComplianceReportInput {
  readonly environment: string;
  readonly provenance: ReportProvenance;
  /** The tools and rule sets, with their versions. */
  readonly tools: readonly ToolVersion[];
  readonly validatorVersion: string;
  /** Every control the validator bundles. */
  readonly controls: readonly ControlTowerControl[];
  /** The environment's resources: a control evaluates those of its types; one with none is not applicable. */
  readonly resources: readonly ReportedResource[];
  /** The synth's validation report (all environments). */
  readonly report: ValidationReport;
  /** The Control Tower exemptions that hold in the environment's constructs, and what they suppressed. */
  readonly exemptions: readonly AppliedExemption[];
  /** Owner and review date of the exemptions, by control. */
  readonly reviews: Readonly<Record<string, ExemptionReview>>;
  /** Fixed controls and what changed. */
  readonly fixes: Readonly<Record<string, string>>;
  /** Acknowledgements recorded in the environment's construct tree (nag packs and Control Tower). */
  readonly acknowledgements: readonly RecordedAcknowledgement[];
  /** Names of the nag packs that ran. */
  readonly nagPacks: readonly string[];
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The environment's open findings of one plugin. */
function openFindings(input: ComplianceReportInput, pluginName: string): { violation: ReportedViolation; constructPath: string }[] {
  return input.report.pluginReports
    .filter((p) => p.pluginName === pluginName)
    .flatMap((p) => p.violations.flatMap((violation) => violation.violatingConstructs.map((c) => ({ violation, constructPath: c.constructPath ?? '' }))))
    .filter((f) => f.constructPath.startsWith(`${input.environment}/`));
}

type Status = 'failed' | 'exempted' | 'fixed' | 'passed' | 'not applicable';

/** `(owner ml-platform, review by 2027-06-30)`, or what is wrong with the review. */
function reviewNote(input: ComplianceReportInput, control: string): string {
  const review = reviewOf(control, input.reviews, input.provenance.generatedAt.slice(0, 10));
  if (review.state === 'missing') return `(no owner or review date in ${REVIEWS_FILE})`;
  return `(owner ${review.review.owner}, ${review.state === 'overdue' ? 'review overdue since' : 'review by'} ${review.review.reviewBy})`;
}

function controlRow(input: ComplianceReportInput, control: ControlTowerControl): { status: Status; detail: string } {
  const failed = openFindings(input, CONTROL_TOWER_PLUGIN_NAME).filter((f) => f.violation.ruleName === control.guardRule);
  if (failed.length > 0) return { status: 'failed', detail: failed.map((f) => `\`${f.constructPath}\``).join(', ') };
  const exempted = input.exemptions.filter((e) => e.exemption.control === control.id && e.suppressedPaths.length > 0);
  if (exempted.length > 0) {
    const elsewhere = input.fixes[control.id] ? [`elsewhere fixed: ${input.fixes[control.id]}`] : [];
    return {
      status: 'exempted',
      detail: [...exempted.map((e) => `\`${e.constructPath}\`: ${e.exemption.reason}`), reviewNote(input, control.id), ...elsewhere].join('<br>'),
    };
  }
  const fix = input.fixes[control.id];
  return fix ? { status: 'fixed', detail: fix } : { status: 'passed', detail: '' };
}

/** The resources a control evaluated, folded: `<details>` with their construct paths. */
function evidence(resources: readonly ReportedResource[]): string {
  const paths = resources.map((r) => `<code>${r.path}</code>`).join('<br>');
  return `<details><summary>${resources.length} resource${resources.length === 1 ? '' : 's'} evaluated</summary>${paths}</details>`;
}

function provenance(input: ComplianceReportInput): string[] {
  return [
    `- Generated: ${input.provenance.generatedAt}`,
    `- Commit: ${input.provenance.commit}`,
    '',
    '| tool or rule set | version | role |',
    '| --- | --- | --- |',
    ...input.tools.map((t) => `| ${t.name} | ${t.version} | ${cell(t.role)} |`),
  ];
}

function nagSection(input: ComplianceReportInput, pack: string): string[] {
  const open = openFindings(input, pack);
  const acknowledged = input.acknowledgements.filter((a) => a.id.startsWith(`${pack}-`));
  return [
    `### ${pack}`,
    '',
    open.length === 0 ? 'Every rule passed or is acknowledged below.' : `Open findings: ${open.map((f) => `${f.violation.ruleName} at \`${f.constructPath}\``).join(', ')}.`,
    '',
    ...(acknowledged.length === 0 ? ['No acknowledged finding.'] : [
      '| finding | construct | reason |',
      '| --- | --- | --- |',
      ...acknowledged.map((a) => `| \`${cell(a.id)}\` | \`${a.constructPath}\` | ${cell(a.reason)} |`),
    ]),
    '',
  ];
}

/**
 * The environment's compliance report, in Markdown: provenance (time, commit, tool and rule
 * versions), every Control Tower control that applies with its status, the resources it
 * evaluated and, for an exemption, its reason, owner and review date; the controls that do not
 * apply folded; every nag pack with its acknowledged findings.
 */
export function renderComplianceReport(input: ComplianceReportInput): string {
  // A proactive control checks every resource of the types it governs as it is created or updated
  // (https://docs.aws.amazon.com/controltower/latest/controlreference/proactive-controls.html; as a
  // hook, "your selection determines which resource types the Hook will evaluate":
  // https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/creating-and-managing-hooks.html),
  // and its Guard rule selects the template's resources of those types: they are its evidence.
  const rows = input.controls.map((control) => {
    const evaluated = input.resources.filter((r) => control.resourceTypes.includes(r.type));
    return { control, evaluated, ...(evaluated.length === 0 ? { status: 'not applicable' as Status, detail: '' } : controlRow(input, control)) };
  });
  const count = (status: Status): number => rows.filter((r) => r.status === status).length;
  const applicable = rows.filter((r) => r.status !== 'not applicable');
  const notApplicable = rows.filter((r) => r.status === 'not applicable');
  return [
    `# Compliance report: ${input.environment}`,
    '',
    `Generated by \`npm run compliance\` from a synthesis of the \`${input.environment}\` stage with every validation plugin the app registers.`,
    '',
    ...provenance(input),
    '',
    '## Summary',
    '',
    '| pack | open findings | acknowledged findings |',
    '| --- | --- | --- |',
    ...input.nagPacks.map((pack) => `| ${pack} (cdk-nag) | ${openFindings(input, pack).length} | ${input.acknowledgements.filter((a) => a.id.startsWith(`${pack}-`)).length} |`),
    `| ${CONTROL_TOWER_PLUGIN_NAME} (cdk-validator-cfnguard ${input.validatorVersion}) | ${count('failed')} | ${input.exemptions.reduce((n, e) => n + e.suppressedPaths.length, 0)} |`,
    '',
    `## AWS Control Tower proactive controls`,
    '',
    `${input.controls.length} controls: ${count('passed')} passed, ${count('fixed')} fixed, ${count('exempted')} exempted, `
      + `${count('not applicable')} not applicable, ${count('failed')} failed. Each applicable control lists the resources it evaluated; `
      + `an exemption names its reason, its owner and its review date (${REVIEWS_FILE}).`,
    '',
    '| control | requirement | status | detail | evidence |',
    '| --- | --- | --- | --- | --- |',
    ...applicable.map((r) => `| ${r.control.id} | ${cell(r.control.displayName)} | ${r.status} | ${cell(r.detail)} | ${evidence(r.evaluated)} |`),
    '',
    '<details>',
    `<summary>${notApplicable.length} control${notApplicable.length === 1 ? '' : 's'} not applicable: the environment has no resource of the types they evaluate</summary>`,
    '',
    '| control | requirement | evaluates |',
    '| --- | --- | --- |',
    ...notApplicable.map((r) => `| ${r.control.id} | ${cell(r.control.displayName)} | ${r.control.resourceTypes.map((t) => `\`${t}\``).join(', ')} |`),
    '',
    '</details>',
    '',
    '## cdk-nag packs',
    '',
    ...input.nagPacks.flatMap((pack) => nagSection(input, pack)),
  ].join('\n');
}
