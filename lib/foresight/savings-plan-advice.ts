import { RegionPrices, SAVINGS_PLAN_ASSUMPTION, ec2OnDemandUsdPerHour, sageMakerUsdPerHour } from '../pricing/price-table';
import { sageMakerVariants, trainingGroups } from './compute-cost';
import { HOURS_PER_MONTH, priceOrUndefined, resourceName, resourcesOf, round } from './cost-line';
import { GpuUsage } from './cost-model';
import { SIMULATION_START_EPOCH_SECONDS } from './foresight-run';
import { HourlyUsage, billHour } from './savings-plan-billing';
import { groupLimits } from './scheduled-actions';
import { wantedOnDemand } from './spot';
import { EnvironmentStacks } from './stack-templates';

/** The Savings Plan that covers the usage (AWS_DOCS.savingsPlanTypes): EC2 instances, or SageMaker instances. */
export type SavingsPlanType = 'Compute' | 'SageMaker';

/** Instances that run every hour of the month, whatever the workload. */
export interface AlwaysOnUsage {
  readonly planType: SavingsPlanType;
  /** The resource's construct path. */
  readonly resource: string;
  /** Why they never stop, e.g. `the on-demand part of the fleet's lowest MinSize (2)`. */
  readonly why: string;
  readonly instanceType: string;
  readonly instances: number;
  /** On-Demand USD per hour of one instance. */
  readonly onDemandUsdPerHour: number;
}

/** The Savings Plan commitment that covers one plan type's always-on usage. */
export interface SavingsPlanAdvice {
  readonly planType: SavingsPlanType;
  readonly usage: readonly AlwaysOnUsage[];
  /** The assumed discount off On-Demand (SAVINGS_PLAN_ASSUMPTION, or --savings-plan-discount). */
  readonly discount: number;
  readonly termYears: number;
  readonly paymentOption: string;
  /** The always-on usage of an hour at On-Demand rates. */
  readonly onDemandUsdPerHour: number;
  /**
   * The commitment to buy: the always-on usage of an hour at Savings Plans rates (a commitment
   * is stated at those rates, AWS_DOCS.savingsPlansPurchase), rounded down to the five decimals
   * CreateSavingsPlan takes (AWS_DOCS.createSavingsPlan), so it never exceeds the usage.
   */
  readonly hourlyCommitmentUsd: number;
  /** What the commitment saves in a month of 730 hours against On-Demand, every hour billed as AWS bills it (savings-plan-billing.ts). */
  readonly monthlySavingUsd: number;
  /**
   * The share of the term's hours the covered usage must run for the plan to cost no more than
   * On-Demand: the commitment is billed every hour, the usage saves only while it runs.
   */
  readonly breakEvenUtilization: number;
}

/** Below this, CreateSavingsPlan takes no commitment (AWS_DOCS.createSavingsPlan). */
const MIN_COMMITMENT_USD = 0.001;

/**
 * The environment's always-on instances: each inference fleet's on-demand instances at its lowest
 * MinSize over the simulated days (its spot instances are left out: the advice covers On-Demand
 * usage), the training groups' kept nodes, and each SageMaker variant's minimum instances. EKS
 * Auto Mode nodes are left out too: how many the CPU pool keeps is an assumption (`--eks-nodes`),
 * not a floor the templates set.
 */
export function alwaysOnUsage(env: EnvironmentStacks, gpu: GpuUsage, prices: RegionPrices): AlwaysOnUsage[] {
  const resources = resourcesOf(env.stacks);
  const nameOf = (source: string) => {
    const r = resources.find((x) => `${x.stack}/${x.id}` === source);
    return r ? resourceName(r) : source;
  };
  const fleets = gpu.fleets.flatMap(({ fleet, prices: fleetPrice }): AlwaysOnUsage[] => {
    const lowestMinSize = Math.min(...groupLimits(fleet, SIMULATION_START_EPOCH_SECONDS, gpu.days * 1440).minSize);
    const instances = wantedOnDemand(lowestMinSize, fleet);
    const why = `on-demand part of the fleet's lowest MinSize (${lowestMinSize}) over the simulated days`;
    return instances > 0
      ? [{ planType: 'Compute', resource: nameOf(fleet.source), why, instanceType: fleetPrice.onDemandInstanceType, instances, onDemandUsdPerHour: fleetPrice.onDemandUsdPerHour }]
      : [];
  });
  const training = trainingGroups(resources, gpu.inferenceFleets, prices, []).filter((g) => g.kept > 0).map((g): AlwaysOnUsage => ({
    planType: 'Compute', resource: resourceName(g.group), why: 'nodes the training cluster keeps idle', instanceType: g.instanceType, instances: g.kept,
    onDemandUsdPerHour: ec2OnDemandUsdPerHour(prices, g.instanceType),
  }));
  const endpoints = sageMakerVariants(resources).flatMap((v): AlwaysOnUsage[] => {
    const usd = priceOrUndefined(() => sageMakerUsdPerHour(prices, v.instanceType));
    return usd === undefined || v.minInstances === 0 ? [] : [{
      planType: 'SageMaker', resource: `${resourceName(v.config)} (variant ${v.name})`, why: 'the variant\'s minimum instances', instanceType: v.instanceType,
      instances: v.minInstances, onDemandUsdPerHour: usd,
    }];
  });
  return [...fleets, ...training, ...endpoints];
}

/** The advice of one plan type, for `usage` running every hour, at `discount` off On-Demand. */
function adviceOf(planType: SavingsPlanType, usage: readonly AlwaysOnUsage[], discount: number): SavingsPlanAdvice | undefined {
  const hour: HourlyUsage[] = usage.map((u) => ({
    name: `${u.resource} ${u.instanceType}`, units: u.instances, onDemandRateUsd: u.onDemandUsdPerHour, savingsPlanRateUsd: u.onDemandUsdPerHour * (1 - discount),
  }));
  const onDemandUsdPerHour = billHour(0, hour).totalUsd;
  const hourlyCommitmentUsd = Math.floor(hour.reduce((n, u) => n + u.units * u.savingsPlanRateUsd, 0) * 1e5) / 1e5;
  if (hourlyCommitmentUsd < MIN_COMMITMENT_USD) return undefined;
  return {
    planType,
    usage,
    discount,
    termYears: SAVINGS_PLAN_ASSUMPTION.termYears,
    paymentOption: SAVINGS_PLAN_ASSUMPTION.paymentOption,
    onDemandUsdPerHour: round(onDemandUsdPerHour, 5),
    hourlyCommitmentUsd,
    monthlySavingUsd: round((onDemandUsdPerHour - billHour(hourlyCommitmentUsd, hour).totalUsd) * HOURS_PER_MONTH),
    breakEvenUtilization: round(hourlyCommitmentUsd / onDemandUsdPerHour, 4),
  };
}

/** One commitment per plan type that has always-on usage, at `discount` (default: SAVINGS_PLAN_ASSUMPTION's). */
export function adviseSavingsPlans(usage: readonly AlwaysOnUsage[], discount: number = SAVINGS_PLAN_ASSUMPTION.discount): SavingsPlanAdvice[] {
  return (['Compute', 'SageMaker'] as const).flatMap((type) => {
    const advice = adviceOf(type, usage.filter((u) => u.planType === type), discount);
    return advice ? [advice] : [];
  });
}
