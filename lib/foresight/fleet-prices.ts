import { acceleratedInstanceType } from '../gpu/accelerated-instance-types';
import { RegionPrices, spotDiscount } from '../pricing/price-table';
import { FleetModel } from './fleet-model';

/** What one hour of the fleet's instances costs, by market. */
export interface FleetPrices {
  /** The on-demand type: the first (most preferred) type, which a prioritized on-demand strategy launches. */
  readonly onDemandInstanceType: string;
  readonly onDemandUsdPerHour: number;
  /** The spot type: the cheapest after the assumed discount, which price-capacity-optimized favours. */
  readonly spotInstanceType: string;
  readonly spotUsdPerHour: number;
  /** Accelerators (GPUs) of one instance (both types are assumed to have as many as the on-demand one). */
  readonly gpusPerInstance: number;
}

function catalogEntry(instanceType: string) {
  const entry = acceleratedInstanceType(instanceType);
  if (!entry) throw new Error(`${instanceType} is not in the accelerated instance catalog (lib/gpu): no on-demand price`);
  return entry;
}

/**
 * Prices the fleet's instance mix. `spotDiscountOverride` (0-1) replaces the table's per-family
 * spot discount assumption.
 */
export function fleetPrices(fleet: FleetModel, prices: RegionPrices, spotDiscountOverride?: number): FleetPrices {
  const onDemandInstanceType = fleet.instanceTypes[0];
  const spot = fleet.instanceTypes
    .map((type) => ({ type, usd: catalogEntry(type).onDemandUsdPerHour * (1 - (spotDiscountOverride ?? spotDiscount(prices, type))) }))
    .sort((a, b) => a.usd - b.usd)[0];
  const onDemand = catalogEntry(onDemandInstanceType);
  return {
    onDemandInstanceType,
    onDemandUsdPerHour: onDemand.onDemandUsdPerHour,
    spotInstanceType: spot.type,
    spotUsdPerHour: spot.usd,
    gpusPerInstance: onDemand.accelerators,
  };
}
