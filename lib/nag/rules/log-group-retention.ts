import { CfnResource } from 'aws-cdk-lib';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { resolved } from '../resource-lookup';

/** Every log group has a retention: logs kept forever are a bill that only grows. */
export function LogGroupRetention(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnLogGroup)) return NagRuleCompliance.NOT_APPLICABLE;
  return resolved(node, node.retentionInDays) === undefined ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
