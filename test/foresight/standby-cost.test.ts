import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { checkBudget } from '../../lib/foresight/budget-check';
import { diffEstimates } from '../../lib/foresight/cost-diff';
import { HOURS_PER_MONTH } from '../../lib/foresight/cost-line';
import { estimateCost } from '../../lib/foresight/cost-model';
import { StackTemplate, environmentStacks } from '../../lib/foresight/stack-templates';
import { estimateStandbyCost, standbyPrices } from '../../lib/foresight/standby-cost';
import { regionPrices } from '../../lib/pricing/price-table';
import { STACK_IDS, STANDBY_STACK_IDS } from '../../lib/stacks/stack-names';
import { renderEnvironment } from '../../scripts/foresight/cost-report';

const usage = { natGbPerMonth: 10, albLcu: 1, efsGb: 20, eksCpuNodes: 1 };
const stack = (hierarchicalId: string, resources: Record<string, unknown> = {}): StackTemplate => ({ hierarchicalId, template: { Resources: resources as never } });
const nat = { Type: 'AWS::EC2::NatGateway', Properties: {} };
const endpointConfig = { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ VariantName: 'primary', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 }] } };
const atOwnPrices = (region: string) => ({ region, prices: regionPrices(region) });
const standbyOf = (resources: Record<string, unknown>, region = 'us-west-2', prices = atOwnPrices(region)) =>
  estimateStandbyCost(region, [stack(`prod/${STACK_IDS.standbyNetwork}`, resources)], [], prices, usage);

describe('environmentStacks', () => {
  /** A cloud assembly with one environment `prod` holding `stacks`: the fields of cx-api's CloudAssembly environmentStacks reads. */
  const assembly = (stacks: StackTemplate[]) => ({ nestedAssemblies: [{ displayName: 'prod', nestedAssembly: { stacks } }] }) as unknown as CloudAssembly;

  test('puts the standby Region\'s stacks apart from the ones the environment runs and simulates', () => {
    const ids = [STACK_IDS.network, STACK_IDS.inference, ...STANDBY_STACK_IDS];
    const env = environmentStacks(assembly(ids.map((id) => stack(`prod/${id}`))), 'prod');
    expect([env.stacks.map((s) => s.hierarchicalId), env.standbyStacks?.map((s) => s.hierarchicalId)])
      .toEqual([[`prod/${STACK_IDS.network}`, `prod/${STACK_IDS.inference}`], STANDBY_STACK_IDS.map((id) => `prod/${id}`)]);
  });

  test('an environment with one Region has no standby stacks', () => {
    expect(environmentStacks(assembly([stack(`prod/${STACK_IDS.inference}`)]), 'prod').standbyStacks).toEqual([]);
  });
});

describe('estimateStandbyCost', () => {
  test('prices the standby\'s always-on resources at its own Region\'s prices', () => {
    const frankfurt = regionPrices('eu-central-1');
    const line = standbyOf({ Nat: nat }, 'eu-central-1').fixed.find((l) => l.component === 'NAT gateway');
    expect(line).toMatchObject({ resource: `prod/${STACK_IDS.standbyNetwork}/Nat`, quantity: HOURS_PER_MONTH, unitPriceUsd: frankfurt.natGatewayUsdPerHour });
  });

  test('prices the SageMaker endpoint where it runs in the standby Region too', () => {
    expect(standbyOf({ C: endpointConfig }).fixed.map((l) => [l.type, l.monthly.expectedUsd])).toEqual([['AWS::SageMaker::EndpointConfig', Math.round(1.408 * HOURS_PER_MONTH * 100) / 100]]);
  });

  test('lists what it does not price', () => {
    expect(standbyOf({ S: { Type: 'AWS::SageMaker::MlflowTrackingServer' } }).unpriced).toEqual(['1 x AWS::SageMaker::MlflowTrackingServer']);
  });

  test('its total is the sum of its lines', () => {
    const standby = standbyOf({ Nat: nat, C: endpointConfig });
    expect(standby.total.expectedUsd).toBeCloseTo(standby.fixed.reduce((n, l) => n + l.monthly.expectedUsd, 0), 2);
  });
});

describe('standbyPrices', () => {
  test('a standby Region the price table has is priced at its own prices', () => {
    expect(standbyPrices('eu-central-1', 'us-east-1', regionPrices('us-east-1'))).toEqual({ region: 'eu-central-1', prices: regionPrices('eu-central-1') });
  });

  test('a standby Region the price table lacks is priced at the report\'s Region, which it names', () => {
    expect(standbyPrices('ap-south-2', 'eu-central-1', regionPrices('eu-central-1'))).toEqual({ region: 'eu-central-1', prices: regionPrices('eu-central-1') });
  });
});

describe('an environment with a standby Region in the cost report', () => {
  const prices = regionPrices('us-east-1');
  const gpu = { fleets: [], days: 7, inferenceFleets: [] };
  const primary = { environment: 'prod', stacks: [stack('prod/Network', { Nat: nat })] };
  const standby = standbyOf({ Nat: nat, Nat2: nat });
  const estimate = estimateCost(primary, gpu, prices, usage, standby);
  const alone = estimateCost(primary, gpu, prices, usage);
  const report = (e = estimate) => renderEnvironment({ estimate: e, budget: checkBudget(e), savingsPlans: [] });

  test('the environment\'s total includes the standby\'s standing cost', () => {
    expect(estimate.total.expectedUsd).toBeCloseTo(alone.total.expectedUsd + standby.total.expectedUsd, 2);
  });

  test('the budget check counts it', () => {
    const budgetUsd = (alone.total.expectedUsd + estimate.total.expectedUsd) / 2;
    expect([checkBudget({ ...alone, budgetUsd }).status, checkBudget({ ...estimate, budgetUsd }).status]).toEqual(['within', 'over']);
  });

  test('a diff against a base without the standby lists its lines as added', () => {
    const diff = diffEstimates(alone, estimate);
    expect([diff.lines.map((l) => [l.resource, l.component, l.before]), diff.change.expectedUsd]).toEqual([
      standby.fixed.map((l) => [l.resource, l.component, undefined]), standby.total.expectedUsd,
    ]);
  });

  test('prints the standby\'s lines under its Region, then its subtotal, before the total', () => {
    const out = report();
    const at = (pattern: RegExp) => out.findIndex((l) => pattern.test(l));
    const [section, subtotal, total] = [at(/^ {2}standby Region us-west-2, always on$/), at(/^ {2}standby Region us-west-2 subtotal \(in the total\)/), at(/^ {2}total /)];
    expect([section > 0, subtotal > section, total]).toEqual([true, true, subtotal + 1]);
    expect(out[subtotal]).toContain(`$${standby.total.expectedUsd.toFixed(2)}`);
  });

  test('says when the standby is priced at another Region\'s prices', () => {
    const elsewhere = standbyOf({ Nat: nat }, 'ap-south-2', standbyPrices('ap-south-2', 'us-east-1', prices));
    expect(report(estimateCost(primary, gpu, prices, usage, elsewhere))).toContain('  standby Region ap-south-2, always on (at us-east-1\'s prices: the table has none for ap-south-2)');
  });

  test('an environment with one Region prints no standby section', () => {
    expect(report(alone).filter((l) => /standby/.test(l))).toEqual([]);
  });
});
