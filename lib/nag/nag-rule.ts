import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';

/**
 * A cdk-nag rule: a pure function of one L1 resource. Its function name is the rule id's
 * suffix (`<PackName>-<FunctionName>`), so every rule, and every rule a factory returns, is a
 * named function.
 */
export type NagRule = (node: CfnResource) => NagRuleResult;
