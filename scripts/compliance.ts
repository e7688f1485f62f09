/**
 * Writes one compliance report per environment (Markdown) from a synthesis of the whole app:
 * every AWS Control Tower control (passed, fixed, exempted with its reason, not applicable) and
 * every cdk-nag pack with its acknowledged findings. Hand the files to auditors.
 *
 *   npm run compliance                  # reports/compliance/<env>.md
 *   npm run compliance -- out/dir       # elsewhere
 */
import { Stack } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAiInfraApp } from '../lib/ai-infra-app';
import { renderComplianceReport } from '../lib/compliance/compliance-report';
import { CONTROL_TOWER_VALIDATOR_VERSION, controlTowerControls } from '../lib/compliance/control-tower-controls';
import { CONTROL_TOWER_FIXES } from '../lib/compliance/control-tower-fixes';
import { auditExemptions, staleExemptions } from '../lib/compliance/exemption-audit';
import { readValidationReport } from '../lib/compliance/validation-report';
import { AiInfraStage } from '../lib/stacks/ai-infra-stage';
import { EXIT_FAILED, EXIT_OK, ParsedCommandLine, runMain } from './cli';
import { acknowledgementsOf, cdkJsonContext } from './nag-acknowledgements';

const NAG_PACKS = ['AwsSolutions', 'CostTagging', 'GpuCost'];
const USAGE = `usage: npm run compliance [-- <output directory>]
  Writes one compliance report per environment (Markdown), to reports/compliance/ by default.
  Exit 0: written, every control and pack clean. 1: a finding is open or an exemption stale (the reports are written).`;

/** Resource types of every template of the stage, from its cloud assembly. */
function resourceTypesOf(stage: AiInfraStage): Set<string> {
  return new Set(stage.node.findAll().filter(Stack.isStack).flatMap((stack) => {
    const template = JSON.parse(fs.readFileSync(path.join(stage.outdir, stack.templateFile), 'utf8')) as { Resources: Record<string, { Type: string }> };
    return Object.values(template.Resources).map((r) => r.Type);
  }));
}

/** The command line: its name, usage and flags. */
export const COMPLIANCE_COMMAND_LINE = { name: 'compliance', usage: USAGE, options: {}, maxPositionals: 1 } as const;

/** The command, run with its parsed command line; returns the exit code. */
export const writeComplianceReports = ({ positionals }: ParsedCommandLine<typeof COMPLIANCE_COMMAND_LINE.options>): number => {
  const outputDir = path.resolve(positionals[0] ?? path.join(__dirname, '..', 'reports', 'compliance'));
  // The app as `cdk synth` builds it (every environment, every nag pack, the Control Tower controls),
  // in the mode where a validation failure throws: the report is written either way.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compliance-'));
  const { app, stages } = createAiInfraApp({ context: cdkJsonContext(), outdir, appMode: 'inmemory' });
  let failure: unknown;
  try {
    app.synth();
  } catch (e) {
    failure = e;
  }
  const report = readValidationReport(outdir);
  const audit = auditExemptions(report, stages.map((s) => s.config));
  fs.mkdirSync(outputDir, { recursive: true });
  for (const stage of stages) {
    const file = path.join(outputDir, `${stage.config.name}.md`);
    fs.writeFileSync(file, renderComplianceReport({
      environment: stage.config.name,
      validatorVersion: CONTROL_TOWER_VALIDATOR_VERSION,
      controls: controlTowerControls(),
      resourceTypes: resourceTypesOf(stage),
      report,
      exemptions: audit.filter((a) => a.environment === stage.config.name),
      fixes: CONTROL_TOWER_FIXES,
      acknowledgements: acknowledgementsOf(stage).map((a) => ({ id: a.ruleId, constructPath: `${stage.stageName}/${a.constructPath}`, reason: a.reason })),
      nagPacks: NAG_PACKS,
    }));
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  const stale = staleExemptions(audit);
  if (stale.length > 0) console.error(`Stale Control Tower exemptions (remove them): ${stale.join(', ')}`);
  if (failure || stale.length > 0) {
    if (failure) console.error(String(failure));
    return EXIT_FAILED;
  }
  return EXIT_OK;
};

if (require.main === module) runMain(COMPLIANCE_COMMAND_LINE, writeComplianceReports);
