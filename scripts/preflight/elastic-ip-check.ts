import { DescribeAddressesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { elasticIpNeeds } from './account-needs';
import { DeployedResources } from './deployed-resources';
import { PreflightResult, fail, pass, warn } from './result';
import { QuotaLookup } from './service-quotas';
import { EnvironmentStack, resourcesOfType } from './template';

/**
 * The "EC2-VPC Elastic IPs" quota (5 by default, per region:
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html) against the addresses
 * already allocated in the region plus those the environment's NAT gateways would add. Addresses
 * its deployed stacks already hold are not counted twice (matched by public IP or allocation id).
 */
export async function elasticIpCheck(ec2: EC2Client, quotas: QuotaLookup, deployed: DeployedResources, stacks: readonly EnvironmentStack[]): Promise<PreflightResult[]> {
  const check = 'quota EC2-VPC Elastic IPs';
  const { addresses, natGateways } = elasticIpNeeds(stacks);
  if (addresses === 0) return [pass(check, 'the environment allocates no Elastic IP')];
  const owned = new Set<string>();
  for (const { stack, logicalId } of resourcesOfType(stacks, 'AWS::EC2::EIP')) {
    const id = (await deployed.physicalIds(stack.stackName)).get(logicalId);
    if (id) owned.add(id);
  }
  const { Addresses: allocated = [] } = await ec2.send(new DescribeAddressesCommand({}));
  const alreadyOurs = allocated.filter((a) => owned.has(a.PublicIp ?? '') || owned.has(a.AllocationId ?? '')).length;
  const total = allocated.length + addresses - alreadyOurs;
  const detail = `${addresses} for ${natGateways} NAT gateway(s), ${alreadyOurs} of them allocated already; ${allocated.length} allocated in the region: ${total} in all`;
  const quota = await quotas.byName('ec2', ['EC2-VPC Elastic IPs']);
  if (!quota) return [warn(check, `${detail}; Service Quotas has no quota of that name here`, 'check the Elastic IP quota in the Service Quotas console')];
  if (total <= quota.value) return [pass(check, `${detail}, the account has ${quota.value}`)];
  return [fail(check, `${detail}, the account has ${quota.value}`, `${quotas.increaseCommand(quota, total)} (or release unused addresses)`)];
}
