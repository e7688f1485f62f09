import { EnvironmentConfig, inferenceServicesOf } from '../../lib/config';
import { BudgetCheck, checkBudget } from '../../lib/foresight/budget-check';
import { CostEstimate, GpuUsage, ServiceFleetUsage, estimateCost } from '../../lib/foresight/cost-model';
import { UsageAssumptions } from '../../lib/foresight/fixed-cost';
import { fleetPrices } from '../../lib/foresight/fleet-prices';
import { ForesightAssumptions, WorkloadSource, runForesight } from '../../lib/foresight/foresight-run';
import { AlwaysOnUsage, SavingsPlanAdvice, adviseSavingsPlans, alwaysOnUsage } from '../../lib/foresight/savings-plan-advice';
import { StackTemplate } from '../../lib/foresight/stack-templates';
import { StandbyEstimate, estimateStandbyCost, standbyPrices } from '../../lib/foresight/standby-cost';
import { fleetFromTemplates } from '../../lib/foresight/template-fleet';
import { RegionPrices } from '../../lib/pricing/price-table';
import { serviceOutputKey } from '../../lib/stacks/service-names';
import { serviceOf } from './options';

/** What `npm run cost` assumes, from its flags. */
export interface CostSettings {
  /** The workload of the expected case. */
  readonly source: WorkloadSource;
  readonly assumptions: ForesightAssumptions;
  readonly prices: RegionPrices;
  /** The Region of `prices` (`--region`): a standby Region the price table lacks is priced at it. */
  readonly region: string;
  readonly usage: UsageAssumptions;
  /** The discount off On-Demand the Savings Plans advice assumes. */
  readonly savingsPlanDiscount: number;
}

/** One environment's estimate, its budget check and its Savings Plans advice. */
export interface EnvironmentCost {
  readonly estimate: CostEstimate;
  readonly budget: BudgetCheck;
  readonly savingsPlans: readonly SavingsPlanAdvice[];
}

const fleetOutput = (name: string) => serviceOutputKey(name, 'AutoScalingGroupName');

/** The services of `names` whose fleet `stacks` hold (a base branch may not have a service yet). */
export function servicesWithFleet(stacks: readonly StackTemplate[], names: readonly string[]): string[] {
  return names.filter((name) => stacks.some((s) => s.template.Outputs?.[fleetOutput(name)] !== undefined));
}

/**
 * The standby Region of `config`, from its stacks (`standbyStacks`), where it has a
 * `secondaryRegion`: its standing cost, with every service's standby fleet whichever services
 * are estimated, and its always-on instances (the endpoint's, where it runs there).
 */
function standbyOf(config: EnvironmentConfig, standbyStacks: readonly StackTemplate[], settings: CostSettings): { estimate: StandbyEstimate; alwaysOn: AlwaysOnUsage[] } | undefined {
  const region = config.secondaryRegion;
  if (region === undefined || standbyStacks.length === 0) return undefined;
  const services = servicesWithFleet(standbyStacks, inferenceServicesOf(config).map(([name]) => name));
  const prices = standbyPrices(region, settings.region, settings.prices);
  const gpu: GpuUsage = { fleets: [], days: settings.assumptions.days, inferenceFleets: services.map((name) => fleetFromTemplates(standbyStacks, fleetOutput(name)).source) };
  return {
    estimate: estimateStandbyCost(region, standbyStacks, services, prices, settings.usage),
    alwaysOn: alwaysOnUsage({ environment: config.name, stacks: standbyStacks }, gpu, prices.prices),
  };
}

/**
 * Estimates the environment `config` from `stacks` (this synth's, or a base's for `--diff`): each
 * of `services` is simulated twice, with the workload and idle, the rest is priced from the
 * templates, with the standing cost of its standby Region from `standbyStacks` where it has one;
 * then the budget check (with the config's acknowledgement) and the Savings Plans advice, which
 * covers the standby's endpoint too: Compute and SageMaker Savings Plans apply to usage in any
 * Region (AWS_DOCS.savingsPlanTypes, https://docs.aws.amazon.com/savingsplans/latest/userguide/plan-types.html).
 */
export function estimateEnvironment(
  config: EnvironmentConfig,
  services: readonly string[],
  stacks: readonly StackTemplate[],
  settings: CostSettings,
  standbyStacks: readonly StackTemplate[] = [],
): EnvironmentCost {
  const { source, assumptions, prices } = settings;
  const policies = [{ name: 'default', stacks }];
  const fleets = services.map((name): ServiceFleetUsage => {
    const service = serviceOf(config, name);
    const expected = runForesight(config.name, policies, service, source, assumptions, prices).policies.default;
    const idle = runForesight(config.name, policies, service, { builtIn: 'idle' }, assumptions, prices).policies.default;
    return { service: name, fleet: expected.fleet, idle: idle.figures, expected: expected.figures, prices: fleetPrices(expected.fleet, prices, assumptions.spotDiscount) };
  });
  // Every service's fleet is inference capacity, estimated here or not: none is priced as training.
  const inferenceFleets = servicesWithFleet(stacks, inferenceServicesOf(config).map(([name]) => name)).map((name) => fleetFromTemplates(stacks, fleetOutput(name)).source);
  const gpu: GpuUsage = { fleets, days: assumptions.days, inferenceFleets };
  const env = { environment: config.name, stacks };
  const standby = standbyOf(config, standbyStacks, settings);
  const estimate = estimateCost(env, gpu, prices, settings.usage, standby?.estimate);
  return {
    estimate,
    budget: checkBudget(estimate, config.budget.acknowledgeOverrun?.reason),
    savingsPlans: adviseSavingsPlans([...alwaysOnUsage(env, gpu, prices), ...(standby?.alwaysOn ?? [])], settings.savingsPlanDiscount),
  };
}
