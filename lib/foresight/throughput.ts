import { imageProcessorOf } from '../gpu/accelerated-instance-types';
import { instanceFamily } from '../pricing/price-table';

/**
 * Jobs an instance type finishes per hour relative to an NVIDIA T4 (g4dn), by family or
 * instance type: AWS's own inference figures, relative to G4dn (AWS_DOCS.g4dn): A10G (g5) "up to
 * 3x" (AWS_DOCS.g5), L4 (g6) "up to 2x" (AWS_DOCS.g6). "Up to" makes them ceilings, so a fleet
 * mixing T4s with faster GPUs is assumed at its most uneven; a model's own measured jobs per hour
 * per type replace them (`--throughput-factors g4dn=1,g5=2.4,g6=1.7`). Single-GPU sizes of one
 * family share its GPU, hence its factor.
 */
export const DEFAULT_THROUGHPUT_FACTORS: Readonly<Record<string, number>> = { g4dn: 1, g5: 3, g6: 2 };

/**
 * The throughput factor of `instanceType` in `factors` (its own entry, else its family's), or an
 * error naming the flag. A CPU type without an entry is 1: AWS publishes no inference figures
 * between CPU types, so a CPU fleet's types are assumed alike (a CPU fleet has no GPU to mix).
 */
export function throughputFactor(factors: Readonly<Record<string, number>>, instanceType: string): number {
  const factor = factors[instanceType] ?? factors[instanceFamily(instanceType)] ?? (imageProcessorOf(instanceType) === 'cpu' ? 1 : undefined);
  if (factor === undefined) {
    throw new Error(`no throughput factor for ${instanceType}: pass --throughput-factors with ${instanceFamily(instanceType)}=<jobs per hour relative to the others>`);
  }
  return factor;
}

/**
 * `family=factor,...` (e.g. `g4dn=1,g5=3`) as a table, or an error naming what is wrong: each
 * entry a family or an instance type and a number above 0.
 */
export function parseThroughputFactors(text: string): Record<string, number> {
  const table: Record<string, number> = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const [key, value, ...rest] = entry.split('=');
    const factor = Number(value);
    if (!key || rest.length > 0 || !(factor > 0) || !Number.isFinite(factor)) {
      throw new Error(`"${entry}" must be <family or instance type>=<number above 0>, e.g. g5=3`);
    }
    table[key] = factor;
  }
  if (Object.keys(table).length === 0) throw new Error(`"${text}" names no factor: use <family>=<number>,..., e.g. g4dn=1,g5=3`);
  return table;
}
