import { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { COST_TAG_KEYS } from '../cost-tags';
import { NagRule } from './nag-rule';
import { isWithin } from './resource-lookup';
import { costAllocationTags } from './rules/cost-allocation-tags';

/** Props of {@link CostTaggingChecks}. */
export interface CostTaggingChecksProps extends NagPackProps {
  /**
   * Tag keys every taggable resource must carry with a non-empty value.
   * @default COST_TAG_KEYS: environment, team, cost_center, project
   */
  readonly tagKeys?: readonly string[];
}

/**
 * cdk-nag pack `CostTagging`: every taggable resource below `scope` (the whole app when
 * omitted) carries the cost allocation tags, as synthesized. Level error, one finding per
 * missing tag: `CostTagging-CostAllocationTags[team]`.
 */
export class CostTaggingChecks extends NagPack {
  public readonly name = 'CostTagging';
  private readonly scope?: IConstruct;
  private readonly tagKeys: readonly string[];
  private readonly rule: NagRule;

  constructor(scope?: IConstruct, props?: CostTaggingChecksProps) {
    super(scope, props);
    this.packName = 'CostTagging';
    this.scope = scope;
    this.tagKeys = props?.tagKeys ?? COST_TAG_KEYS;
    this.rule = costAllocationTags(this.tagKeys);
  }

  /**
   * Fails only on error findings. cdk-nag 3.0.2 reports failure on any finding, so a warning
   * alone would fail the synth while no acknowledgement exists anywhere in the app.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const report = super.validateScope(scope);
    return { ...report, success: report.violations.every((v) => v.severity !== 'error') };
  }

  protected checkResource(node: CfnResource): void {
    if (!isWithin(node, this.scope)) return;
    this.applyRule({
      info: `The resource lacks the cost allocation tag named in the finding, or its value is empty (required: ${this.tagKeys.join(', ')}).`,
      explanation: 'Cost Explorer and the per-environment budgets split spend by these tags: an untagged resource is spend nobody owns. Tag it with Tags.of(scope).add(key, value).',
      level: NagMessageLevel.ERROR,
      rule: this.rule,
      node,
    });
  }
}
