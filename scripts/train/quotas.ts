import { DescribeInstanceTypesCommand, _InstanceType } from '@aws-sdk/client-ec2';
import { ListServiceQuotasCommand, ServiceQuota } from '@aws-sdk/client-service-quotas';
import { instanceFamilyOf } from '../../lib/gpu/accelerated-instance-types';
import { TrainContext } from './context';

/**
 * EC2 limits running On-Demand and Spot instances by vCPUs per instance family group, one
 * quota each for On-Demand and for Spot (https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html):
 * G and VT instances share "Running On-Demand G and VT instances" and "All G and VT Spot Instance
 * Requests", P instances "Running On-Demand P instances" and "All P Spot Instance Requests".
 * A run that needs more vCPUs than the quota never gets its capacity, so `start` refuses it.
 */
const QUOTA_NAMES: Record<'on-demand' | 'spot', Record<'G and VT' | 'P', string>> = {
  'on-demand': { 'G and VT': 'Running On-Demand G and VT instances', P: 'Running On-Demand P instances' },
  spot: { 'G and VT': 'All G and VT Spot Instance Requests', P: 'All P Spot Instance Requests' },
};

function groupOf(instanceType: string): 'G and VT' | 'P' {
  return instanceFamilyOf(instanceType).startsWith('p') ? 'P' : 'G and VT';
}

async function ec2Quotas(context: TrainContext): Promise<ServiceQuota[]> {
  const quotas: ServiceQuota[] = [];
  let token: string | undefined;
  do {
    const page = await context.clients.serviceQuotas.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2', NextToken: token }));
    quotas.push(...(page.Quotas ?? []));
    token = page.NextToken;
  } while (token);
  return quotas;
}

/**
 * Throws when `nodes` instances of every one of `instanceTypes` (one is launched for a cluster
 * run, the spot fleet picks among several) need more vCPUs than the account's quota in the region.
 */
export async function checkVcpuQuota(context: TrainContext, purchase: 'on-demand' | 'spot', instanceTypes: readonly string[], nodes: number): Promise<void> {
  const [described, quotas] = await Promise.all([
    context.clients.ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [...instanceTypes] as _InstanceType[] })),
    ec2Quotas(context),
  ]);
  const vcpus = new Map((described.InstanceTypes ?? []).map((t) => [t.InstanceType as string, t.VCpuInfo?.DefaultVCpus ?? 0]));
  const shortfalls = instanceTypes.map((type) => {
    const name = QUOTA_NAMES[purchase][groupOf(type)];
    const quota = quotas.find((q) => q.QuotaName === name);
    const needed = nodes * (vcpus.get(type) ?? 0);
    return quota?.Value === undefined || needed <= quota.Value ? undefined : { type, name, needed, quota };
  });
  // One type that fits is enough: the fleet launches that one.
  if (shortfalls.length === 0 || shortfalls.some((s) => s === undefined)) return;
  const { type, name, needed, quota } = shortfalls[0] as NonNullable<typeof shortfalls[number]>;
  throw new Error(
    `the ${purchase} vCPU quota "${name}" is ${quota.Value} in ${context.region}, and ${nodes} x ${type} need ${needed}: `
    + `request an increase (aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${quota.QuotaCode} --desired-value ${needed} --region ${context.region}) or start fewer --nodes`,
  );
}
