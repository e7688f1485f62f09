import { EnvironmentAssembly } from '../../lib/foresight/cloud-assembly';
import { HOURS_PER_MONTH, estimateCost } from '../../lib/foresight/cost-model';
import { PolicyFigures } from '../../lib/foresight/figures';
import { FleetModel } from '../../lib/foresight/fleet-model';
import { regionPrices } from '../../lib/pricing/price-table';
import { fleet } from './fixtures';

const prices = regionPrices('us-east-1');
const figures = (costUsd: number) => ({ costUsd }) as PolicyFigures;
const assembly = (resources: Record<string, unknown>): EnvironmentAssembly =>
  ({ environment: 'dev', stacks: [{ displayName: 'dev/Stack', template: { Resources: resources as never } }] });
const usage = { natGbPerMonth: 10, albLcu: 1, efsGb: 20 };
/** One service's fleet with a simulated week of `idle` and `expected` USD. */
const gpu = (f: FleetModel, idle: number, expected: number) => ({ fleets: [{ service: 'default', fleet: f, idle: figures(idle), expected: figures(expected) }], days: 7, inferenceFleets: [f.source] });

describe('estimateCost', () => {
  const nat = { Type: 'AWS::EC2::NatGateway', Properties: {} };
  const budget = { Type: 'AWS::Budgets::Budget', Properties: { Budget: { BudgetLimit: { Amount: 100, Unit: 'USD' } } } };

  test('prices a NAT gateway for the month with its data', () => {
    const estimate = estimateCost(assembly({ Nat: nat }), gpu(fleet(), 0, 0), prices, usage);
    expect(estimate.fixed[0].expectedUsd).toBeCloseTo(HOURS_PER_MONTH * 0.045 + 10 * 0.045, 2);
  });

  test('scales the simulated week to a month and prices max as MaxSize on-demand all month', () => {
    const estimate = estimateCost(assembly({}), gpu(fleet({ maxSize: 3 }), 7, 70), prices, usage);
    expect(estimate.usage[0]).toMatchObject({ minUsd: 30.42, expectedUsd: 304.17, maxUsd: Math.round(3 * 1.006 * HOURS_PER_MONTH * 100) / 100 });
  });

  test('an expected cost above the budget in the templates is flagged', () => {
    const estimate = estimateCost(assembly({ Nat: nat, Budget: budget }), gpu(fleet(), 0, 0), prices, usage);
    expect(estimate.budgetUsd).toBe(100);
    expect(estimate.overBudget).toBe(false);
    const busy = estimateCost(assembly({ Budget: budget }), gpu(fleet(), 0, 50), prices, usage);
    expect(busy.overBudget).toBe(true);
  });

  test('a SageMaker instance type without a price is listed as unpriced, not an error', () => {
    const config = { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ VariantName: 'primary', InstanceType: 'ml.x9.huge', InitialInstanceCount: 1 }] } };
    const estimate = estimateCost(assembly({ C: config }), gpu(fleet(), 0, 0), prices, usage);
    expect(estimate.unpriced).toEqual(['SageMaker variant primary (ml.x9.huge): not in the price table']);
    expect(estimate.fixed).toEqual([]);
  });

  test('resource types it does not price yet are listed with their count', () => {
    const server = { Type: 'AWS::SageMaker::MlflowTrackingServer', Properties: {} };
    const estimate = estimateCost(assembly({ A: server, B: server, Nat: nat }), gpu(fleet(), 0, 0), prices, usage);
    expect(estimate.unpriced).toEqual(['2 x AWS::SageMaker::MlflowTrackingServer']);
  });

  test('resources without a standing charge are not listed as unpriced', () => {
    const estimate = estimateCost(assembly({ Q: { Type: 'AWS::SQS::Queue' }, T: { Type: 'AWS::SNS::Topic' }, B: { Type: 'AWS::S3::Bucket' } }), gpu(fleet(), 0, 0), prices, usage);
    expect(estimate.unpriced).toEqual([]);
  });

  test('one usage line per service fleet, and no inference fleet is priced as training capacity', () => {
    const group = { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', MaxSize: '2' } };
    const [a, b] = [fleet({ source: 'dev/Stack/A' }), fleet({ source: 'dev/Stack/B', maxSize: 2 })];
    const estimate = estimateCost(assembly({ A: group, B: group }), {
      fleets: [{ service: 'a', fleet: a, idle: figures(0), expected: figures(7) }, { service: 'b', fleet: b, idle: figures(0), expected: figures(14) }],
      days: 7,
      inferenceFleets: [a.source, b.source],
    }, prices, usage);
    expect(estimate.usage.map((line) => [line.item, line.expectedUsd])).toEqual([['GPU fleet of a: 0-4 x g5.xlarge', 30.42], ['GPU fleet of b: 0-2 x g5.xlarge', 60.83]]);
  });

  test('a region without prices is an error listing the ones there are', () => {
    expect(() => regionPrices('eu-central-1')).toThrow(/no prices for region "eu-central-1": the price table has us-east-1/);
  });
});
