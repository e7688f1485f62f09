import { PRICE_TABLE, RegionPrices, regionPrices } from '../pricing/price-table';
import { serviceOutputKey } from '../stacks/service-names';
import { CostLine, HOURS_PER_MONTH, Resources, UsageAssumptions, launchTemplateGiB, line, round, sageMakerLines } from './compute-cost';
import { fixedLines, unpricedTypes } from './cost-model';
import { FleetModel } from './fleet-model';
import { fleetPrices } from './fleet-prices';
import { StackTemplate } from './stack-templates';
import { fleetFromTemplates } from './template-fleet';

/** One inference service's fleet in the standby Region, as its template has it. */
interface StandbyFleet {
  readonly service: string;
  readonly fleet: FleetModel;
}

/** The prices a standby Region is estimated at, and the Region they are of. */
export interface StandbyPrices {
  readonly region: string;
  readonly prices: RegionPrices;
}

/**
 * The standby Region's own prices, or `fallbackRegion`'s (the cost report's `--region`) where
 * the price table has none for it: the estimate says which (`pricedAs`).
 */
export function standbyPrices(standbyRegion: string, fallbackRegion: string, fallbackPrices: RegionPrices): StandbyPrices {
  return Object.prototype.hasOwnProperty.call(PRICE_TABLE, standbyRegion)
    ? { region: standbyRegion, prices: regionPrices(standbyRegion) }
    : { region: fallbackRegion, prices: fallbackPrices };
}

/** What the standby Region of an environment costs a month while it stands by. */
export interface StandbyEstimate {
  /** The standby Region. */
  readonly region: string;
  /** The Region whose prices were used: the standby's, or `--region`'s where the price table has none for it. */
  readonly pricedAs: string;
  /** Always-on resources: NAT gateways and their addresses, load balancers, EFS, keys, alarms, dashboards, the endpoint. */
  readonly fixed: readonly CostLine[];
  /** The standby fleets: nothing while they stand by at MinSize 0, their MaxSize on-demand at worst. */
  readonly usage: readonly CostLine[];
  readonly total: { readonly minUsd: number; readonly expectedUsd: number; readonly maxUsd: number };
  /** What its templates hold that the estimate does not price. */
  readonly unpriced: readonly string[];
}

/** A standby fleet: its MinSize on-demand all month (0 while it stands by) as min and expected, MaxSize of its priciest type on-demand as max, and its root volumes. */
function standbyFleetLines(resources: Resources, { service, fleet }: StandbyFleet, prices: RegionPrices, usage: UsageAssumptions): CostLine[] {
  const { onDemandUsdPerHour, ceilingInstanceType, ceilingUsdPerHour } = fleetPrices(fleet, prices, usage.spotDiscount);
  const asg = resources.find(([id]) => fleet.source.endsWith(`/${id}`))?.[1].Properties ?? {};
  const spec = ((asg.MixedInstancesPolicy as Record<string, unknown> | undefined)?.LaunchTemplate as Record<string, unknown> | undefined)?.LaunchTemplateSpecification as Record<string, unknown> | undefined;
  const gib = launchTemplateGiB(resources, spec?.LaunchTemplateId);
  const floor = fleet.minSize * onDemandUsdPerHour * HOURS_PER_MONTH;
  const floorVolumes = fleet.minSize * gib * prices.ebsGp3UsdPerGbMonth;
  return [
    line(`standby GPU fleet of ${service}: ${fleet.minSize}-${fleet.maxSize} x ${fleet.instanceTypes.join('|')}, idle until jobs fail over (max: ${ceilingInstanceType} on-demand)`,
      floor, floor, fleet.maxSize * ceilingUsdPerHour * HOURS_PER_MONTH),
    line(`standby GPU fleet of ${service}: root volumes, ${gib} GiB gp3 each`, floorVolumes, floorVolumes, fleet.maxSize * gib * prices.ebsGp3UsdPerGbMonth),
  ];
}

/**
 * The standing cost of an environment's standby Region for a month, from its synthesized stacks:
 * everything that costs by the hour whether or not a job ever fails over (the fixed lines
 * `npm run cost` prices in the primary, the SageMaker endpoint where it runs there too), and the
 * fleets of `services` (found by their AutoScalingGroupName outputs), which cost nothing at
 * MinSize 0 and, at worst, their MaxSize on-demand all month.
 */
export function estimateStandbyCost(
  region: string,
  stacks: readonly StackTemplate[],
  services: readonly string[],
  prices: StandbyPrices,
  usage: UsageAssumptions,
): StandbyEstimate {
  const resources: Resources = stacks.flatMap((s) => Object.entries(s.template.Resources ?? {}));
  const fleets = services.map((service): StandbyFleet => ({ service, fleet: fleetFromTemplates(stacks, serviceOutputKey(service, 'AutoScalingGroupName')) }));
  const unpriced: string[] = [];
  const fixed = [...fixedLines(resources, prices.prices, usage), ...sageMakerLines(resources, prices.prices, unpriced)];
  const usageLines = fleets.flatMap((fleet) => standbyFleetLines(resources, fleet, prices.prices, usage));
  unpriced.push(...unpricedTypes(resources));
  const sum = (key: keyof Omit<CostLine, 'item'>) => round([...fixed, ...usageLines].reduce((n, l) => n + l[key], 0));
  return { region, pricedAs: prices.region, fixed, usage: usageLines, total: { minUsd: sum('minUsd'), expectedUsd: sum('expectedUsd'), maxUsd: sum('maxUsd') }, unpriced };
}
