import { GpuCostChecks } from '../../lib/nag/gpu-cost-checks';
import { FIXTURE_LIMITS } from '../helpers/nag-rule';
import { readPage } from './markdown';

/** The rule ids docs/guardrails.md's GpuCost table names, without the finding's `[<resource>]`. */
const documented = readPage('docs/guardrails.md').code
  .filter((span) => span.startsWith('GpuCost-'))
  .map((span) => span.replace(/\[.*\]$/, ''));

describe('docs/guardrails.md', () => {
  test('names every rule of the GpuCost pack (scale to zero required, as in the base config) and no other', () => {
    const pack = new GpuCostChecks(undefined, { ...FIXTURE_LIMITS, requireScaleToZero: true });
    expect([...new Set(documented)].sort()).toEqual([...pack.ruleIds].sort());
  });
});
