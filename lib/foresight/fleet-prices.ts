import { acceleratedInstanceType } from '../gpu/accelerated-instance-types';
import { RegionPrices, ec2OnDemandUsdPerHour, spotDiscount } from '../pricing/price-table';
import { FleetModel } from './fleet-model';

/** What one hour of the fleet's instances costs, by market, in one Region. */
export interface FleetPrices {
  /** The on-demand type: the first (most preferred) type, which a prioritized on-demand strategy launches. */
  readonly onDemandInstanceType: string;
  readonly onDemandUsdPerHour: number;
  /** The spot type: the cheapest after the assumed discount, which price-capacity-optimized favours. */
  readonly spotInstanceType: string;
  readonly spotUsdPerHour: number;
  /** The most expensive allowed type on-demand: what a month at MaxSize costs at worst. */
  readonly ceilingInstanceType: string;
  readonly ceilingUsdPerHour: number;
  /**
   * Accelerators (GPUs) of one instance (every type is assumed to have as many as the on-demand
   * one); 1 for a CPU type, so a CPU fleet's GPU-hours figures count its instance-hours.
   */
  readonly gpusPerInstance: number;
}

/**
 * Prices the fleet's instance mix from the price table. `spotDiscountOverride` (0-1) replaces
 * the table's per-family spot discount assumption.
 */
export function fleetPrices(fleet: FleetModel, prices: RegionPrices, spotDiscountOverride?: number): FleetPrices {
  const onDemand = fleet.instanceTypes.map((type) => ({ type, usd: ec2OnDemandUsdPerHour(prices, type) }));
  const spot = onDemand
    .map(({ type, usd }) => ({ type, usd: usd * (1 - (spotDiscountOverride ?? spotDiscount(prices, type))) }))
    .reduce((a, b) => (b.usd < a.usd ? b : a));
  const ceiling = onDemand.reduce((a, b) => (b.usd > a.usd ? b : a));
  return {
    onDemandInstanceType: onDemand[0].type,
    onDemandUsdPerHour: onDemand[0].usd,
    spotInstanceType: spot.type,
    spotUsdPerHour: spot.usd,
    ceilingInstanceType: ceiling.type,
    ceilingUsdPerHour: ceiling.usd,
    gpusPerInstance: acceleratedInstanceType(onDemand[0].type)?.accelerators ?? 1,
  };
}
