/**
 * Writes one compliance report per environment (Markdown) from a synthesis of the whole app:
 * every AWS Control Tower control (passed, fixed, exempted with its reason, not applicable) and
 * every cdk-nag pack with its acknowledged findings. Hand the files to auditors.
 *
 *   npm run compliance                  # reports/compliance/<env>.md
 *   npm run compliance -- out/dir       # elsewhere
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RecordedAcknowledgement, renderComplianceReport } from '../lib/compliance/compliance-report';
import { CONTROL_TOWER_VALIDATOR_VERSION, controlTowerControls } from '../lib/compliance/control-tower-controls';
import { CONTROL_TOWER_FIXES } from '../lib/compliance/control-tower-fixes';
import { auditExemptions, staleExemptions } from '../lib/compliance/exemption-audit';
import { registerControlTowerChecks } from '../lib/compliance/register-control-tower';
import { readValidationReport } from '../lib/compliance/validation-report';
import { ENVIRONMENTS } from '../lib/config';
import { registerNagPacks } from '../lib/nag/register-nag-packs';
import { AiInfraStage } from '../lib/stacks/ai-infra-stage';

const NAG_PACKS = ['AwsSolutions', 'CostTagging', 'GpuCost'];
const outputDir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'reports', 'compliance'));
const root = path.join(__dirname, '..');

/** Acknowledgements recorded below `stage`, with the plugin namespace CDK adds to nag ids removed. */
function acknowledgementsOf(stage: AiInfraStage): RecordedAcknowledgement[] {
  return stage.node.findAll().flatMap((construct) => construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
      id: id.replace(/^Annotation::/, ''), constructPath: construct.node.path, reason,
    }))));
}

/** Resource types of every template of the stage, from its cloud assembly. */
function resourceTypesOf(stage: AiInfraStage): Set<string> {
  return new Set(stage.node.findAll().filter(Stack.isStack).flatMap((stack) => {
    const template = JSON.parse(fs.readFileSync(path.join(stage.outdir, stack.templateFile), 'utf8')) as { Resources: Record<string, { Type: string }> };
    return Object.values(template.Resources).map((r) => r.Type);
  }));
}

const { context } = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compliance-'));
const app = new App({ context, outdir });
const stages = ENVIRONMENTS.map((config) => new AiInfraStage(app, config.name, { config }));
registerNagPacks(app, stages);
registerControlTowerChecks(app, stages);
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
    acknowledgements: acknowledgementsOf(stage),
    nagPacks: NAG_PACKS,
  }));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
fs.rmSync(outdir, { recursive: true, force: true });
const stale = staleExemptions(audit);
if (stale.length > 0) console.error(`Stale Control Tower exemptions (remove them): ${stale.join(', ')}`);
if (failure || stale.length > 0) {
  if (failure) console.error(String(failure));
  process.exit(1);
}
