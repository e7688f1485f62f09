import { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { CfnEC2Fleet } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { spotMaxPriceCeilingUsdPerHour } from '../../pricing/price-table';
import { instanceTypesOfGroup, resolved } from '../resource-lookup';

/** The instance types whose on-demand price is not above `maxPrice`, or is unknown. */
function notCheaperOnSpot(maxPrice: number, instanceTypes: readonly string[]): string[] {
  return instanceTypes.filter((type) => {
    const onDemand = spotMaxPriceCeilingUsdPerHour(type);
    return onDemand === undefined || maxPrice >= onDemand;
  });
}

function isSet(price: unknown): boolean {
  return price !== undefined && price !== null && price !== '';
}

/**
 * A spot max price, where one is set, is below the on-demand price of every instance type it
 * may buy, GPU or CPU (us-east-1 prices from `lib/pricing/price-table.ts`): an Auto Scaling group's
 * `InstancesDistribution.SpotMaxPrice` against every type of its policy, an EC2 Fleet
 * override's `MaxPrice` against that override's type. One finding per instance type priced at
 * or below the max price, or missing from the table, e.g.
 * `GpuCost-SpotMaxPriceBelowOnDemand[g4dn.xlarge]`.
 */
export function SpotMaxPriceBelowOnDemand(node: CfnResource): NagRuleResult {
  let findings: string[];
  if (node instanceof CfnAutoScalingGroup) {
    const policy = resolved<CfnAutoScalingGroup.MixedInstancesPolicyProperty | undefined>(node, node.mixedInstancesPolicy);
    const distribution = policy?.instancesDistribution as CfnAutoScalingGroup.InstancesDistributionProperty | undefined;
    if (!isSet(distribution?.spotMaxPrice)) return NagRuleCompliance.NOT_APPLICABLE;
    findings = notCheaperOnSpot(Number(NagRules.resolveIfPrimitive(node, distribution?.spotMaxPrice)), instanceTypesOfGroup(node));
  } else if (node instanceof CfnEC2Fleet) {
    const configs = resolved<CfnEC2Fleet.FleetLaunchTemplateConfigRequestProperty[]>(node, node.launchTemplateConfigs) ?? [];
    const priced = configs
      .flatMap((c) => (c.overrides ?? []) as CfnEC2Fleet.FleetLaunchTemplateOverridesRequestProperty[])
      .filter((o) => isSet(o.maxPrice));
    if (priced.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    findings = priced.flatMap((o) =>
      notCheaperOnSpot(Number(NagRules.resolveIfPrimitive(node, o.maxPrice)), [String(NagRules.resolveIfPrimitive(node, o.instanceType))]),
    );
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const unique = [...new Set(findings)];
  return unique.length > 0 ? unique : NagRuleCompliance.COMPLIANT;
}
