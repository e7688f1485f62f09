import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Problem } from '../../validation';

/**
 * The one subnet a cluster placement group's instances launch into. A cluster placement group
 * lives in a single Availability Zone, so a selection of several subnets (or AZs) is a problem,
 * returned as a sentence naming the prop and the fix.
 */
export function selectPlacementSubnet(
  field: string,
  vpc: ec2.IVpc,
  selection: ec2.SubnetSelection,
): { readonly subnet?: ec2.ISubnet; readonly problem: Problem } {
  const { subnets } = vpc.selectSubnets(selection);
  if (subnets.length === 1) {
    return { subnet: subnets[0], problem: undefined };
  }
  return {
    problem:
      `${field} selects ${subnets.length} subnets: a cluster placement group lives in one Availability Zone and ` +
      'cannot span several AZs or subnets; select exactly one, e.g. { subnets: [vpc.privateSubnets[0]] }',
  };
}
