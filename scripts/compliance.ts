/**
 * Writes one compliance report per environment (Markdown) from a synthesis of the whole app:
 * every AWS Control Tower control (passed, fixed, exempted with its reason, not applicable) and
 * every cdk-nag pack with its acknowledged findings. Hand the files to auditors.
 *
 *   npm run compliance                  # reports/compliance/<env>.md
 *   npm run compliance -- out/dir       # elsewhere
 */
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAiInfraApp } from '../lib/ai-infra-app';
import { renderComplianceReport } from '../lib/compliance/compliance-report';
import { CONTROL_TOWER_VALIDATOR_VERSION, controlTowerControls } from '../lib/compliance/control-tower-controls';
import { CONTROL_TOWER_FIXES } from '../lib/compliance/control-tower-fixes';
import { auditExemptions, staleExemptions } from '../lib/compliance/exemption-audit';
import { ValidationReport, readValidationReport } from '../lib/compliance/validation-report';
import { AiInfraStage } from '../lib/stacks/ai-infra-stage';
import { EXIT_FAILED, EXIT_OK, ParsedCommandLine, runMain, showProgress } from './cli';
import { acknowledgementsOf, cdkJsonContext } from './nag-acknowledgements';

const HELP = `usage: npm run compliance -- [output-dir]
  Synthesizes every environment with every validation plugin and writes reports/compliance/<env>.md
  (or <output-dir>/<env>.md): each AWS Control Tower control passed, fixed, exempted with its
  reason or not applicable, and each cdk-nag pack with its acknowledged findings.
  Exit 0: written, nothing open. 1: an open finding or a stale exemption (the reports are written). 2: usage.`;

const NAG_PACKS = ['AwsSolutions', 'CostTagging', 'GpuCost'];

/** Resource types of every template of the stage, from its cloud assembly (read with cx-api, as the CLI reads it). */
function resourceTypesOf(stage: AiInfraStage): Set<string> {
  return new Set(new CloudAssembly(stage.outdir).stacks.flatMap((stack) =>
    Object.values((stack.template as { Resources?: Record<string, { Type: string }> }).Resources ?? {}).map((r) => r.Type)));
}

/** One environment's report, and its exemptions that suppressed nothing. */
export interface StageReport {
  readonly environment: string;
  readonly markdown: string;
  readonly staleExemptions: string[];
}

/** The report of the synthesized `stage`, from the synth's validation `report`. */
export function stageReport(stage: AiInfraStage, report: ValidationReport): StageReport {
  const exemptions = auditExemptions(report, stage);
  return {
    environment: stage.config.name,
    markdown: renderComplianceReport({
      environment: stage.config.name,
      validatorVersion: CONTROL_TOWER_VALIDATOR_VERSION,
      controls: controlTowerControls(),
      resourceTypes: resourceTypesOf(stage),
      report,
      exemptions,
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
  const reports = stages.map((stage) => stageReport(stage, report));
  for (const { environment, markdown } of reports) {
    const file = path.join(outputDir, `${environment}.md`);
    fs.writeFileSync(file, markdown);
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  const stale = reports.flatMap((r) => r.staleExemptions);
  if (stale.length > 0) console.error(`Stale Control Tower exemptions (remove them from the constructs that declare them): ${stale.join(', ')}`);
  if (failure) console.error(String(failure));
  return failure || stale.length > 0 ? EXIT_FAILED : EXIT_OK;
}

if (require.main === module) runMain(COMPLIANCE_COMMAND_LINE, writeComplianceReports);
