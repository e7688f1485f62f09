/**
 * npm run cost -- [--env <env>] [--service <service>] [--workload office-hours] [--json]
 *
 * Monthly USD per environment: fixed costs from the synthesized templates plus each inference
 * service's GPU fleet usage from a simulated week, as min / expected / max against the environment's budget (see
 * README "Foresight: simulate and cost").
 */
import { CostEstimate, estimateCost } from '../lib/foresight/cost-model';
import { inferenceServicesOf } from '../lib/config';
import { runForesight } from '../lib/foresight/foresight-run';
import { fleetFromTemplates } from '../lib/foresight/template-fleet';
import { serviceOutputKey } from '../lib/stacks/service-names';
import { PRICE_TABLE, regionPrices } from '../lib/pricing/price-table';
import { EXIT_OK, ParsedCommandLine, runMain } from './cli';
import { COMMON_HELP, COMMON_OPTIONS, assumptionsOf, environmentsOf, numberFlag, selectionOf, workloadOf } from './foresight/options';

const HELP = `usage: npm run cost -- [flags]
  (--service leaves the other services' fleets out of an environment's usage and total)
  --nat-gb-per-month <n>  GB through each NAT gateway a month (default: 50)
  --alb-lcu <n>           average load balancer capacity units (default: 1)
  --efs-gb <n>            GB stored in each EFS file system (default: 20)
${COMMON_HELP}
Exit 0: estimated (a warning where an environment is expected above its budget). 1: an error. 2: usage.`;

const usd = (n: number) => `$${n.toFixed(2)}`.padStart(12);

function print(estimate: CostEstimate): void {
  console.log(`${estimate.env}: monthly USD${' '.repeat(48)}${'min'.padStart(12)}${'expected'.padStart(12)}${'max'.padStart(12)}`);
  for (const [title, lines] of [['fixed', estimate.fixed], ['usage', estimate.usage]] as const) {
    console.log(`  ${title}`);
    for (const l of lines) console.log(`    ${l.item.slice(0, 64).padEnd(64)}${usd(l.minUsd)}${usd(l.expectedUsd)}${usd(l.maxUsd)}`);
  }
  const t = estimate.total;
  console.log(`  ${'total'.padEnd(66)}${usd(t.minUsd)}${usd(t.expectedUsd)}${usd(t.maxUsd)}`);
  console.log(`  budget ${estimate.budgetUsd === undefined ? 'none in the templates' : usd(estimate.budgetUsd).trim()}`);
  if (estimate.unpriced.length > 0) console.log(`  not priced (add to lib/pricing/price-table.ts): ${estimate.unpriced.join('; ')}`);
  console.log('');
}

/** The command line: its name, usage and flags. */
export const COST_COMMAND_LINE = {
  name: 'cost',
  usage: HELP,
  options: { ...COMMON_OPTIONS, 'nat-gb-per-month': { type: 'string', default: '50' }, 'alb-lcu': { type: 'string', default: '1' }, 'efs-gb': { type: 'string', default: '20' } },
} as const;

/** The command, run with its parsed command line; returns the exit code. */
export const cost = ({ values }: ParsedCommandLine<typeof COST_COMMAND_LINE.options>): number => {
  const assumptions = assumptionsOf(values);
  const prices = regionPrices(values.region);
  const usage = {
    natGbPerMonth: numberFlag(values, 'nat-gb-per-month', 0)!,
    albLcu: numberFlag(values, 'alb-lcu', 0)!,
    efsGb: numberFlag(values, 'efs-gb', 0)!,
    spotDiscount: assumptions.spotDiscount,
  };
  const source = workloadOf(values, 'office-hours');
  const selection = selectionOf(values);
  const estimates = environmentsOf(values, selection).map(({ config, services, assembly }) => {
    const fleets = services.map((service) => {
      const expected = runForesight(assembly, config, service, source, assumptions, prices, false).policies.default;
      const idle = runForesight(assembly, config, service, { builtIn: 'idle' }, assumptions, prices, false).policies.default;
      return { service, fleet: expected.fleet, idle: idle.figures, expected: expected.figures };
    });
    const inferenceFleets = inferenceServicesOf(config).map(([service]) => fleetFromTemplates(assembly.stacks, serviceOutputKey(service, 'AutoScalingGroupName')).source);
    return estimateCost(assembly, { fleets, days: assumptions.days, inferenceFleets }, prices, usage);
  });
  if (values.json) {
    console.log(JSON.stringify({ priceTable: { asOf: PRICE_TABLE.asOf, region: values.region }, environments: estimates }, null, 2));
  } else {
    console.log(`prices: ${values.region}, price table of ${PRICE_TABLE.asOf} (lib/pricing/price-table.ts)\n`);
    estimates.forEach(print);
  }
  for (const e of estimates.filter((x) => x.overBudget)) {
    console.error(`warning: ${e.env} is expected to cost ${e.total.expectedUsd.toFixed(2)} USD a month, above its budget of ${e.budgetUsd} USD`);
  }
  return EXIT_OK;
};

if (require.main === module) runMain(COST_COMMAND_LINE, cost);
