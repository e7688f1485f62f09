import { PRICE_TABLE, RegionPrices, regionPrices } from '../pricing/price-table';
import { serviceOutputKey } from '../stacks/service-names';
import { sageMakerLines } from './compute-cost';
import { CostLine, HOURS_PER_MONTH, MonthlyUsd, TemplateResource, costLine, launchTemplateGiB, resourcesOf, totalOf } from './cost-line';
import { unpricedTypes } from './cost-model';
import { UsageAssumptions, fixedLines } from './fixed-cost';
import { fleetPrices } from './fleet-prices';
import { StackTemplate } from './stack-templates';
import { fleetFromTemplates } from './template-fleet';

/** What the standby Region of an environment costs a month while it stands by. */
export interface StandbyEstimate {
  /** The standby Region. */
  readonly region: string;
  /** The Region whose prices were used: the standby's, or the report's (`--region`) where the price table has none for it. */
  readonly pricedAs: string;
  /** Always-on resources: NAT gateways and their addresses, load balancers, EFS, keys, alarms, dashboards, the endpoint. */
  readonly fixed: readonly CostLine[];
  /** The standby fleets: nothing while they stand by at MinSize 0, their MaxSize on-demand at worst. */
  readonly usage: readonly CostLine[];
  readonly total: MonthlyUsd;
  /** What its templates hold that the estimate does not price. */
  readonly unpriced: readonly string[];
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

type Props = Record<string, unknown>;

/**
 * The standby fleet of `service`: its MinSize on-demand all month (0 while it stands by) as min
 * and expected, MaxSize of its priciest type on-demand as max, and its root volumes likewise.
 */
function standbyFleetLines(resources: readonly TemplateResource[], stacks: readonly StackTemplate[], service: string, prices: RegionPrices, usage: UsageAssumptions): CostLine[] {
  const fleet = fleetFromTemplates(stacks, serviceOutputKey(service, 'AutoScalingGroupName'));
  const group = resources.find((r) => `${r.stack}/${r.id}` === fleet.source);
  if (!group) throw new Error(`the standby fleet of ${service} (${fleet.source}) is not in the templates`);
  const price = fleetPrices(fleet, prices, usage.spotDiscount);
  const spec = (((group.resource.Properties ?? {}).MixedInstancesPolicy as Props | undefined)?.LaunchTemplate as Props | undefined)?.LaunchTemplateSpecification as Props | undefined;
  const gib = launchTemplateGiB(resources, group, spec?.LaunchTemplateId);
  const sizes = `${fleet.minSize}-${fleet.maxSize} instances`;
  return [
    costLine(group, {
      component: 'on-demand instances',
      detail: `${price.onDemandInstanceType}, ${sizes}, standing by until jobs fail over (max: ${fleet.maxSize} x ${price.ceilingInstanceType} on-demand all month)`,
      quantity: fleet.minSize * HOURS_PER_MONTH, unit: 'instance-hours', unitPriceUsd: price.onDemandUsdPerHour,
      maxUsd: fleet.maxSize * price.ceilingUsdPerHour * HOURS_PER_MONTH,
    }),
    costLine(group, {
      component: 'root volumes',
      detail: `${gib} GiB gp3 each`,
      quantity: fleet.minSize * gib, unit: 'GB-months', unitPriceUsd: prices.ebsGp3UsdPerGbMonth,
      maxUsd: fleet.maxSize * gib * prices.ebsGp3UsdPerGbMonth,
    }),
  ];
}

/**
 * The standing cost of an environment's standby Region for a month, from its synthesized stacks:
 * everything that costs by the hour whether or not a job ever fails over (the always-on lines
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
  const resources = resourcesOf(stacks);
  const unpriced: string[] = [];
  const fixed = [...fixedLines(resources, prices.prices, usage), ...sageMakerLines(resources, prices.prices, unpriced)];
  const usageLines = services.flatMap((service) => standbyFleetLines(resources, stacks, service, prices.prices, usage));
  unpriced.push(...unpricedTypes(resources));
  return { region, pricedAs: prices.region, fixed, usage: usageLines, total: totalOf([...fixed, ...usageLines]), unpriced };
}
