import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, PolicyViolatingResourceBeta1, PolicyViolationBeta1,
} from 'aws-cdk-lib';
import * as fs from 'fs';
import { CONTROL_TOWER_VALIDATOR_VERSION, ControlTowerControl, controlTowerControls } from './control-tower-controls';
import { DEFAULT_GUARD_CACHE_DIRECTORY, GuardFindingsCache } from './guard-findings-cache';

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

/** Props of {@link ControlTowerChecks}. */
export interface ControlTowerChecksProps {
  /**
   * Directory of the findings cache (one file per template content); `false` runs cfn-guard on
   * every template each time.
   * @default DEFAULT_GUARD_CACHE_DIRECTORY (node_modules/.cache/ai-infra-control-tower)
   */
  readonly cacheDirectory?: string | false;
}

/**
 * Every AWS Control Tower proactive control, run by `@cdklabs/cdk-validator-cfnguard`'s
 * CfnGuardValidator (its bundled cfn-guard binary and Control Tower rules) over every template.
 *
 * The validator hands cfn-guard all of its ~240 rules, and cfn-guard's time grows with rules x
 * templates; a control only ever reports resources of the types it evaluates. So this plugin
 * passes cfn-guard only the controls that evaluate a type present in the templates: the same
 * findings, about a third of the time (see docs/compliance.md). A template whose content it has
 * checked before takes its findings from the cache instead of cfn-guard.
 */
export class ControlTowerChecks implements IPolicyValidationPluginBeta1 {
  public readonly name = CONTROL_TOWER_PLUGIN_NAME;
  public readonly version = CONTROL_TOWER_VALIDATOR_VERSION;
  private readonly cache?: GuardFindingsCache;

  constructor(props: ControlTowerChecksProps = {}) {
    const directory = props.cacheDirectory ?? DEFAULT_GUARD_CACHE_DIRECTORY;
    this.cache = directory === false ? undefined : new GuardFindingsCache(directory);
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const cached = context.templatePaths.map((templatePath) => this.cache?.read(templatePath));
    const uncached = context.templatePaths.filter((_, i) => cached[i] === undefined);
    const fresh = this.runGuard(context, uncached);
    uncached.forEach((templatePath) => this.cache?.write(templatePath, fresh));
    const violations = [...cached.flatMap((findings) => findings ?? []), ...fresh].map((violation) => ({
      ...violation,
      // The validator sets no severity; aws-cdk-lib recomputes a plugin's success after acknowledgements
      // from error-severity violations only, so without it an open finding would no longer fail the synth.
      severity: violation.severity ?? 'error',
      violatingResources: locatedResources(violation.violatingResources),
    }));
    return { success: violations.length === 0, violations };
  }

  /** cfn-guard's findings on the templates, with only the controls that evaluate a type they declare. */
  private runGuard(context: IPolicyValidationContextBeta1, templatePaths: string[]): PolicyViolationBeta1[] {
    if (templatePaths.length === 0) return [];
    const present = resourceTypesIn(templatePaths);
    const rules = controlTowerControls()
      .filter((control) => control.resourceTypes.some((type) => present.has(type)))
      .map((control) => control.ruleFile);
    if (rules.length === 0) return [];
    return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate({ ...context, templatePaths }).violations;
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
