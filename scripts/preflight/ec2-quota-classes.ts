import { instanceFamilyOf } from '../../lib/gpu/accelerated-instance-types';

/** How an instance is bought, each counted against its own vCPU quota. */
export type Market = 'on-demand' | 'spot';

/**
 * One EC2 vCPU quota, by the names Service Quotas gives it, newest first: AWS has renamed some
 * (the P spot quota became "All P4, P3 and P2 Spot Instance Requests" and "All P5 Spot Instance
 * Requests"), and a region may still have the older name.
 */
export interface Ec2Quota {
  readonly market: Market;
  readonly names: readonly string[];
}

/**
 * EC2's vCPU quota classes by instance family, on-demand and spot, as the EC2 documentation lists
 * them: https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html (on-demand)
 * and https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html (spot). Every
 * family not listed is Standard (A, C, D, H, I, M, R, T, Z).
 */
const CLASSES: ReadonlyArray<{ readonly families: RegExp; readonly onDemand: readonly string[]; readonly spot: readonly string[] }> = [
  { families: /^(g|gr|vt)\d/, onDemand: ['Running On-Demand G and VT instances'], spot: ['All G and VT Spot Instance Requests'] },
  { families: /^p[5-9]/, onDemand: ['Running On-Demand P instances'], spot: ['All P5 Spot Instance Requests', 'All P Spot Instance Requests'] },
  { families: /^p[2-4]/, onDemand: ['Running On-Demand P instances'], spot: ['All P4, P3 and P2 Spot Instance Requests', 'All P Spot Instance Requests'] },
  { families: /^inf\d/, onDemand: ['Running On-Demand Inf instances'], spot: ['All Inf Spot Instance Requests'] },
  { families: /^trn\d/, onDemand: ['Running On-Demand Trn instances'], spot: ['All Trn Spot Instance Requests'] },
  { families: /^dl\d/, onDemand: ['Running On-Demand DL instances'], spot: ['All DL Spot Instance Requests'] },
  { families: /^f\d/, onDemand: ['Running On-Demand F instances'], spot: ['All F Spot Instance Requests'] },
  { families: /^x\d/, onDemand: ['Running On-Demand X instances'], spot: ['All X Spot Instance Requests'] },
  { families: /^u-/, onDemand: ['Running On-Demand High Memory instances'], spot: [] },
  { families: /^hpc\d/, onDemand: ['Running On-Demand HPC instances'], spot: [] },
];
const STANDARD = {
  onDemand: ['Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances'],
  spot: ['All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests'],
};

/** The vCPU quota an instance of `instanceType` bought as `market` counts against. */
export function ec2QuotaOf(instanceType: string, market: Market): Ec2Quota | undefined {
  const family = instanceFamilyOf(instanceType);
  const quotaClass = CLASSES.find((c) => c.families.test(family)) ?? STANDARD;
  const names = market === 'spot' ? quotaClass.spot : quotaClass.onDemand;
  return names.length > 0 ? { market, names } : undefined;
}
