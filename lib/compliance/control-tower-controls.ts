import * as fs from 'fs';
import * as path from 'path';

/** One AWS Control Tower proactive control, as `@cdklabs/cdk-validator-cfnguard` bundles it. */
export interface ControlTowerControl {
  /** The control's id, e.g. `CT.S3.PR.2`. */
  readonly id: string;
  /** The Guard rule the validator reports, e.g. `s3_bucket_logging_enabled_check`. */
  readonly guardRule: string;
  /** What the control requires, e.g. "Require an Amazon S3 bucket to have server access logging configured". */
  readonly displayName: string;
  /** CloudFormation resource types the control evaluates. */
  readonly resourceTypes: readonly string[];
  /** Absolute path of the control's Guard rule file. */
  readonly ruleFile: string;
}

interface ControlMetadataJson {
  readonly Id: string;
  readonly DisplayName: string;
  readonly EvaluatedResourceTypes: string[];
}

const VALIDATOR_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));

/** The installed `@cdklabs/cdk-validator-cfnguard` version, which fixes the set of controls and their rules. */
export const CONTROL_TOWER_VALIDATOR_VERSION = (JSON.parse(fs.readFileSync(path.join(VALIDATOR_DIR, 'package.json'), 'utf8')) as { version: string }).version;

/** The validator package's Control Tower rules: `cfn-guard/<service>/<file>.guard` beside `metadata/<service>/<file>.metadata.json`. */
const CONTROL_TOWER_RULES_DIR = path.join(VALIDATOR_DIR, 'rules', 'control-tower');

/** The rule a Guard file's templates are checked by: the one declared `rule <name> when ...`. */
function guardRuleOf(ruleFile: string): string {
  const names = new Set([...fs.readFileSync(ruleFile, 'utf8').matchAll(/^rule (\w+) when/gm)].map((m) => m[1]));
  if (names.size !== 1) throw new Error(`${ruleFile} declares ${names.size} entry rules, expected 1: the validator package changed its rule layout`);
  return [...names][0];
}

let catalog: readonly ControlTowerControl[] | undefined;

/** Every Control Tower control the installed validator bundles, ordered by id. Read once. */
export function controlTowerControls(): readonly ControlTowerControl[] {
  catalog ??= fs.readdirSync(path.join(CONTROL_TOWER_RULES_DIR, 'cfn-guard')).flatMap((service) =>
    fs.readdirSync(path.join(CONTROL_TOWER_RULES_DIR, 'cfn-guard', service)).map((file) => {
      const ruleFile = path.join(CONTROL_TOWER_RULES_DIR, 'cfn-guard', service, file);
      const metadataFile = path.join(CONTROL_TOWER_RULES_DIR, 'metadata', service, file.replace(/\.guard$/, '.metadata.json'));
      const metadata = JSON.parse(fs.readFileSync(metadataFile, 'utf8')) as ControlMetadataJson;
      return {
        id: metadata.Id,
        guardRule: guardRuleOf(ruleFile),
        displayName: metadata.DisplayName,
        resourceTypes: metadata.EvaluatedResourceTypes,
        ruleFile,
      };
    }),
  ).sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  return catalog;
}

/** The control with id `id` (e.g. `CT.S3.PR.2`); throws on an id the validator does not bundle. */
export function controlTowerControl(id: string): ControlTowerControl {
  const control = controlTowerControls().find((c) => c.id === id);
  if (!control) throw new Error(`Unknown Control Tower control "${id}": @cdklabs/cdk-validator-cfnguard bundles no such control`);
  return control;
}
