import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CostChartEstimate, renderCostChart } from '../../lib/foresight/cost-chart';
import { WorkloadSource } from '../../lib/foresight/foresight-run';

/** What the estimates assumed, as the chart's note says it. */
export interface CostChartAssumptions {
  readonly region: string;
  /** Date the region's prices were entered. */
  readonly asOf: string;
  readonly workload: WorkloadSource;
  readonly days: number;
}

/** Writes `npm run cost`'s chart of `estimates` to `file` (`--chart`), its directory created. */
export function writeCostChart(file: string, estimates: readonly CostChartEstimate[], assumed: CostChartAssumptions): void {
  const workload = 'builtIn' in assumed.workload ? assumed.workload.builtIn : assumed.workload.csvName;
  const note = [
    `From \`npm run cost\`: fixed costs from the templates, GPU fleets from ${assumed.days} simulated days of ${workload},`,
    `${assumed.region} prices entered ${assumed.asOf}. Min: no job all month; max: every fleet at its maximum size, on demand, all month.`,
  ];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderCostChart(estimates, note));
}
