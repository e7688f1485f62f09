import { CostLine, MonthlyUsd } from '../../lib/foresight/cost-line';
import { EnvironmentCostDiff } from '../../lib/foresight/cost-diff';
import { SavingsPlanAdvice } from '../../lib/foresight/savings-plan-advice';
import { StandbyEstimate } from '../../lib/foresight/standby-cost';
import { SAVINGS_PLAN_ASSUMPTION } from '../../lib/pricing/price-table';
import { EnvironmentCost } from './estimate-environment';

/** How `npm run cost` prints: aligned columns, one block per environment. */

/** `$1,234.56`, `-$12.00`. */
export const usd = (n: number) => n.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
/** `+$1.00`, `-$1.00`, `$0.00`. */
export const signedUsd = (n: number) => (n > 0 ? `+${usd(n)}` : usd(n));
/** A unit price with two to five decimals: `$1.00`, `$0.045`, `$0.01152`. */
const unitPrice = (n: number) => `$${n.toFixed(5).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
const quantity = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const percent = (x: number) => `${Math.round(x * 100)} %`;

/** Rows of cells padded to their column's width: `right[i]` right-aligns column i. */
export function aligned(rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths = right.map((_, i) => Math.max(0, ...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i >= right.length ? cell : right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

const HEADER = ['', 'quantity', 'unit', 'unit price', 'min', 'expected', 'max', ''];
const RIGHT = [false, true, false, true, true, true, true];
const money = (m: MonthlyUsd) => [usd(m.minUsd), usd(m.expectedUsd), usd(m.maxUsd)];

/** The estimate's lines by resource: a row naming the resource (without the environment's prefix), then one row per component. */
function lineRows(env: string, title: string, lines: readonly CostLine[]): string[][] {
  const rows: string[][] = [[`  ${title}`]];
  let resource: string | undefined;
  for (const l of lines) {
    if (l.resource !== resource) rows.push([`    ${l.resource.replace(`${env}/`, '')}`]);
    resource = l.resource;
    rows.push([`      ${l.component}`, quantity(l.quantity), l.unit, unitPrice(l.unitPriceUsd), ...money(l.monthly), l.detail ?? '']);
  }
  return rows;
}

/** Aligns only the rows that have columns; a row of one cell (a title, a resource) is printed as it is. */
function table(rows: readonly string[][]): string[] {
  const full = rows.filter((r) => r.length > 1);
  const out = aligned(full, RIGHT);
  return rows.map((r) => (r.length > 1 ? out[full.indexOf(r)] : r[0]));
}

function budgetLine(env: string, cost: EnvironmentCost): string[] {
  const b = cost.budget;
  if (b.budgetUsd === undefined) return ['  budget: none in the templates'];
  const head = `  budget: ${usd(b.budgetUsd)} a month; expected ${usd(b.expectedUsd)} (${percent(b.expectedUsd / b.budgetUsd)})`;
  const lines = {
    'within': [`${head}: within`],
    'over': [`${head}: OVER BUDGET: lower the estimate, raise budget.monthlyLimitUsd, or acknowledge it with budget.acknowledgeOverrun: { reason } in ${env}'s config`],
    'acknowledged': [`${head}: over, acknowledged in ${env}'s config: "${b.acknowledgedReason}"`],
    'no budget': [],
  }[b.status];
  return b.acknowledgementUnneeded ? [...lines, `  budget.acknowledgeOverrun ("${b.acknowledgedReason}") is no longer needed: remove it from ${env}'s config`] : lines;
}

function savingsPlanLines(env: string, advice: readonly SavingsPlanAdvice[]): string[] {
  if (advice.length === 0) return ['  Savings Plans: nothing runs every hour, no commitment to recommend'];
  const first = advice[0];
  return [
    `  Savings Plans for what runs every hour (${first.termYears}-year, ${first.paymentOption}, ${percent(first.discount)} off On-Demand assumed: --savings-plan-discount):`,
    ...advice.flatMap((a) => [
      `    ${a.planType} Savings Plan: commit $${a.hourlyCommitmentUsd.toFixed(5)} an hour, saves ${usd(a.monthlySavingUsd)} a month; `
        + `worth it while the usage it covers runs at least ${percent(a.breakEvenUtilization)} of the hours`,
      ...a.usage.map((u) => `      ${u.resource.replace(`${env}/`, '')}: ${u.instances} x ${u.instanceType} at ${unitPrice(u.onDemandUsdPerHour)} an hour (${u.why})`),
    ]),
  ];
}

/** The standby Region's rows: its always-on lines, its fleets and its subtotal, which the total includes. */
function standbyRows(env: string, standby: StandbyEstimate): string[][] {
  const pricedAs = standby.pricedAs === standby.region ? '' : ` (at ${standby.pricedAs}'s prices: the table has none for ${standby.region})`;
  return [
    ...lineRows(env, `standby Region ${standby.region}, always on${pricedAs}`, standby.fixed),
    ...lineRows(env, `standby Region ${standby.region}, standing by`, standby.usage),
    [`  standby Region ${standby.region} subtotal (in the total)`, '', '', '', ...money(standby.total), ''],
  ];
}

/** One environment's block: its lines (its standby Region's after them), total, assumptions, budget check, unpriced resources and Savings Plans advice. */
export function renderEnvironment(cost: EnvironmentCost): string[] {
  const e = cost.estimate;
  const rows = [
    [`${e.env}: monthly USD`, ...HEADER.slice(1)],
    ...lineRows(e.env, 'always on', e.fixed),
    ...lineRows(e.env, 'scales with use', e.usage),
    ...(e.standby ? standbyRows(e.env, e.standby) : []),
    ['  total', '', '', '', ...money(e.total), ''],
  ];
  const unpriced = [...e.unpriced, ...(e.standby?.unpriced ?? []).map((item) => `standby ${e.standby?.region}: ${item}`)];
  return [
    ...table(rows),
    `  usage assumed: ${e.assumptions.join('; ')}`,
    ...budgetLine(e.env, cost),
    ...(unpriced.length > 0 ? [`  not priced (add to lib/pricing/price-table.ts): ${unpriced.join('; ')}`] : []),
    ...savingsPlanLines(e.env, cost.savingsPlans),
    '',
  ];
}

/** How to buy what the advice recommends: not through CloudFormation, which has no Savings Plans resource type. */
export const SAVINGS_PLAN_PURCHASE = [
  'Savings Plans cannot be bought through CloudFormation (it has no Savings Plans resource type), so this app cannot deploy one:',
  '  buy it in the Billing and Cost Management console (Savings Plans > Purchase Savings Plans), or with the AWS CLI:',
  `  aws savingsplans describe-savings-plans-offerings --plan-types Compute SageMaker --durations ${SAVINGS_PLAN_ASSUMPTION.termYears * 31_536_000} --payment-options "${SAVINGS_PLAN_ASSUMPTION.paymentOption}"`,
  '  aws savingsplans describe-savings-plans-offering-rates --savings-plan-offering-ids <id> --filters name=instanceType,values=<type> name=region,values=<region>',
  '  aws savingsplans create-savings-plan --savings-plan-offering-id <id> --commitment <USD per hour>',
];

/** The changes against the base, per environment and per line. */
export function renderDiff(base: string, diffs: readonly EnvironmentCostDiff[]): string[] {
  const totals = aligned([
    ['  environment', 'base', 'this', 'change', ''],
    ...diffs.map((d) => [`  ${d.env}`, d.before ? usd(d.before.expectedUsd) : 'not in base', usd(d.after.expectedUsd), signedUsd(d.change.expectedUsd),
      `(min ${signedUsd(d.change.minUsd)}, max ${signedUsd(d.change.maxUsd)})`]),
  ], [false, true, true, true]);
  const lines = diffs.filter((d) => d.lines.length > 0).flatMap((d) => [
    `${d.env}: ${d.lines.length} line(s) changed`,
    ...aligned(d.lines.map((l) => [`  ${l.resource.replace(`${d.env}/`, '')}`, l.component, l.before ? usd(l.before.monthly.expectedUsd) : 'added',
      l.after ? usd(l.after.monthly.expectedUsd) : 'removed', signedUsd(l.change.expectedUsd)]), [false, false, true, true, true]),
  ]);
  return [`Expected monthly cost against the base (${base}):`, ...totals, '', ...(lines.length > 0 ? [...lines, ''] : ['No line changed.', ''])];
}
