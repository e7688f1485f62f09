import { MetricQuery } from './fleet-model';
import { CompiledExpression, Datapoint, DivisionByZero, compileExpression } from './metric-math';
import { MetricStore } from './metric-store';

/** The value of a set of queries (a metric or metric math) for one period, read from the store. */
export type QueryEvaluator = (store: MetricStore, endMinute: number, periodMinutes: number, asOfMinute: number) => Datapoint;

/** Compiles the queries of an alarm or policy once; the returned function reads the returning query. */
export function compileQueries(queries: readonly MetricQuery[], divisionByZero: DivisionByZero): QueryEvaluator {
  const byId = new Map(queries.map((q) => [q.id, q]));
  const compiled = new Map<string, CompiledExpression>();
  for (const q of queries) if (q.expression !== undefined) compiled.set(q.id, compileExpression(q.expression, divisionByZero));
  const result = queries.find((q) => q.returnData) ?? queries[queries.length - 1];
  // One lookup function per compiled set, reading the current evaluation's arguments: the hot
  // loop creates no closures.
  let store: MetricStore | undefined;
  let end = 0;
  let period = 1;
  let asOf = 0;
  const valueOf = (id: string): Datapoint => {
    const q = byId.get(id);
    if (!q) throw new Error(`metric math refers to "${id}", which no query defines`);
    if (q.expression !== undefined) return compiled.get(id)!(valueOf, period * 60);
    return store!.datapoint(q.signal!, q.statistic ?? 'Average', end, period, asOf);
  };
  return (metrics, endMinute, periodMinutes, asOfMinute) => {
    store = metrics;
    end = endMinute;
    period = periodMinutes;
    asOf = asOfMinute;
    return valueOf(result.id);
  };
}
