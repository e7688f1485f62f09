import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, PolicyViolatingResourceBeta1 } from 'aws-cdk-lib';
import * as fs from 'fs';
import { CONTROL_TOWER_VALIDATOR_VERSION, ControlTowerControl, controlTowerControls } from './control-tower-controls';

/** The plugin's name: the report's heading and the namespace of its acknowledgement ids (`ControlTower::<guard rule>`). */
export const CONTROL_TOWER_PLUGIN_NAME = 'ControlTower';

/** The acknowledgement id of a control's findings: `ControlTower::<guard rule>`. */
export function controlTowerAcknowledgementId(control: ControlTowerControl): string {
  return `${CONTROL_TOWER_PLUGIN_NAME}::${control.guardRule}`;
}

interface TemplateJson {
  readonly Resources?: Record<string, { readonly Type: string }>;
}

/** Resource types declared in the templates. */
function resourceTypesIn(templatePaths: readonly string[]): Set<string> {
  return new Set(templatePaths.flatMap((templatePath) => {
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as TemplateJson;
    return Object.values(template.Resources ?? {}).map((resource) => resource.Type);
  }));
}

/**
 * Every AWS Control Tower proactive control, run by `@cdklabs/cdk-validator-cfnguard`'s
 * CfnGuardValidator (its bundled cfn-guard binary and Control Tower rules) over every template.
 *
 * The validator hands cfn-guard all of its ~240 rules, and cfn-guard's time grows with rules x
 * templates; a control only ever reports resources of the types it evaluates. So this plugin
 * passes cfn-guard only the controls that evaluate a type present in the templates: the same
 * findings, about a third of the time (see docs/compliance.md).
 */
export class ControlTowerChecks implements IPolicyValidationPluginBeta1 {
  public readonly name = CONTROL_TOWER_PLUGIN_NAME;
  public readonly version = CONTROL_TOWER_VALIDATOR_VERSION;

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const present = resourceTypesIn(context.templatePaths);
    const rules = controlTowerControls()
      .filter((control) => control.resourceTypes.some((type) => present.has(type)))
      .map((control) => control.ruleFile);
    if (rules.length === 0) return { success: true, violations: [] };
    const report = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate(context);
    // The validator sets no severity; aws-cdk-lib recomputes a plugin's success after acknowledgements
    // from error-severity violations only, so without it an open finding would no longer fail the synth.
    return {
      ...report,
      violations: report.violations.map((violation) => ({
        ...violation,
        severity: violation.severity ?? 'error',
        violatingResources: locatedResources(violation.violatingResources),
      })),
    };
  }
}

/**
 * A violation's resources without the entries that name no resource, when others do: for a value
 * it cannot evaluate (a `Fn::GetStackOutput` subnet id), cfn-guard adds an entry with empty
 * locations beside the located one, which no construct could acknowledge. A violation that names
 * no resource at all keeps its entries, and fails the synth.
 */
export function locatedResources(resources: readonly PolicyViolatingResourceBeta1[]): PolicyViolatingResourceBeta1[] {
  const located = resources.filter((resource) => resource.resourceLogicalId);
  return located.length > 0 ? located : [...resources];
}
