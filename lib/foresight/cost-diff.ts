import { CostLine, MonthlyUsd, round } from './cost-line';
import { CostEstimate } from './cost-model';

/** One line that changed between two estimates, keyed by resource and component. */
export interface LineChange {
  readonly resource: string;
  readonly component: string;
  /** The line in the base estimate; absent where the base has no such line. */
  readonly before?: CostLine;
  /** The line in this estimate; absent where this estimate has no such line. */
  readonly after?: CostLine;
  /** after - before, each side 0 where absent. */
  readonly change: MonthlyUsd;
}

/** How one environment's estimate moved against the base's. */
export interface EnvironmentCostDiff {
  readonly env: string;
  /** The base's total; absent where the base has no such environment. */
  readonly before?: MonthlyUsd;
  readonly after: MonthlyUsd;
  readonly change: MonthlyUsd;
  /** Every line whose quantity, unit price or monthly USD changed, added or removed. */
  readonly lines: readonly LineChange[];
}

const ZERO: MonthlyUsd = { minUsd: 0, expectedUsd: 0, maxUsd: 0 };
const minus = (a: MonthlyUsd, b: MonthlyUsd): MonthlyUsd =>
  ({ minUsd: round(a.minUsd - b.minUsd), expectedUsd: round(a.expectedUsd - b.expectedUsd), maxUsd: round(a.maxUsd - b.maxUsd) });
/** Every line of an estimate, its standby Region's included (their construct paths differ from the primary's). */
const linesOf = (e: CostEstimate | undefined) => [...(e?.fixed ?? []), ...(e?.usage ?? []), ...(e?.standby?.fixed ?? []), ...(e?.standby?.usage ?? [])];
const keyOf = (l: CostLine) => `${l.resource}\u0000${l.component}`;
const same = (a: CostLine, b: CostLine) => a.quantity === b.quantity && a.unitPriceUsd === b.unitPriceUsd
  && a.monthly.minUsd === b.monthly.minUsd && a.monthly.expectedUsd === b.monthly.expectedUsd && a.monthly.maxUsd === b.monthly.maxUsd;

/** The changes from `before` (the base's estimate of the environment, if it has one) to `after`, in `after`'s line order, removed lines last. */
export function diffEstimates(before: CostEstimate | undefined, after: CostEstimate): EnvironmentCostDiff {
  const base = new Map(linesOf(before).map((l) => [keyOf(l), l]));
  const head = new Map(linesOf(after).map((l) => [keyOf(l), l]));
  const change = (b: CostLine | undefined, a: CostLine | undefined): LineChange => ({
    resource: (a ?? b)!.resource,
    component: (a ?? b)!.component,
    ...(b ? { before: b } : {}),
    ...(a ? { after: a } : {}),
    change: minus(a?.monthly ?? ZERO, b?.monthly ?? ZERO),
  });
  const lines = [
    ...[...head].filter(([key, a]) => !base.has(key) || !same(base.get(key)!, a)).map(([key, a]) => change(base.get(key), a)),
    ...[...base].filter(([key]) => !head.has(key)).map(([, b]) => change(b, undefined)),
  ];
  return {
    env: after.env,
    ...(before ? { before: before.total } : {}),
    after: after.total,
    change: minus(after.total, before?.total ?? ZERO),
    lines,
  };
}
