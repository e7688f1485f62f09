import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { SpotMaxPriceBelowOnDemand } from '../../../lib/nag/rules/spot-max-price-below-on-demand';
import { gpuFleet, gpuGroup } from '../../helpers/gpu-fixtures';
import { findingsOf, ruleFindingsAt } from '../../helpers/nag';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../../helpers/nag-rule';

describe('SpotMaxPriceBelowOnDemand, as a function', () => {
  test('a price below every on-demand price is compliant (the seed 0.50 on g4dn/g5)', () => {
    const { stack } = bareStack();
    expect(SpotMaxPriceBelowOnDemand(gpuGroup(stack, 'Group', { spotMaxPrice: '0.50' }))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('finds each type whose on-demand price is at or below the max price', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group', { spotMaxPrice: '1.00', instanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge'] });
    expect(SpotMaxPriceBelowOnDemand(group)).toEqual(['g4dn.xlarge', 'g6.xlarge']);
  });

  test('checks a CPU fleet\'s types against their on-demand prices too (c6i.large 0.085, c7i.large 0.08925 USD/h)', () => {
    const { stack } = bareStack();
    expect(SpotMaxPriceBelowOnDemand(gpuGroup(stack, 'Below', { spotMaxPrice: '0.08', instanceTypes: ['c6i.large', 'c7i.large'] }))).toBe(NagRuleCompliance.COMPLIANT);
    expect(SpotMaxPriceBelowOnDemand(gpuGroup(stack, 'Between', { spotMaxPrice: '0.087', instanceTypes: ['c6i.large', 'c7i.large'] }))).toEqual(['c6i.large']);
  });

  test('a type without a known on-demand price is a finding', () => {
    const { stack } = bareStack();
    expect(SpotMaxPriceBelowOnDemand(gpuGroup(stack, 'Group', { spotMaxPrice: '0.10', instanceTypes: ['g9.xlarge'] }))).toEqual(['g9.xlarge']);
  });

  test('a group without a max price is not applicable', () => {
    const { stack } = bareStack();
    expect(SpotMaxPriceBelowOnDemand(gpuGroup(stack, 'Group'))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('an EC2 Fleet override priced above on-demand is a finding', () => {
    const { stack } = bareStack();
    expect(SpotMaxPriceBelowOnDemand(gpuFleet(stack, 'Fleet', { instanceTypes: ['g5.xlarge'], maxPrice: '2.0' }))).toEqual(['g5.xlarge']);
  });

  test('an EC2 Fleet override priced below on-demand is compliant', () => {
    const { stack } = bareStack();
    expect(SpotMaxPriceBelowOnDemand(gpuFleet(stack, 'Fleet', { instanceTypes: ['g5.xlarge'], maxPrice: '0.6' }))).toBe(NagRuleCompliance.COMPLIANT);
  });
});

describe('SpotMaxPriceBelowOnDemand, through the pack', () => {
  const { app, stack } = bareStack();
  gpuGroup(stack, 'TooHigh', { spotMaxPrice: '0.60', instanceTypes: ['g4dn.xlarge', 'g5.xlarge'] });
  gpuGroup(stack, 'Seed', { spotMaxPrice: '0.50' });
  const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));

  test('reports the type priced below the max, as an error', () => {
    expect(findingsOf(result, 'GpuCost-SpotMaxPriceBelowOnDemand[g4dn.xlarge]', 'Fixtures/TooHigh')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('passes the seed max price', () => {
    expect(ruleFindingsAt(result, 'GpuCost-SpotMaxPriceBelowOnDemand', 'Fixtures/Seed')).toEqual([]);
  });
});
