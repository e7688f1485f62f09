import { DescribeInstanceTypesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { isError } from './clients';
import { ComputeGroup, vcpuNeeds } from './compute-needs';
import { PreflightResult, fail, pass, warn } from './result';
import { QuotaLookup } from './service-quotas';

/**
 * Each EC2 vCPU quota against what the environment's groups, fleets and NodePools need at their
 * configured maximum (on-demand and spot count against separate quotas:
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html). A group that
 * cannot reach its MaxSize fails silently at its busiest hour, so a short quota fails here.
 * The vCPUs of each type come from DescribeInstanceTypes; a type the region does not offer fails.
 */
export async function ec2QuotaChecks(ec2: EC2Client, quotas: QuotaLookup, groups: readonly ComputeGroup[], region: string): Promise<PreflightResult[]> {
  const results: PreflightResult[] = [];
  const vcpusOf = new Map<string, number>();
  for (const type of [...new Set(groups.flatMap((g) => g.instanceTypes))].sort()) {
    try {
      const { InstanceTypes: [info] = [] } = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [type as never] }));
      vcpusOf.set(type, info?.VCpuInfo?.DefaultVCpus ?? 0);
    } catch (error) {
      if (!isError(error, 'InvalidInstanceType')) throw error;
      const users = groups.filter((g) => g.instanceTypes.includes(type)).map((g) => g.source).join(', ');
      results.push(fail(`instance type ${type}`, `${region} does not offer it (${users})`, `use types the region offers: aws ec2 describe-instance-type-offerings --region ${region}`));
    }
  }
  for (const need of vcpuNeeds(groups, vcpusOf)) {
    const check = `quota ${need.quota.names[0]} (${need.quota.market} vCPUs)`;
    const quota = await quotas.byName('ec2', need.quota.names);
    const detail = `needs ${need.vcpus} at the configured maximum (${need.sources.join('; ')})`;
    if (!quota) {
      results.push(warn(check, `${detail}; Service Quotas has no quota of that name in ${region}`, `check the EC2 quotas in the Service Quotas console of ${region}`));
    } else if (quota.value >= need.vcpus) {
      results.push(pass(check, `${detail}, the account has ${quota.value}`));
    } else {
      results.push(fail(check, `${detail}, the account has ${quota.value}`, quotas.increaseCommand(quota, need.vcpus)));
    }
  }
  return results;
}
