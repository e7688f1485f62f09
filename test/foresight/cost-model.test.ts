import { ENVIRONMENTS, inferenceServicesOf } from '../../lib/config';
import { HOURS_PER_MONTH } from '../../lib/foresight/compute-cost';
import { estimateCost } from '../../lib/foresight/cost-model';
import { PolicyFigures } from '../../lib/foresight/figures';
import { FleetModel } from '../../lib/foresight/fleet-model';
import { fleetPrices } from '../../lib/foresight/fleet-prices';
import { EnvironmentStacks } from '../../lib/foresight/stack-templates';
import { PRICE_TABLE, regionPrices, spotDiscount } from '../../lib/pricing/price-table';
import { fleet } from './fixtures';

const prices = regionPrices('us-east-1');
const figures = (costUsd: number, instanceHours = 0) => ({ costUsd, instanceHours }) as PolicyFigures;
const env = (resources: Record<string, unknown>): EnvironmentStacks =>
  ({ environment: 'dev', stacks: [{ hierarchicalId: 'dev/Stack', template: { Resources: resources as never } }] });
const usage = { natGbPerMonth: 10, albLcu: 1, efsGb: 20, eksCpuNodes: 1 };
/** The default service's fleet `f` with a simulated week of `idle` and `expected` figures. */
const gpu = (f: FleetModel, idle = figures(0), expected = figures(0)) =>
  ({ fleets: [{ service: 'default', fleet: f, idle, expected, prices: fleetPrices(f, prices) }], days: 7, inferenceFleets: [f.source] });
const estimate = (resources: Record<string, unknown>, f: FleetModel = fleet(), g = gpu(f)) => estimateCost(env(resources), g, prices, usage);
const lineOf = (e: ReturnType<typeof estimate>, pattern: RegExp) => [...e.fixed, ...e.usage].find((l) => pattern.test(l.item));

describe('estimateCost', () => {
  const nat = { Type: 'AWS::EC2::NatGateway', Properties: {} };
  const budget = { Type: 'AWS::Budgets::Budget', Properties: { Budget: { BudgetLimit: { Amount: 100, Unit: 'USD' } } } };

  test('prices a NAT gateway for the month with its data', () => {
    expect(lineOf(estimate({ Nat: nat }), /NAT gateway/)?.expectedUsd).toBeCloseTo(HOURS_PER_MONTH * 0.045 + 10 * 0.045, 2);
  });

  test('every public IPv4 address costs $0.005 an hour, a NAT gateway\'s Elastic IP included', () => {
    expect(lineOf(estimate({ Nat: nat, Ip: { Type: 'AWS::EC2::EIP' } }), /public IPv4/)?.expectedUsd).toBeCloseTo(HOURS_PER_MONTH * 0.005, 2);
  });

  test('an internet-facing load balancer has a public IPv4 address per subnet; an internal one none', () => {
    const alb = (scheme: string) => ({ Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: scheme, Subnets: ['a', 'b'] } });
    expect(lineOf(estimate({ Lb: alb('internet-facing') }), /public IPv4/)?.expectedUsd).toBeCloseTo(2 * HOURS_PER_MONTH * 0.005, 2);
    expect(lineOf(estimate({ Lb: alb('internal') }), /public IPv4/)).toBeUndefined();
  });

  test('scales the simulated week to a month and prices max as MaxSize of the most expensive allowed type, on-demand all month', () => {
    const f = fleet({ maxSize: 3, instanceTypes: ['g5.xlarge', 'g5.2xlarge'] });
    const line = lineOf(estimate({}, f, gpu(f, figures(7), figures(70))), /^GPU fleet of default: 0-3/);
    expect(line).toMatchObject({ minUsd: 30.42, expectedUsd: 304.17, maxUsd: Math.round(3 * 1.212 * HOURS_PER_MONTH * 100) / 100 });
  });

  test('names a fleet of CPU types a CPU fleet, priced from the table\'s CPU types', () => {
    const f = fleet({ maxSize: 2, instanceTypes: ['c6i.large', 'c7i.large'] });
    const line = lineOf(estimate({}, f, gpu(f, figures(7), figures(70))), /^CPU fleet of default: 0-2 x c6i\.large\|c7i\.large \(max: c7i\.large on-demand\)/);
    expect(line?.maxUsd).toBeCloseTo(2 * 0.08925 * HOURS_PER_MONTH, 2);
  });

  test('prices the fleet\'s gp3 root volumes for the instance-hours it ran', () => {
    const f = fleet({ source: 'dev/Stack/Asg', maxSize: 2 });
    const resources = {
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'Lt' } } } } } },
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { BlockDeviceMappings: [{ Ebs: { VolumeSize: 100, VolumeType: 'gp3' } }] } } },
    };
    const line = lineOf(estimate(resources, f, gpu(f, figures(0, 0), figures(0, 168))), /root volumes/);
    expect(line?.expectedUsd).toBeCloseTo((168 * HOURS_PER_MONTH / 168) * 100 * 0.08 / HOURS_PER_MONTH, 2);
    expect(line?.maxUsd).toBeCloseTo(2 * 100 * 0.08, 2);
  });

  test('a SageMaker variant is expected at its initial count, between its scalable target\'s minimum and maximum', () => {
    const config = { Type: 'AWS::SageMaker::EndpointConfig', Properties: { ProductionVariants: [{ VariantName: 'primary', InstanceType: 'ml.g5.xlarge', InitialInstanceCount: 2 }] } };
    const target = { Type: 'AWS::ApplicationAutoScaling::ScalableTarget', Properties: { ResourceId: 'endpoint/e/variant/primary', MinCapacity: 1, MaxCapacity: 6 } };
    const monthly = 1.408 * HOURS_PER_MONTH;
    expect(lineOf(estimate({ C: config, T: target }), /SageMaker variant primary/)).toMatchObject({ minUsd: Math.round(monthly * 100) / 100, expectedUsd: Math.round(2 * monthly * 100) / 100, maxUsd: Math.round(6 * monthly * 100) / 100 });
  });

  test('EKS Auto Mode nodes: the CPU pool keeps its nodes, the GPU pool costs nothing idle and its GPU limit at most, with the Auto Mode fee', () => {
    const pool = (name: string, types: string[], limits: Record<string, number>) => ({
      Type: 'Custom::AWSCDK-EKS-KubernetesResource',
      Properties: { Manifest: JSON.stringify([{ kind: 'NodePool', apiVersion: 'karpenter.sh/v1', metadata: { name }, spec: { template: { spec: { requirements: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: types }] } }, limits } }]) },
    });
    const e = estimate({ Cpu: pool('cpu', ['m6i.large', 'm6i.xlarge'], { cpu: 16 }), Gpu: pool('gpu', ['g5.xlarge', 'g5.12xlarge'], { cpu: 96, 'nvidia.com/gpu': 8 }) });
    expect(lineOf(e, /NodePool cpu/)?.expectedUsd).toBeCloseTo((0.096 + 0.01152) * HOURS_PER_MONTH, 2);
    expect(lineOf(e, /NodePool cpu/)?.maxUsd).toBeCloseTo(8 * (0.096 + 0.01152) * HOURS_PER_MONTH, 2);
    expect(lineOf(e, /NodePool gpu/)).toMatchObject({ minUsd: 0, expectedUsd: 0 });
    expect(lineOf(e, /NodePool gpu/)?.maxUsd).toBeCloseTo(2 * (5.672 + 0.68064) * HOURS_PER_MONTH, 1);
  });

  test('one usage line per service fleet, and no inference fleet is priced as training capacity', () => {
    const group = { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', MaxSize: '2' } };
    const [a, b] = [fleet({ source: 'dev/Stack/A' }), fleet({ source: 'dev/Stack/B', maxSize: 2 })];
    const e = estimateCost(env({ A: group, B: group }), {
      fleets: [
        { service: 'a', fleet: a, idle: figures(0), expected: figures(7), prices: fleetPrices(a, prices) },
        { service: 'b', fleet: b, idle: figures(0), expected: figures(14), prices: fleetPrices(b, prices) },
      ],
      days: 7,
      inferenceFleets: [a.source, b.source],
    }, prices, usage);
    expect(e.usage.filter((l) => !/root volumes/.test(l.item)).map((l) => [l.item, l.expectedUsd]))
      .toEqual([['GPU fleet of a: 0-4 x g5.xlarge (max: g5.xlarge on-demand)', 30.42], ['GPU fleet of b: 0-2 x g5.xlarge (max: g5.xlarge on-demand)', 60.83]]);
  });

  test('an expected cost above the budget in the templates is flagged', () => {
    expect(estimate({ Nat: nat, Budget: budget })).toMatchObject({ budgetUsd: 100, overBudget: false });
    const f = fleet();
    expect(estimate({ Budget: budget }, f, gpu(f, figures(0), figures(50))).overBudget).toBe(true);
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
