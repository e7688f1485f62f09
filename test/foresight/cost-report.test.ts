import { checkBudget } from '../../lib/foresight/budget-check';
import { diffEstimates } from '../../lib/foresight/cost-diff';
import { CostLine, totalOf } from '../../lib/foresight/cost-line';
import { CostEstimate } from '../../lib/foresight/cost-model';
import { adviseSavingsPlans } from '../../lib/foresight/savings-plan-advice';
import { SAVINGS_PLAN_PURCHASE, aligned, renderDiff, renderEnvironment } from '../../scripts/foresight/cost-report';
import { EnvironmentCost } from '../../scripts/foresight/estimate-environment';

const line = (resource: string, component: string, quantity: number, unitPriceUsd: number, maxUsd?: number, detail?: string): CostLine => {
  const usd = Math.round(quantity * unitPriceUsd * 100) / 100;
  return { resource, type: 'AWS::Test', component, quantity, unit: 'hours', unitPriceUsd, ...(detail ? { detail } : {}), monthly: { minUsd: 0, expectedUsd: usd, maxUsd: maxUsd ?? usd } };
};
const NAT = line('prod/Network/Network/Vpc/publicSubnet1/NATGateway', 'NAT gateway', 730, 0.045);
const DATA = line('prod/Network/Network/Vpc/publicSubnet1/NATGateway', 'data processed', 50, 0.045);
const FLEET = line('prod/AiInference/Service/Fleet/Group/ASG', 'on-demand instances', 1776.77, 1.006, 8847.6, 'g5.xlarge, 2-10 instances');
const estimate = (budgetUsd: number, usage: CostLine[] = [FLEET]): CostEstimate => {
  const total = totalOf([NAT, DATA, ...usage]);
  return { env: 'prod', budgetUsd, fixed: [NAT, DATA], usage, total, overBudget: total.expectedUsd > budgetUsd, unpriced: [], assumptions: ['NAT 50 GB/month per gateway'] };
};
const cost = (budgetUsd: number, reason?: string): EnvironmentCost => {
  const e = estimate(budgetUsd);
  const savingsPlans = adviseSavingsPlans([{ planType: 'Compute', resource: 'prod/AiInference/Service/Fleet/Group/ASG', why: 'the on-demand base', instanceType: 'g5.xlarge', instances: 2, onDemandUsdPerHour: 1.006 }], 0.25);
  return { estimate: e, budget: checkBudget(e, reason), savingsPlans };
};

describe('renderEnvironment', () => {
  const out = renderEnvironment(cost(40000));

  test('lines up every number under its column title', () => {
    const header = out[0];
    const rows = out.filter((l) => /^ {6}\S.* hours /.test(l));
    expect(rows).toHaveLength(3);
    for (const title of ['quantity', 'unit price', 'min', 'expected', 'max']) {
      const end = header.indexOf(` ${title}`) + title.length + 1;
      for (const row of rows) expect([title, row.slice(end - 1, end + 1)]).toEqual([title, expect.stringMatching(/^\d[ ]?$/)]);
    }
  });

  test('names each resource once by its construct path without the environment, its components below it', () => {
    expect(out.filter((l) => l.includes('Network/Network/Vpc/publicSubnet1/NATGateway'))).toEqual(['    Network/Network/Vpc/publicSubnet1/NATGateway']);
    expect(out.some((l) => /^ {6}NAT gateway +730 +hours +\$0\.045 +\$0\.00 +\$32\.85 +\$32\.85$/.test(l))).toBe(true);
    expect(out.some((l) => /^ {6}on-demand instances +1,776\.77 +hours +\$1\.006 .*\$8,847\.60 +g5\.xlarge, 2-10 instances$/.test(l))).toBe(true);
  });

  test('prints the total, the usage assumed and the budget check', () => {
    expect(out).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ {2}total +\$0\.00 +\$1,822\.53 +\$8,882\.70$/),
      '  usage assumed: NAT 50 GB/month per gateway',
      '  budget: $40,000.00 a month; expected $1,822.53 (5 %): within',
    ]));
  });

  test('an environment above its budget says so, and how to fix it', () => {
    expect(renderEnvironment(cost(800))).toContainEqual(expect.stringMatching(
      /budget: \$800\.00 a month; expected \$1,822\.53 \(228 %\): OVER BUDGET: lower the estimate, raise budget\.monthlyLimitUsd, or acknowledge it with budget\.acknowledgeOverrun: \{ reason \} in prod's config/,
    ));
  });

  test('an acknowledged overrun prints its reason; an acknowledgement without an overrun asks to be removed', () => {
    expect(renderEnvironment(cost(800, 'launch month'))).toContainEqual(expect.stringMatching(/: over, acknowledged in prod's config: "launch month"$/));
    expect(renderEnvironment(cost(40000, 'launch month'))).toContainEqual('  budget.acknowledgeOverrun ("launch month") is no longer needed: remove it from prod\'s config');
  });

  test('recommends the commitment with its saving, its break-even and the usage it covers', () => {
    expect(out).toEqual(expect.arrayContaining([
      '  Savings Plans for what runs every hour (1-year, No Upfront, 25 % off On-Demand assumed: --savings-plan-discount):',
      '    Compute Savings Plan: commit $1.50900 an hour, saves $367.19 a month; worth it while the usage it covers runs at least 75 % of the hours',
      '      AiInference/Service/Fleet/Group/ASG: 2 x g5.xlarge at $1.006 an hour (the on-demand base)',
    ]));
  });

  test('says when nothing runs every hour', () => {
    expect(renderEnvironment({ ...cost(40000), savingsPlans: [] })).toContain('  Savings Plans: nothing runs every hour, no commitment to recommend');
  });
});

test('the purchase note says CloudFormation cannot buy a Savings Plan, and how to buy one', () => {
  expect(SAVINGS_PLAN_PURCHASE.join('\n')).toMatch(/cannot be bought through CloudFormation[\s\S]*Billing and Cost Management console[\s\S]*aws savingsplans create-savings-plan --savings-plan-offering-id <id> --commitment <USD per hour>/);
});

describe('renderDiff', () => {
  test('prints each environment\'s total against the base, then each changed line', () => {
    const more = line('prod/AiInference/ServiceSummarizer/Fleet/Group/ASG', 'on-demand instances', 730, 1.006);
    const out = renderDiff('base.out', [diffEstimates(estimate(40000), estimate(40000, [FLEET, more]))]);
    expect(out).toEqual([
      'Expected monthly cost against the base (base.out):',
      '  environment       base       this    change',
      '  prod         $1,822.53  $2,556.91  +$734.38  (min $0.00, max +$734.38)',
      '',
      'prod: 1 line(s) changed',
      '  AiInference/ServiceSummarizer/Fleet/Group/ASG  on-demand instances  added  $734.38  +$734.38',
      '',
    ]);
  });

  test('says when no line changed', () => {
    expect(renderDiff('base.out', [diffEstimates(estimate(40000), estimate(40000))])).toContain('No line changed.');
  });
});

test('aligned pads text columns on the right and number columns on the left', () => {
  expect(aligned([['a', '1'], ['bbb', '22']], [false, true])).toEqual(['a     1', 'bbb  22']);
});
