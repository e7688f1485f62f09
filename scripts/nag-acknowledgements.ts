/**
 * Generates docs/nag-acknowledgements.md from what the code acknowledges: builds the app as
 * `cdk synth` does (every environment, the GitHub roles stack), reads every construct's
 * `Validations.ACKNOWLEDGED_RULES_METADATA_KEY` metadata and renders one table per stack type
 * into docs/nag-acknowledgements.template.md. test/app/nag-acknowledgements.test.ts fails while
 * the committed file differs.
 *
 *   npm run docs:nag
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { createAiInfraApp } from '../lib/ai-infra-app';
import { CONTROL_TOWER_PLUGIN_NAME } from '../lib/compliance/control-tower-checks';
import { EXIT_OK, runMain, showProgress } from './cli';
import { cell, environmentNamesOf, environmentOf, environmentsCell, groupBy } from './doc-tables';
import { temporaryOutdir } from './temporary-outdir';

const ROOT = join(__dirname, '..');
/** The generated document. */
export const ACKNOWLEDGEMENTS_DOC = join(ROOT, 'docs', 'nag-acknowledgements.md');
/** The hand-written text around the tables, with a `{{acknowledgements}}` placeholder. */
export const ACKNOWLEDGEMENTS_TEMPLATE = join(ROOT, 'docs', 'nag-acknowledgements.template.md');
const PLACEHOLDER = '{{acknowledgements}}';
/** aws-cdk-lib records an id with no well-known plugin prefix (every cdk-nag id) under this namespace. */
const ANNOTATION_NAMESPACE = /^Annotation::/;

/** One acknowledgement recorded on one construct. */
export interface Acknowledgement {
  /** Class name of the construct's stack, e.g. `TrainingStack`. */
  readonly stackType: string;
  /** Name of the construct's stage; undefined outside every environment (the roles stack). */
  readonly environment?: string;
  /** Construct path below the stage, e.g. `Training/Cluster/InstanceRole`. */
  readonly constructPath: string;
  /** The rule id with its finding, as passed to `acknowledge()`. */
  readonly ruleId: string;
  readonly reason: string;
}

/** cdk.json's context (the feature flags): what the CLI hands the app. */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

function acknowledgementsOn(construct: IConstruct): Acknowledgement[] {
  const stage = environmentOf(construct);
  const prefix = stage === undefined ? '' : `${stage.node.path}/`;
  return construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
    // Control Tower exemptions (`ControlTower::<rule>`) have their own table in docs/compliance.md.
    .filter(([id]) => !id.startsWith(`${CONTROL_TOWER_PLUGIN_NAME}::`))
    .map(([id, reason]) => ({
      stackType: Stack.of(construct).constructor.name,
      environment: stage?.stageName,
      constructPath: construct.node.path.slice(prefix.length),
      ruleId: id.replace(ANNOTATION_NAMESPACE, ''),
      reason,
    }));
}

/** Every acknowledgement below `scope`, in construct tree order. */
export function acknowledgementsOf(scope: IConstruct): Acknowledgement[] {
  return scope.node.findAll().flatMap(acknowledgementsOn);
}

interface Row {
  readonly ruleIds: string[];
  readonly constructPath: string;
  readonly environments: string;
  readonly reason: string;
}

/**
 * The table rows of one stack type: an acknowledgement found in several environments is one
 * row naming them (`all` when every environment has it), and the findings of one construct with
 * the same reason and environments share a row.
 */
function rowsOf(acknowledgements: readonly Acknowledgement[], allEnvironments: readonly string[]): Row[] {
  const unique = groupBy(acknowledgements, (a) => JSON.stringify([a.constructPath, a.ruleId, a.reason])).map((same) => ({
    ...same[0],
    environments: environmentsCell(same.map((a) => a.environment), allEnvironments),
  }));
  return groupBy(unique, (a) => JSON.stringify([a.constructPath, a.reason, a.environments])).map((same) => ({
    ruleIds: same.map((a) => a.ruleId),
    constructPath: same[0].constructPath,
    environments: same[0].environments,
    reason: same[0].reason,
  }));
}

function renderTable(rows: readonly Row[]): string {
  return [
    '| Rule (finding) | Construct | Environments | Reason |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.ruleIds.map((id) => `\`${cell(id)}\``).join('<br>')} | \`${cell(r.constructPath)}\` | ${r.environments} | ${cell(r.reason)} |`),
  ].join('\n');
}

/**
 * The Markdown sections for the acknowledgements of `app`: one `## <StackType>` table per stack
 * type with acknowledgements, then the stack types without any.
 */
export function renderAcknowledgements(app: App): string {
  const allEnvironments = environmentNamesOf(app);
  const byStackType = groupBy(acknowledgementsOf(app), (a) => a.stackType);
  const sections = byStackType.map((acks) => `## ${acks[0].stackType}\n\n${renderTable(rowsOf(acks, allEnvironments))}`);
  const acknowledged = new Set(byStackType.map((acks) => acks[0].stackType));
  const none = [...new Set(app.node.findAll().filter(Stack.isStack).map((s) => s.constructor.name))].filter((t) => !acknowledged.has(t));
  if (none.length > 0) sections.push(`No acknowledgement in: ${none.map((t) => `\`${t}\``).join(', ')}.`);
  return sections.join('\n\n');
}

/** The whole document for `app`: the template with the generated tables in place of its placeholder. */
export function renderAcknowledgementsDoc(app: App, template: string = readFileSync(ACKNOWLEDGEMENTS_TEMPLATE, 'utf8')): string {
  if (!template.includes(PLACEHOLDER)) throw new Error(`${ACKNOWLEDGEMENTS_TEMPLATE} has no ${PLACEHOLDER} placeholder`);
  const banner = '<!-- Generated by `npm run docs:nag` from the code and docs/nag-acknowledgements.template.md: edit those, not this file. -->';
  return `${banner}\n${template.replace(PLACEHOLDER, renderAcknowledgements(app))}`;
}

/** The document for the app as `cdk synth` builds it, every environment included. */
export function generateAcknowledgementsDoc(): string {
  const { app } = createAiInfraApp({ context: cdkJsonContext(), outdir: temporaryOutdir(), appMode: 'inmemory' });
  return renderAcknowledgementsDoc(app);
}

/** The command line: its name, usage and flags. */
export const DOCS_NAG_COMMAND_LINE = { name: 'docs:nag', usage: 'usage: npm run docs:nag\n  Rewrites docs/nag-acknowledgements.md from the acknowledgements in the code.', options: {} } as const;

/** The command; returns the exit code. */
export function writeAcknowledgementsDoc(): number {
  showProgress(DOCS_NAG_COMMAND_LINE.name, 'synthesizing every environment and the GitHub roles stack');
  writeFileSync(ACKNOWLEDGEMENTS_DOC, generateAcknowledgementsDoc());
  console.log(`wrote ${ACKNOWLEDGEMENTS_DOC}`);
  return EXIT_OK;
}

if (require.main === module) runMain(DOCS_NAG_COMMAND_LINE, writeAcknowledgementsDoc);
