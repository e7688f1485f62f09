import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { HOURS_PER_MONTH } from '../../lib/foresight/compute-cost';
import { estimateCost } from '../../lib/foresight/cost-model';
import { estimateStandbyCost, standbyPrices } from '../../lib/foresight/standby-cost';
import { StackTemplate, environmentStacks } from '../../lib/foresight/stack-templates';
import { regionPrices } from '../../lib/pricing/price-table';
import { STACK_IDS, STANDBY_STACK_IDS } from '../../lib/stacks/stack-names';
import { costReport } from '../../scripts/foresight/cost-report';

const usage = { natGbPerMonth: 10, albLcu: 1, efsGb: 20, eksCpuNodes: 1 };
const stack = (hierarchicalId: string, resources: Record<string, unknown> = {}): StackTemplate => ({ hierarchicalId, template: { Resources: resources as never } });
const nat = { Type: 'AWS::EC2::NatGateway', Properties: {} };
const endpointConfig = { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ VariantName: 'primary', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 1 }] } };
const atOwnPrices = (region: string) => ({ region, prices: regionPrices(region) });
const standbyOf = (resources: Record<string, unknown>, region = 'us-west-2', prices = atOwnPrices(region)) =>
  estimateStandbyCost(region, [stack('prod/StandbyNetwork', resources)], [], prices, usage);

describe('environmentStacks', () => {
  /** A cloud assembly with one environment `prod` holding `stacks`, as cx-api reads it (the fields environmentStacks reads). */
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
    const line = standbyOf({ Nat: nat }, 'eu-central-1').fixed.find((l) => /NAT gateway/.test(l.item));
    expect(line?.expectedUsd).toBeCloseTo(HOURS_PER_MONTH * frankfurt.natGatewayUsdPerHour + 10 * frankfurt.natGatewayUsdPerGb, 2);
  });

  test('prices the SageMaker endpoint where it runs in the standby Region too', () => {
    expect(standbyOf({ C: endpointConfig }).fixed.map((l) => l.item)).toEqual(['SageMaker variant primary: 1-1 x ml.g5.xlarge, starts at 1']);
  });

  test('lists what it does not price', () => {
    expect(standbyOf({ S: { Type: 'AWS::SageMaker::MlflowTrackingServer' } }).unpriced).toEqual(['1 x AWS::SageMaker::MlflowTrackingServer']);
  });

  test('its total is the sum of its lines', () => {
    const standby = standbyOf({ Nat: nat, C: endpointConfig });
    expect(standby.total.expectedUsd).toBeCloseTo(standby.fixed.reduce((n, l) => n + l.expectedUsd, 0), 2);
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

describe('the cost report of an environment with a standby Region', () => {
  const prices = regionPrices('us-east-1');
  const gpu = { fleets: [], days: 7, inferenceFleets: [] };
  const primary = { environment: 'prod', stacks: [stack('prod/Network', { Nat: nat })] };
  const standby = standbyOf({ Nat: nat, Nat2: nat });
  const estimate = estimateCost(primary, gpu, prices, usage, standby);

  test('the environment\'s total includes the standby\'s standing cost', () => {
    const alone = estimateCost(primary, gpu, prices, usage);
    expect(estimate.total.expectedUsd).toBeCloseTo(alone.total.expectedUsd + standby.total.expectedUsd, 2);
  });

  test('prints the standby\'s lines under its Region and its subtotal before the total', () => {
    const report = costReport(estimate);
    const at = (pattern: RegExp) => report.findIndex((l) => pattern.test(l));
    expect([at(/^ {2}standby us-west-2, fixed$/), at(/^ {2}standby us-west-2 subtotal \(in the total\)/), at(/^ {2}total /)]).toEqual([4, 7, 8]);
    expect(report[7]).toContain(`$${standby.total.expectedUsd.toFixed(2)}`);
  });

  test('says when the standby is priced at another Region\'s prices', () => {
    const elsewhere = standbyOf({ Nat: nat }, 'ap-south-2', standbyPrices('ap-south-2', 'us-east-1', prices));
    expect(costReport(estimateCost(primary, gpu, prices, usage, elsewhere))).toContain('  standby ap-south-2, fixed (at us-east-1\'s prices: the table has none for ap-south-2)');
  });

  test('an environment with one Region prints no standby section', () => {
    expect(costReport(estimateCost(primary, gpu, prices, usage)).filter((l) => /standby/.test(l))).toEqual([]);
  });
});
