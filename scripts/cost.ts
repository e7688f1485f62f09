/**
 * npm run cost -- [--env dev] [--service default] [--workload office-hours] [--region eu-central-1] [--diff base.out] [--json]
 *
 * Monthly USD per environment, resource by resource: fixed costs from the synthesized templates
 * plus each inference service's GPU fleet usage from a simulated week, as min / expected / max,
 * checked against the environment's budget, with the usage assumed and the Savings Plans that
 * would cover what runs every hour (see docs/foresight.md), and the standing cost of its standby
 * Region where it has one (docs/multi-region.md).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { diffEstimates } from '../lib/foresight/cost-diff';
import { environmentStacks } from '../lib/foresight/stack-templates';
import { PRICE_SOURCES, SAVINGS_PLAN_ASSUMPTION } from '../lib/pricing/price-table';
import { EXIT_OK, ParsedCommandLine, UsageError, runMain } from './cli';
import { writeCostChart } from './foresight/cost-chart-file';
import { SAVINGS_PLAN_PURCHASE, renderDiff, renderEnvironment, usd } from './foresight/cost-report';
import { CostSettings, EnvironmentCost, estimateEnvironment, servicesWithFleet } from './foresight/estimate-environment';
import { COMMON_HELP, COMMON_OPTIONS, assumptionsOf, environmentsOf, numberFlag, pricesOf, workloadOf } from './foresight/options';

/** An environment is expected to cost more than its budget, and its config does not acknowledge it. */
export const EXIT_OVER_BUDGET = 3;

const HELP = `usage: npm run cost -- [flags]
Estimates each environment's monthly cost resource by resource, checks it against the environment's
budget and recommends Savings Plans for what runs every hour.
  (--service leaves the other services' fleets out of an environment's usage and total;
   an environment with a secondaryRegion adds its standby Region's standing cost, every service's)
  --diff <dir>            compare with a base's cloud assembly, synthesized the way this run reads
                          its own: \`npx cdk synth --app 'npx tsx scripts/foresight/published-app.ts' -o <dir>\`
                          on the base, or \`npx cdk synth -o <dir>\` when you pass --assembly
  --savings-plan-discount <0-1>  discount off On-Demand of a ${SAVINGS_PLAN_ASSUMPTION.termYears}-year ${SAVINGS_PLAN_ASSUMPTION.paymentOption} Savings Plan
                          (default: ${SAVINGS_PLAN_ASSUMPTION.discount}, an assumption: lib/pricing/price-table.ts)
  --nat-gb-per-month <n>  GB through each NAT gateway a month (default: 50)
  --alb-lcu <n>           average load balancer capacity units (default: 1)
  --efs-gb <n>            GB stored in each EFS file system (default: 20)
  --eks-nodes <n>         nodes the EKS CPU node pool keeps for the platform's pods (default: 1)
  --chart <file.svg>      also write a bar chart of each environment's monthly min / expected / max against its budget
${COMMON_HELP}
Exit 0: estimated, every environment within its budget (or its overrun acknowledged in its config:
budget.acknowledgeOverrun). 1: an error. 2: usage. 3: an environment is expected above its budget.`;

/** The command line: its name, usage and flags. */
export const COST_COMMAND_LINE = {
  name: 'cost',
  usage: HELP,
  options: {
    ...COMMON_OPTIONS,
    diff: { type: 'string' },
    'savings-plan-discount': { type: 'string', default: String(SAVINGS_PLAN_ASSUMPTION.discount) },
    'nat-gb-per-month': { type: 'string', default: '50' },
    'alb-lcu': { type: 'string', default: '1' },
    'efs-gb': { type: 'string', default: '20' },
    'eks-nodes': { type: 'string', default: '1' },
    chart: { type: 'string' },
  },
} as const;

type Values = ParsedCommandLine<typeof COST_COMMAND_LINE.options>['values'];

/** The base assembly of --diff, checked before anything is synthesized. */
function baseAssemblyOf(values: Values): CloudAssembly | undefined {
  if (values.diff === undefined) return undefined;
  if (!existsSync(resolve(values.diff, 'manifest.json'))) {
    throw new UsageError(`--diff ${values.diff}: no cloud assembly there (no manifest.json): synthesize the base into it first`);
  }
  return new CloudAssembly(resolve(values.diff));
}

/** Every flag of the estimate, checked before anything is synthesized. */
export function costSettingsOf(values: Values): CostSettings {
  const assumptions = assumptionsOf(values);
  return {
    source: workloadOf(values, 'office-hours'),
    assumptions,
    prices: pricesOf(values),
    region: values.region,
    usage: {
      natGbPerMonth: numberFlag(values, 'nat-gb-per-month', 0)!,
      albLcu: numberFlag(values, 'alb-lcu', 0)!,
      efsGb: numberFlag(values, 'efs-gb', 0)!,
      eksCpuNodes: numberFlag(values, 'eks-nodes', 0, Number.POSITIVE_INFINITY, true)!,
      spotDiscount: assumptions.spotDiscount,
    },
    savingsPlanDiscount: numberFlag(values, 'savings-plan-discount', 0, 1)!,
  };
}

/** The command, run with its parsed command line; returns the exit code. */
export const cost = ({ values }: ParsedCommandLine<typeof COST_COMMAND_LINE.options>): number => {
  const settings = costSettingsOf(values);
  const base = baseAssemblyOf(values);
  const costs: EnvironmentCost[] = [];
  const diffs = environmentsOf(COST_COMMAND_LINE.name, values, ['default']).map(({ config, services, policies, standbyStacks }) => {
    const here = estimateEnvironment(config, services, policies[0].stacks, settings, standbyStacks);
    costs.push(here);
    if (!base) return undefined;
    const baseEnv = base.nestedAssemblies.some((n) => n.displayName === config.name) ? environmentStacks(base, config.name) : undefined;
    const baseEstimate = baseEnv && estimateEnvironment(config, servicesWithFleet(baseEnv.stacks, services), baseEnv.stacks, settings, baseEnv.standbyStacks).estimate;
    return diffEstimates(baseEstimate, here.estimate);
  }).filter((d) => d !== undefined);
  const { prices } = settings;
  if (values.chart) writeCostChart(values.chart, costs.map((c) => c.estimate), { region: values.region, asOf: prices.asOf, workload: settings.source, days: settings.assumptions.days });
  if (values.json) {
    console.log(JSON.stringify({
      priceTable: { region: values.region, asOf: prices.asOf, sources: PRICE_SOURCES, savingsPlans: SAVINGS_PLAN_ASSUMPTION },
      environments: costs.map(({ estimate, budget, savingsPlans }) => ({ ...estimate, budget, savingsPlans })),
      ...(base ? { diff: diffs } : {}),
    }, null, 2));
  } else {
    console.log(`prices: ${values.region}, entered ${prices.asOf} from AWS's price pages (lib/pricing/price-table.ts)\n`);
    if (base) renderDiff(values.diff!, diffs).forEach((line) => console.log(line));
    costs.flatMap(renderEnvironment).forEach((line) => console.log(line));
    if (costs.some((c) => c.savingsPlans.length > 0)) SAVINGS_PLAN_PURCHASE.forEach((line) => console.log(line));
  }
  const over = costs.filter((c) => c.budget.status === 'over');
  for (const { budget, estimate } of over) {
    console.error(`cost: ${estimate.env} is expected to cost ${usd(budget.expectedUsd)} a month, above its budget of ${usd(budget.budgetUsd!)}: `
      + `lower the estimate, raise budget.monthlyLimitUsd, or set budget.acknowledgeOverrun: { reason } in ${estimate.env}'s config`);
  }
  return over.length > 0 ? EXIT_OVER_BUDGET : EXIT_OK;
};

if (require.main === module) runMain(COST_COMMAND_LINE, cost);
