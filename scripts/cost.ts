/**
 * npm run cost -- [--env dev] [--service default] [--workload office-hours] [--region eu-central-1] [--json]
 *
 * Monthly USD per environment: fixed costs from the synthesized templates plus each inference
 * service's GPU fleet usage from a simulated week, as min / expected / max against the
 * environment's budget, with the usage assumed (see README "Foresight: simulate and cost"), and
 * the standing cost of its standby Region where it has one (README "Failover to a second Region").
 */
import { inferenceServicesOf } from '../lib/config';
import { estimateCost } from '../lib/foresight/cost-model';
import { fleetPrices } from '../lib/foresight/fleet-prices';
import { runForesight } from '../lib/foresight/foresight-run';
import { fleetFromTemplates } from '../lib/foresight/template-fleet';
import { estimateStandbyCost, standbyPrices } from '../lib/foresight/standby-cost';
import { PRICE_SOURCES } from '../lib/pricing/price-table';
import { serviceOutputKey } from '../lib/stacks/service-names';
import { EXIT_OK, ParsedCommandLine, runMain } from './cli';
import { costReport } from './foresight/cost-report';
import { COMMON_HELP, COMMON_OPTIONS, assumptionsOf, environmentsOf, numberFlag, pricesOf, serviceOf, workloadOf } from './foresight/options';

const HELP = `usage: npm run cost -- [flags]
  (--service leaves the other services' fleets out of an environment's usage and total;
   an environment with a secondaryRegion adds its standby Region's standing cost, all services)
  --nat-gb-per-month <n>  GB through each NAT gateway a month (default: 50)
  --alb-lcu <n>           average load balancer capacity units (default: 1)
  --efs-gb <n>            GB stored in each EFS file system (default: 20)
  --eks-nodes <n>         nodes the EKS CPU node pool keeps for the platform's pods (default: 1)
${COMMON_HELP}
Exit 0: estimated (a warning where an environment is expected above its budget). 1: an error. 2: usage.`;

/** The command line: its name, usage and flags. */
export const COST_COMMAND_LINE = {
  name: 'cost',
  usage: HELP,
  options: {
    ...COMMON_OPTIONS,
    'nat-gb-per-month': { type: 'string', default: '50' },
    'alb-lcu': { type: 'string', default: '1' },
    'efs-gb': { type: 'string', default: '20' },
    'eks-nodes': { type: 'string', default: '1' },
  },
} as const;

/** The command, run with its parsed command line; returns the exit code. */
export const cost = ({ values }: ParsedCommandLine<typeof COST_COMMAND_LINE.options>): number => {
  const assumptions = assumptionsOf(values);
  const prices = pricesOf(values);
  const usage = {
    natGbPerMonth: numberFlag(values, 'nat-gb-per-month', 0)!,
    albLcu: numberFlag(values, 'alb-lcu', 0)!,
    efsGb: numberFlag(values, 'efs-gb', 0)!,
    eksCpuNodes: numberFlag(values, 'eks-nodes', 0, Number.POSITIVE_INFINITY, true)!,
    spotDiscount: assumptions.spotDiscount,
  };
  const source = workloadOf(values, 'office-hours');
  const estimates = environmentsOf(values, ['default']).map(({ config, services, policies, standbyStacks }) => {
    const fleets = services.map((name) => {
      const service = serviceOf(config, name);
      const expected = runForesight(config.name, policies, service, source, assumptions, prices).policies.default;
      const idle = runForesight(config.name, policies, service, { builtIn: 'idle' }, assumptions, prices).policies.default;
      return { service: name, fleet: expected.fleet, idle: idle.figures, expected: expected.figures, prices: fleetPrices(expected.fleet, prices, assumptions.spotDiscount) };
    });
    const stacks = policies[0].stacks;
    // Every service's fleet is inference capacity, estimated here or not: none is priced as training.
    const inferenceFleets = inferenceServicesOf(config).map(([name]) => fleetFromTemplates(stacks, serviceOutputKey(name, 'AutoScalingGroupName')).source);
    // The standby Region stands by for every service, estimated here or not.
    const standby = config.secondaryRegion === undefined ? undefined
      : estimateStandbyCost(config.secondaryRegion, standbyStacks, inferenceServicesOf(config).map(([name]) => name), standbyPrices(config.secondaryRegion, values.region, prices), usage);
    return estimateCost({ environment: config.name, stacks }, { fleets, days: assumptions.days, inferenceFleets }, prices, usage, standby);
  });
  if (values.json) {
    console.log(JSON.stringify({ priceTable: { region: values.region, asOf: prices.asOf, sources: PRICE_SOURCES }, environments: estimates }, null, 2));
  } else {
    console.log(`prices: ${values.region}, entered ${prices.asOf} from AWS's price pages (lib/pricing/price-table.ts)\n`);
    for (const estimate of estimates) console.log(`${costReport(estimate).join('\n')}\n`);
  }
  for (const e of estimates.filter((x) => x.overBudget)) {
    console.error(`warning: ${e.env} is expected to cost ${e.total.expectedUsd.toFixed(2)} USD a month, above its budget of ${e.budgetUsd} USD`);
  }
  return EXIT_OK;
};

if (require.main === module) runMain(COST_COMMAND_LINE, cost);
