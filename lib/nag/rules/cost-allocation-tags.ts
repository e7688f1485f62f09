import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { NagRule } from '../nag-rule';
import { synthesizedTagsOf } from '../resource-lookup';

/**
 * Every taggable resource carries each of `tagKeys` with a non-empty value, as synthesized.
 * One finding per missing (or empty) tag key, e.g. `CostTagging-CostAllocationTags[team]`.
 */
export function costAllocationTags(tagKeys: readonly string[]): NagRule {
  return function CostAllocationTags(node: CfnResource) {
    const tags = synthesizedTagsOf(node);
    if (tags === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const missing = tagKeys.filter((key) => {
      const value = tags[key];
      return value === undefined || value === null || (typeof value === 'string' && value.trim().length === 0);
    });
    return missing.length > 0 ? missing : NagRuleCompliance.COMPLIANT;
  };
}
