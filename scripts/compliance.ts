/**
 * Writes one compliance report per environment (Markdown) from a synthesis of the whole app:
 * when, from which commit and with which tool and rule versions; every AWS Control Tower control
 * (passed, fixed or exempted with its reason, owner and review date, each with the resources it
 * evaluated; the controls not applicable folded) and every cdk-nag pack with its acknowledged
 * findings. Hand the files to auditors. Fails on an exemption without an owner or past its
 * review date (lib/config/compliance.ts).
 *
 *   npm run compliance                  # reports/compliance/<env>.md
 *   npm run compliance -- out/dir       # elsewhere
 */
import { execFileSync } from 'child_process';
import { CfnResource } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAiInfraApp } from '../lib/ai-infra-app';
import { ReportProvenance, ReportedResource, renderComplianceReport } from '../lib/compliance/compliance-report';
import { CONTROL_TOWER_VALIDATOR_VERSION, controlTowerControls } from '../lib/compliance/control-tower-controls';
import { CONTROL_TOWER_FIXES } from '../lib/compliance/control-tower-fixes';
import { auditExemptions, staleExemptions } from '../lib/compliance/exemption-audit';
import { exemptionReviewProblems, unusedExemptionReviews } from '../lib/compliance/exemption-reviews';
import { toolVersions } from '../lib/compliance/tool-versions';
import { ValidationReport, readValidationReport } from '../lib/compliance/validation-report';
import { compliance, validateComplianceConfig } from '../lib/config/compliance';
import { AiInfraStage } from '../lib/stacks/ai-infra-stage';
import { EXIT_FAILED, EXIT_OK, ParsedCommandLine, runMain, showProgress } from './cli';
import { acknowledgementsOf, cdkJsonContext } from './nag-acknowledgements';

const HELP = `usage: npm run compliance -- [output-dir]
  Synthesizes every environment with every validation plugin and writes reports/compliance/<env>.md
  (or <output-dir>/<env>.md): when and from which commit, with which tool and rule versions; each
  AWS Control Tower control passed, fixed or exempted (its reason, owner and review date) with the
  resources it evaluated, the controls not applicable folded; each cdk-nag pack with its
  acknowledged findings.
  Exit 0: written, nothing open. 1: an open finding, a stale exemption, or an exemption without
  an owner or past its review date (lib/config/compliance.ts); the reports are written. 2: usage.`;

const NAG_PACKS = ['AwsSolutions', 'CostTagging', 'GpuCost'];

/** Every CloudFormation resource of the stage, from its construct tree: the paths the validation report names. */
function resourcesOf(stage: AiInfraStage): ReportedResource[] {
  return stage.node.findAll().filter(CfnResource.isCfnResource).map((r) => ({ type: r.cfnResourceType, path: r.node.path }));
}

/** The commit checked out in the repository, and whether the working tree differs from it. */
export function gitCommit(cwd = path.join(__dirname, '..')): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? `\`${commit}\`` : `\`${commit}\` with uncommitted changes to tracked files`;
  } catch {
    return 'unknown: not a git checkout';
  }
}

/** One environment's report, and its exemptions that suppressed nothing. */
export interface StageReport {
  readonly environment: string;
  readonly markdown: string;
  readonly staleExemptions: string[];
}

/** The report of the synthesized `stage`, from the synth's validation `report`, made at `provenance`. */
export function stageReport(stage: AiInfraStage, report: ValidationReport, provenance: ReportProvenance): StageReport {
  const exemptions = auditExemptions(report, stage);
  return {
    environment: stage.config.name,
    markdown: renderComplianceReport({
      environment: stage.config.name,
      provenance,
      tools: toolVersions(),
      validatorVersion: CONTROL_TOWER_VALIDATOR_VERSION,
      controls: controlTowerControls(),
      resources: resourcesOf(stage),
      report,
      exemptions,
      reviews: compliance.exemptionReviews,
      fixes: CONTROL_TOWER_FIXES,
      acknowledgements: acknowledgementsOf(stage).map((a) => ({ id: a.ruleId, constructPath: `${stage.stageName}/${a.constructPath}`, reason: a.reason })),
      nagPacks: NAG_PACKS,
    }),
    staleExemptions: staleExemptions(exemptions),
  };
}

/** The command line: its name, usage and flags. */
export const COMPLIANCE_COMMAND_LINE = { name: 'compliance', usage: HELP, options: {}, maxPositionals: 1 } as const;

/** The command, run with its parsed command line: returns its exit code (0, or 1 on an open finding or a stale exemption). */
export function writeComplianceReports({ positionals }: ParsedCommandLine<typeof COMPLIANCE_COMMAND_LINE.options>): number {
  const outputDir = path.resolve(positionals[0] ?? path.join(__dirname, '..', 'reports', 'compliance'));
  validateComplianceConfig(compliance);
  const provenance = { generatedAt: new Date().toISOString(), commit: gitCommit() };

  // The app as `cdk synth` builds it (every environment, every nag pack, the Control Tower controls),
  // in the mode where a validation failure throws: the report is written either way.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compliance-'));
  showProgress(COMPLIANCE_COMMAND_LINE.name, 'synthesizing every environment and the GitHub roles stack with every check');
  const { app, stages } = createAiInfraApp({ context: cdkJsonContext(), outdir, appMode: 'inmemory' });
  let failure: unknown;
  try {
    app.synth();
  } catch (e) {
    failure = e;
  }
  const report = readValidationReport(outdir);
  fs.mkdirSync(outputDir, { recursive: true });
  const reports = stages.map((stage) => stageReport(stage, report, provenance));
  for (const { environment, markdown } of reports) {
    const file = path.join(outputDir, `${environment}.md`);
    fs.writeFileSync(file, markdown);
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  const stale = reports.flatMap((r) => r.staleExemptions);
  if (stale.length > 0) console.error(`Stale Control Tower exemptions (remove them from the constructs that declare them): ${stale.join(', ')}`);
  const audit = auditExemptions(report, app);
  const reviews = [...exemptionReviewProblems(audit, compliance.exemptionReviews, provenance.generatedAt.slice(0, 10)), ...unusedExemptionReviews(audit, compliance.exemptionReviews)];
  for (const problem of reviews) console.error(problem);
  if (failure) console.error(String(failure));
  return failure || stale.length > 0 || reviews.length > 0 ? EXIT_FAILED : EXIT_OK;
}

if (require.main === module) runMain(COMPLIANCE_COMMAND_LINE, writeComplianceReports);
