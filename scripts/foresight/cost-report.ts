import { CostLine } from '../../lib/foresight/compute-cost';
import { CostEstimate } from '../../lib/foresight/cost-model';

const usd = (n: number) => `$${n.toFixed(2)}`.padStart(12);
const row = (item: string, l: Omit<CostLine, 'item'>) => `${item}${usd(l.minUsd)}${usd(l.expectedUsd)}${usd(l.maxUsd)}`;

/**
 * The text of one environment's estimate, as `npm run cost` prints it: fixed and usage lines,
 * then, where the environment has a standby Region, that Region's fixed and usage lines and its
 * subtotal (in the total), the total, the assumptions, the budget and what is not priced.
 */
export function costReport(estimate: CostEstimate): string[] {
  const lines = [`${estimate.env}: monthly USD${' '.repeat(48)}${'min'.padStart(12)}${'expected'.padStart(12)}${'max'.padStart(12)}`];
  const { standby } = estimate;
  const sections: [string, readonly CostLine[]][] = [['fixed', estimate.fixed], ['usage', estimate.usage]];
  if (standby) {
    const pricedAs = standby.pricedAs === standby.region ? '' : ` (at ${standby.pricedAs}'s prices: the table has none for ${standby.region})`;
    sections.push([`standby ${standby.region}, fixed${pricedAs}`, standby.fixed], [`standby ${standby.region}, usage`, standby.usage]);
  }
  for (const [title, items] of sections) {
    lines.push(`  ${title}`);
    for (const l of items) lines.push(row(`    ${l.item.slice(0, 64).padEnd(64)}`, l));
  }
  if (standby) lines.push(row(`  ${`standby ${standby.region} subtotal (in the total)`.padEnd(66)}`, standby.total));
  lines.push(row(`  ${'total'.padEnd(66)}`, estimate.total));
  lines.push(`  assuming: ${estimate.assumptions.join('; ')}`);
  lines.push(`  budget ${estimate.budgetUsd === undefined ? 'none in the templates' : usd(estimate.budgetUsd).trim()}`);
  const unpriced = [...estimate.unpriced, ...(standby?.unpriced ?? []).map((item) => `standby: ${item}`)];
  if (unpriced.length > 0) lines.push(`  not priced (add to lib/pricing/price-table.ts): ${unpriced.join('; ')}`);
  return lines;
}
