import { ENVIRONMENTS, inferenceServicesOf } from '../../lib/config';
import { CostLine, HOURS_PER_MONTH, resourceName } from '../../lib/foresight/cost-line';
import { estimateCost } from '../../lib/foresight/cost-model';
import { PolicyFigures } from '../../lib/foresight/figures';
import { FleetModel } from '../../lib/foresight/fleet-model';
import { fleetPrices } from '../../lib/foresight/fleet-prices';
import { EnvironmentStacks } from '../../lib/foresight/stack-templates';
import { PRICE_TABLE, regionPrices, spotDiscount } from '../../lib/pricing/price-table';
import { fleet } from './fixtures';

const prices = regionPrices('us-east-1');
/** A simulated week's instance-hours, on-demand and spot. */
const figures = (onDemandInstanceHours = 0, spotInstanceHours = 0) =>
  ({ onDemandInstanceHours, spotInstanceHours, instanceHours: onDemandInstanceHours + spotInstanceHours }) as PolicyFigures;
const FLEET_ID = 'Fleet';
const group = { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', MaxSize: '4' } };
const env = (resources: Record<string, unknown>): EnvironmentStacks =>
  ({ environment: 'dev', stacks: [{ hierarchicalId: 'dev/Stack', template: { Resources: { [FLEET_ID]: group, ...resources } as never } }] });
const usage = { natGbPerMonth: 10, albLcu: 1, efsGb: 20, eksCpuNodes: 1 };
const defaultFleet = (overrides: Partial<FleetModel> = {}) => fleet({ source: `dev/Stack/${FLEET_ID}`, ...overrides });
/** The default service's fleet `f` with a simulated week of `idle` and `expected` figures. */
const gpu = (f: FleetModel, idle = figures(), expected = figures()) =>
  ({ fleets: [{ service: 'default', fleet: f, idle, expected, prices: fleetPrices(f, prices) }], days: 7, inferenceFleets: [f.source] });
const estimate = (resources: Record<string, unknown>, f: FleetModel = defaultFleet(), g = gpu(f)) => estimateCost(env(resources), g, prices, usage);
const linesOf = (e: ReturnType<typeof estimate>) => [...e.fixed, ...e.usage];
const lineOf = (e: ReturnType<typeof estimate>, resource: string, component: string | RegExp) =>
  linesOf(e).find((l) => l.resource === resource && (typeof component === 'string' ? l.component === component : component.test(l.component)));
const cents = (x: number) => Math.round(x * 100) / 100;

describe('estimateCost', () => {
  const nat = { Type: 'AWS::EC2::NatGateway', Properties: {} };
  const budget = { Type: 'AWS::Budgets::Budget', Properties: { Budget: { BudgetLimit: { Amount: 100, Unit: 'USD' } } } };

  test('prices a NAT gateway for the month\'s hours and, on a line of its own, its data', () => {
    const e = estimate({ Nat: nat });
    expect(lineOf(e, 'dev/Stack/Nat', 'NAT gateway')).toMatchObject({ quantity: HOURS_PER_MONTH, unit: 'hours', unitPriceUsd: 0.045, monthly: { expectedUsd: cents(HOURS_PER_MONTH * 0.045) } });
    expect(lineOf(e, 'dev/Stack/Nat', 'data processed')).toMatchObject({ quantity: 10, unit: 'GB', unitPriceUsd: 0.045, monthly: { expectedUsd: 0.45 } });
  });

  test('every line\'s expected cost is its quantity at its unit price', () => {
    const f = defaultFleet({ instanceTypes: ['g5.xlarge', 'g4dn.xlarge'] });
    const lines = linesOf(estimate({ Nat: nat, Ip: { Type: 'AWS::EC2::EIP' }, Key: { Type: 'AWS::KMS::Key' } }, f, gpu(f, figures(), figures(30, 50))));
    expect(lines.length).toBeGreaterThan(4);
    for (const l of lines) expect(l.monthly.expectedUsd).toBeCloseTo(l.quantity * l.unitPriceUsd, 1);
  });

  test('every public IPv4 address costs $0.005 an hour, a NAT gateway\'s Elastic IP included', () => {
    expect(lineOf(estimate({ Nat: nat, Ip: { Type: 'AWS::EC2::EIP' } }), 'dev/Stack/Ip', 'public IPv4 address')?.monthly.expectedUsd).toBeCloseTo(HOURS_PER_MONTH * 0.005, 2);
  });

  test('an internet-facing load balancer has a public IPv4 address per subnet; an internal one none', () => {
    const alb = (scheme: string) => ({ Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: scheme, Subnets: ['a', 'b'] } });
    expect(lineOf(estimate({ Lb: alb('internet-facing') }), 'dev/Stack/Lb', 'public IPv4 addresses')).toMatchObject({ quantity: 2 * HOURS_PER_MONTH, unit: 'address-hours' });
    expect(lineOf(estimate({ Lb: alb('internal') }), 'dev/Stack/Lb', 'public IPv4 addresses')).toBeUndefined();
  });

  test('names each resource by its construct path, without the L1\'s Resource and Default ids', () => {
    const key = { Type: 'AWS::KMS::Key', Metadata: { 'aws:cdk:path': 'dev/Network/LogsKey/Key/Resource' } };
    const pool = { Type: 'Custom::AWSCDK-EKS-KubernetesResource', Metadata: { 'aws:cdk:path': 'dev/MlPlatform/GpuNodePool/Resource/Resource/Default' } };
    expect(lineOf(estimate({ Key: key }), 'dev/Network/LogsKey/Key', 'customer managed key')).toBeDefined();
    expect(resourceName({ stack: 'dev/MlPlatform', id: 'GpuNodePoolFDDF1AD7', resource: pool })).toBe('dev/MlPlatform/GpuNodePool');
  });

  test('a resource without a construct path is named by its stack and logical id', () => {
    expect(resourceName({ stack: 'dev/Network', id: 'LogsKeyFE4C4A83', resource: { Type: 'AWS::KMS::Key' } })).toBe('dev/Network/LogsKeyFE4C4A83');
  });

  test('scales the simulated week\'s on-demand and spot hours to a month, and prices max as MaxSize of the most expensive type on-demand all month', () => {
    const f = defaultFleet({ maxSize: 3, instanceTypes: ['g5.xlarge', 'g5.2xlarge'] });
    const e = estimate({}, f, gpu(f, figures(7, 0), figures(14, 70)));
    const perMonth = HOURS_PER_MONTH / 168;
    expect(lineOf(e, `dev/Stack/${FLEET_ID}`, 'on-demand instances')).toMatchObject({
      quantity: cents(14 * perMonth), unitPriceUsd: 1.006,
      monthly: { minUsd: cents(7 * perMonth * 1.006), expectedUsd: cents(14 * perMonth * 1.006), maxUsd: cents(3 * 1.212 * HOURS_PER_MONTH) },
    });
    expect(lineOf(e, `dev/Stack/${FLEET_ID}`, 'spot instances')).toMatchObject({ quantity: cents(70 * perMonth), unitPriceUsd: 1.006 * (1 - 0.6), monthly: { minUsd: 0, maxUsd: 0 } });
  });

  test('prices a fleet of CPU types from the table\'s CPU prices: on-demand the first type, spot the cheapest after its discount', () => {
    const f = defaultFleet({ maxSize: 2, instanceTypes: ['c6i.large', 'c7i.large'] });
    const e = estimate({}, f, gpu(f, figures(), figures(0, 70)));
    expect(lineOf(e, `dev/Stack/${FLEET_ID}`, 'on-demand instances')).toMatchObject({ unitPriceUsd: 0.085, monthly: { maxUsd: cents(2 * 0.08925 * HOURS_PER_MONTH) } });
    // c6i: 0.085 x (1 - 0.6) = 0.034, c7i: 0.08925 x (1 - 0.55) = 0.0402 (the table's assumed discounts).
    expect(lineOf(e, `dev/Stack/${FLEET_ID}`, 'spot instances')?.unitPriceUsd).toBeCloseTo(0.034, 6);
  });

  test('prices the fleet\'s gp3 root volumes for the instance-hours it ran', () => {
    const f = defaultFleet({ maxSize: 2 });
    const resources = {
      [FLEET_ID]: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'Lt' } } } } } },
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { BlockDeviceMappings: [{ Ebs: { VolumeSize: 100, VolumeType: 'gp3' } }] } } },
    };
    const line = lineOf(estimate(resources, f, gpu(f, figures(), figures(0, 168))), `dev/Stack/${FLEET_ID}`, 'root volumes');
    expect(line).toMatchObject({ quantity: 100, unit: 'GB-months', unitPriceUsd: 0.08 });
    expect(line?.monthly.expectedUsd).toBeCloseTo(100 * 0.08, 2);
    expect(line?.monthly.maxUsd).toBeCloseTo(2 * 100 * 0.08, 2);
  });

  test('a SageMaker variant is expected at its initial count, between its scalable target\'s minimum and maximum', () => {
    const config = { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ VariantName: 'primary', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 2 }] } };
    const target = { Type: 'AWS::ApplicationAutoScaling::ScalableTarget', Properties: { ResourceId: 'endpoint/e/variant/primary', MinCapacity: 1, MaxCapacity: 6 } };
    const monthly = 1.408 * HOURS_PER_MONTH;
    expect(lineOf(estimate({ C: config, T: target }), 'dev/Stack/C', 'variant primary')).toMatchObject({
      quantity: 2 * HOURS_PER_MONTH, unit: 'instance-hours', unitPriceUsd: 1.408, detail: '1-6 x ml.g5.xlarge, starts at 2',
      monthly: { minUsd: cents(monthly), expectedUsd: cents(2 * monthly), maxUsd: cents(6 * monthly) },
    });
  });

  test('EKS Auto Mode nodes: the CPU pool keeps its nodes, the GPU pool costs nothing idle and its GPU limit at most, with the Auto Mode fee', () => {
    const pool = (name: string, types: string[], limits: Record<string, number>) => ({
      Type: 'Custom::AWSCDK-EKS-KubernetesResource',
      Properties: { Manifest: JSON.stringify([{ kind: 'NodePool', apiVersion: 'karpenter.sh/v1', metadata: { name }, spec: { template: { spec: { requirements: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: types }] } }, limits } }]) },
    });
    const e = estimate({ Cpu: pool('cpu', ['m6i.large', 'm6i.xlarge'], { cpu: 16 }), Gpu: pool('gpu', ['g5.xlarge', 'g5.12xlarge'], { cpu: 96, 'nvidia.com/gpu': 8 }) });
    expect(lineOf(e, 'dev/Stack/Cpu', 'NodePool cpu')?.monthly.expectedUsd).toBeCloseTo((0.096 + 0.01152) * HOURS_PER_MONTH, 2);
    expect(lineOf(e, 'dev/Stack/Cpu', 'NodePool cpu')?.monthly.maxUsd).toBeCloseTo(8 * (0.096 + 0.01152) * HOURS_PER_MONTH, 2);
    expect(lineOf(e, 'dev/Stack/Gpu', 'NodePool gpu')?.monthly).toMatchObject({ minUsd: 0, expectedUsd: 0 });
    expect(lineOf(e, 'dev/Stack/Gpu', 'NodePool gpu')?.monthly.maxUsd).toBeCloseTo(2 * (5.672 + 0.68064) * HOURS_PER_MONTH, 1);
  });

  test('each service\'s fleet gets its own lines, and no inference fleet is priced as training capacity', () => {
    const [a, b] = [fleet({ source: 'dev/Stack/A' }), fleet({ source: 'dev/Stack/B', maxSize: 2 })];
    const e = estimateCost(env({ A: group, B: group }), {
      fleets: [
        { service: 'a', fleet: a, idle: figures(), expected: figures(7), prices: fleetPrices(a, prices) },
        { service: 'b', fleet: b, idle: figures(), expected: figures(14), prices: fleetPrices(b, prices) },
      ],
      days: 7,
      inferenceFleets: [a.source, b.source, `dev/Stack/${FLEET_ID}`],
    }, prices, usage);
    expect(e.usage.filter((l) => l.component === 'on-demand instances').map((l) => [l.resource, l.monthly.expectedUsd]))
      .toEqual([['dev/Stack/A', cents(7 * HOURS_PER_MONTH / 168 * 1.006)], ['dev/Stack/B', cents(14 * HOURS_PER_MONTH / 168 * 1.006)]]);
    expect(e.usage.filter((l) => l.component === 'on-demand nodes kept')).toEqual([]);
  });

  test('a group that is no inference fleet is training capacity: its kept nodes on-demand, every node at most', () => {
    const training = {
      Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', MaxSize: '2', LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } },
    };
    const lt = { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: 'g5.12xlarge', BlockDeviceMappings: [{ Ebs: { VolumeSize: 100 } }] } } };
    const nodes = lineOf(estimate({ Cluster: training, Lt: lt }), 'dev/Stack/Cluster', 'on-demand nodes kept');
    expect(nodes).toMatchObject({ quantity: HOURS_PER_MONTH, unitPriceUsd: 5.672, monthly: { maxUsd: cents(2 * 5.672 * HOURS_PER_MONTH) } });
  });

  test('an expected cost above the budget in the templates is flagged', () => {
    expect(estimate({ Nat: nat, Budget: budget })).toMatchObject({ budgetUsd: 100, overBudget: false });
    const f = defaultFleet();
    expect(estimate({ Budget: budget }, f, gpu(f, figures(), figures(50))).overBudget).toBe(true);
  });

  test('the total is the sum of the lines', () => {
    const e = estimate({ Nat: nat, Ip: { Type: 'AWS::EC2::EIP' } });
    const sum = (key: keyof CostLine['monthly']) => cents(linesOf(e).reduce((n, l) => n + l.monthly[key], 0));
    expect(e.total).toEqual({ minUsd: sum('minUsd'), expectedUsd: sum('expectedUsd'), maxUsd: sum('maxUsd') });
  });

  test('the usage it assumes is stated with the estimate', () => {
    expect(estimate({}).assumptions).toEqual(expect.arrayContaining(['NAT 10 GB/month per gateway', '1 EKS CPU node(s) kept', 'spot discount per family (price table)']));
  });

  test('a SageMaker instance type without a price is listed as unpriced, not an error', () => {
    const config = { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ VariantName: 'primary', InstanceType: 'ml.x9.huge', InitialInstanceCount: 1 }] } };
    const e = estimate({ C: config });
    expect(e.unpriced).toEqual(['SageMaker variant primary (ml.x9.huge): not in the price table']);
    expect(e.fixed).toEqual([]);
  });

  test('resource types it does not price yet are listed with their count', () => {
    const server = { Type: 'AWS::SageMaker::MlflowTrackingServer', Properties: {} };
    expect(estimate({ A: server, B: server, Nat: nat }).unpriced).toEqual(['2 x AWS::SageMaker::MlflowTrackingServer']);
  });

  test('resources without a standing charge are not listed as unpriced', () => {
    expect(estimate({ Q: { Type: 'AWS::SQS::Queue' }, T: { Type: 'AWS::SNS::Topic' }, B: { Type: 'AWS::S3::Bucket' } }).unpriced).toEqual([]);
  });

  test('a fleet the templates do not hold is an error naming it', () => {
    expect(() => estimate({}, fleet({ source: 'dev/Stack/Elsewhere' }))).toThrow(/the fleet of default \(dev\/Stack\/Elsewhere\) is not in the templates/);
  });
});

describe('the price table', () => {
  test('prices us-east-1, us-west-2 and eu-central-1, each with the date its prices were entered', () => {
    for (const region of ['us-east-1', 'us-west-2', 'eu-central-1']) expect(regionPrices(region).asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test.each(Object.keys(PRICE_TABLE))('%s prices every instance type an environment allows', (region) => {
    const types = [...new Set(ENVIRONMENTS.flatMap((c) => c.guardrails.allowedInstanceTypes))];
    const table = regionPrices(region);
    for (const type of types) expect(type.startsWith('ml.') ? table.sageMakerUsdPerHour[type] : table.ec2OnDemandUsdPerHour[type]).toBeGreaterThan(0);
  });

  test.each(Object.keys(PRICE_TABLE))('%s prices every inference fleet type, GPU or CPU, on demand and on spot', (region) => {
    const types = [...new Set(ENVIRONMENTS.flatMap((c) => inferenceServicesOf(c).flatMap(([, service]) => service.fleet.instanceTypes)))];
    const table = regionPrices(region);
    for (const type of types) expect([type, table.ec2OnDemandUsdPerHour[type] > 0, spotDiscount(table, type) > 0]).toEqual([type, true, true]);
  });

  test('a Region without prices is an error listing the ones there are', () => {
    expect(() => regionPrices('ap-south-2')).toThrow(/no prices for region "ap-south-2": the price table has us-east-1, us-west-2, eu-central-1/);
  });
});
