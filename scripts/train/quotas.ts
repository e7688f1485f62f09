import { DescribeInstanceTypesCommand, _InstanceType } from '@aws-sdk/client-ec2';
import { Market, ec2QuotaOf } from '../preflight/ec2-quota-classes';
import { AppliedQuota, QuotaLookup } from '../preflight/service-quotas';
import { TrainContext } from './context';

/**
 * Throws, naming the quota and the increase to request, when `nodes` instances of every one of
 * `instanceTypes` (the cluster launches its one type, the spot fleet picks among several) need
 * more vCPUs than the account's quota of their class in the region: EC2 counts running On-Demand
 * and Spot instances in vCPUs per instance class (see `ec2QuotaOf`, shared with the preflight), so
 * such a run would never get its capacity.
 */
export async function checkVcpuQuota(context: TrainContext, market: Market, instanceTypes: readonly string[], nodes: number): Promise<void> {
  const lookup = new QuotaLookup(context.clients.serviceQuotas, context.region);
  const described = await context.clients.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [...instanceTypes] as _InstanceType[] }));
  const vcpus = new Map((described.InstanceTypes ?? []).map((t) => [t.InstanceType as string, t.VCpuInfo?.DefaultVCpus ?? 0]));
  const shortfalls = await Promise.all(instanceTypes.map(async (type) => {
    const quotaClass = ec2QuotaOf(type, market);
    const quota = quotaClass && await lookup.byName('ec2', quotaClass.names);
    const needed = nodes * (vcpus.get(type) ?? 0);
    return quota === undefined || needed <= quota.value ? undefined : { type, needed, quota };
  }));
  // One type that fits is enough: the fleet launches that one.
  if (shortfalls.length === 0 || shortfalls.some((s) => s === undefined)) return;
  const { type, needed, quota } = shortfalls[0] as { type: string; needed: number; quota: AppliedQuota };
  throw new Error(
    `the ${market} vCPU quota "${quota.quotaName}" is ${quota.value} in ${context.region}, and ${nodes} x ${type} need ${needed}: `
    + `request an increase (${lookup.increaseCommand(quota, needed)}) or start fewer --nodes`,
  );
}
