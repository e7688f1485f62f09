import { checkBudget } from '../../lib/foresight/budget-check';
import { CostLine, totalOf } from '../../lib/foresight/cost-line';
import { CostEstimate } from '../../lib/foresight/cost-model';
import { diffEstimates } from '../../lib/foresight/cost-diff';
import { servicesWithFleet } from '../../scripts/foresight/estimate-environment';

const line = (resource: string, component: string, expectedUsd: number): CostLine =>
  ({ resource, type: 'AWS::EC2::NatGateway', component, quantity: 730, unit: 'hours', unitPriceUsd: expectedUsd / 730, monthly: { minUsd: expectedUsd, expectedUsd, maxUsd: expectedUsd } });
const estimate = (fixed: CostLine[], budgetUsd?: number): CostEstimate => {
  const total = totalOf(fixed);
  return { env: 'prod', budgetUsd, fixed, usage: [], total, overBudget: budgetUsd !== undefined && total.expectedUsd > budgetUsd, unpriced: [], assumptions: [] };
};
const nat = line('prod/Network/Nat', 'NAT gateway', 32.85);

describe('diffEstimates', () => {
  test('the same estimate has no changed line and no change', () => {
    expect(diffEstimates(estimate([nat]), estimate([nat]))).toMatchObject({ lines: [], change: { minUsd: 0, expectedUsd: 0, maxUsd: 0 } });
  });

  test('a line whose cost moved is one change, keyed by resource and component', () => {
    const diff = diffEstimates(estimate([nat]), estimate([line('prod/Network/Nat', 'NAT gateway', 40)]));
    expect(diff.lines).toEqual([expect.objectContaining({ resource: 'prod/Network/Nat', component: 'NAT gateway', change: { minUsd: 7.15, expectedUsd: 7.15, maxUsd: 7.15 } })]);
    expect(diff.change.expectedUsd).toBe(7.15);
  });

  test('a new resource is added, a gone one removed (listed last)', () => {
    const added = line('prod/Network/Nat2', 'NAT gateway', 32.85);
    const diff = diffEstimates(estimate([nat]), estimate([added]));
    expect(diff.lines.map((l) => [l.resource, l.before === undefined ? 'added' : l.after === undefined ? 'removed' : 'changed', l.change.expectedUsd]))
      .toEqual([['prod/Network/Nat2', 'added', 32.85], ['prod/Network/Nat', 'removed', -32.85]]);
  });

  test('an environment the base does not have is all added', () => {
    const diff = diffEstimates(undefined, estimate([nat]));
    expect([diff.before, diff.change.expectedUsd, diff.lines.length]).toEqual([undefined, 32.85, 1]);
  });
});

describe('checkBudget', () => {
  test('an expected cost within the budget passes', () => {
    expect(checkBudget(estimate([nat], 100))).toMatchObject({ status: 'within', budgetUsd: 100, expectedUsd: 32.85, acknowledgementUnneeded: false });
  });

  test('an expected cost above the budget fails', () => {
    expect(checkBudget(estimate([nat], 30)).status).toBe('over');
  });

  test('an overrun the config acknowledges passes, with its reason', () => {
    expect(checkBudget(estimate([nat], 30), 'load test until March')).toMatchObject({ status: 'acknowledged', acknowledgedReason: 'load test until March' });
  });

  test('an acknowledgement without an overrun is flagged as no longer needed', () => {
    expect(checkBudget(estimate([nat], 100), 'load test until March')).toMatchObject({ status: 'within', acknowledgementUnneeded: true });
  });

  test('templates without a budget have nothing to check', () => {
    expect(checkBudget(estimate([nat])).status).toBe('no budget');
  });
});

test('a base branch is estimated with the services whose fleet it already has', () => {
  const stacks = [{ hierarchicalId: 'prod/AiInference', template: { Outputs: { AutoScalingGroupName: { Value: { Ref: 'Asg' } } } } }];
  expect(servicesWithFleet(stacks, ['default', 'summarizer'])).toEqual(['default']);
});
