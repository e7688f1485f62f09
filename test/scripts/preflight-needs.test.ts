import { RemovalPolicy } from 'aws-cdk-lib';
import { ENVIRONMENTS, EnvironmentConfig, inferenceServicesOf } from '../../lib/config';
import { DEFAULT_TRAINING_INSTANCE_TYPE } from '../../lib/constructs/training/training-cluster';
import { serviceLogGroupPrefix } from '../../lib/stacks/service-names';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { elasticIpNeeds, lambdaNeeds } from '../../scripts/preflight/account-needs';
import { computeGroups, vcpuNeeds } from '../../scripts/preflight/compute-needs';
import { ec2QuotaOf } from '../../scripts/preflight/ec2-quota-classes';
import { fixedNames } from '../../scripts/preflight/fixed-names';
import { amiParameters, ecrImages } from '../../scripts/preflight/image-needs';
import { endpointInstanceNeeds } from '../../scripts/preflight/sagemaker-needs';
import { CfnTemplate, EnvironmentStack } from '../../scripts/preflight/template';
import { DeployTarget } from '../../scripts/preflight/template-values';
import { synthStage } from '../helpers/synth-stage';

// The needs of an environment with the ML platform on, its model published and every stateful
// resource retained: each kind of need its templates can hold, read from the real templates.
const platform = ENVIRONMENTS.find((c) => c.mlPlatform.enabled) as EnvironmentConfig;
const config: EnvironmentConfig = { ...platform, modelPublished: true, removalPolicy: RemovalPolicy.RETAIN };
const { templates } = synthStage(config);
const stacks: EnvironmentStack[] = Object.entries(templates).map(([id, template]) => ({ stackName: `${config.name}-${id}`, template: template.toJSON() as CfnTemplate }));
const TARGET: DeployTarget = { account: '123456789012', region: 'eu-central-1', partition: 'aws', urlSuffix: 'amazonaws.com' };
const stackOf = (id: string) => stackNameOf(config.name, id as never);
const [[service, settings]] = inferenceServicesOf(config);

test('the environment with the ML platform is there to read', () => {
  expect(platform).toBeDefined();
});

describe('computeGroups of the real templates', () => {
  const groups = computeGroups(stacks, config.guardrails.maxGpuInstancesPerFleet);
  const from = (stack: string) => groups.filter((g) => g.source.startsWith(`${stackOf(stack)}/`));

  test('an inference fleet at MaxSize over its instance types', () => {
    const [fleet] = from(STACK_IDS.inference);
    expect(fleet.instanceTypes).toEqual(settings.fleet.instanceTypes);
    expect(fleet.source).toMatch(new RegExp(`\\(MaxSize ${settings.fleet.maxCapacity}\\)$`));
    const { instances: onDemand } = fleet.onDemand as { instances: number };
    const { instances: spot } = fleet.spot as { instances: number };
    expect(onDemand + spot).toBeGreaterThanOrEqual(settings.fleet.maxCapacity);
    expect(onDemand).toBeGreaterThanOrEqual(settings.fleet.onDemandBaseCapacity ?? 0);
  });

  test('the training cluster on-demand at its maxNodes, the spot fleet at the guardrail modify-fleet may reach', () => {
    const training = from(STACK_IDS.training);
    expect(training.map((g) => [g.instanceTypes, g.onDemand, g.spot])).toEqual([
      [[config.training.cluster.instanceType ?? DEFAULT_TRAINING_INSTANCE_TYPE], { instances: config.training.cluster.maxNodes }, { instances: 0 }],
      [config.training.spotFleet.instanceTypes, { instances: 0 }, { instances: config.guardrails.maxGpuInstancesPerFleet }],
    ]);
  });

  test('the NodePools at their CPU limit, for each capacity type they allow', () => {
    const pools = from(STACK_IDS.mlPlatform);
    expect(pools.map((p) => [p.instanceTypes, p.onDemand, p.spot])).toEqual([
      [config.mlPlatform.gpuNodePool.instanceTypes, { vcpus: config.mlPlatform.gpuNodePool.limits.cpu }, { vcpus: config.mlPlatform.gpuNodePool.limits.cpu }],
      [config.mlPlatform.cpuNodePool.instanceTypes, { vcpus: config.mlPlatform.cpuNodePool.limits.cpu }, { vcpus: config.mlPlatform.cpuNodePool.limits.cpu }],
    ]);
  });
});

describe('computeGroups: how a group splits between on-demand and spot', () => {
  const group = (properties: Record<string, unknown>, launchTemplateData: Record<string, unknown> = { InstanceType: 'g5.xlarge' }) => computeGroups([{
    stackName: 's',
    template: { Resources: { G: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MaxSize: '10', LaunchTemplate: { LaunchTemplateId: { Ref: 'T' } }, ...properties } }, T: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: launchTemplateData } } } },
  }], 0)[0];
  const mixed = (distribution: Record<string, unknown>) => group({ MixedInstancesPolicy: { InstancesDistribution: distribution, LaunchTemplate: { Overrides: [{ InstanceType: 'g5.xlarge' }, { InstanceType: 'g6.xlarge' }] } } });

  test.each([
    // The base is on-demand, then the percentage of what is above it, each share rounded up.
    [{ OnDemandBaseCapacity: 2, OnDemandPercentageAboveBaseCapacity: 25 }, 4, 6],
    [{ OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0 }, 0, 10],
    // OnDemandPercentageAboveBaseCapacity defaults to 100.
    [{}, 10, 0],
  ])('%j: %i on-demand, %i spot at MaxSize 10', (distribution, onDemand, spot) => {
    expect([mixed(distribution).onDemand, mixed(distribution).spot]).toEqual([{ instances: onDemand }, { instances: spot }]);
  });

  test('without a mixed instances policy: the launch template\'s type, on-demand unless it asks for spot', () => {
    expect([group({}).instanceTypes, group({}).onDemand]).toEqual([['g5.xlarge'], { instances: 10 }]);
    expect(group({}, { InstanceType: 'g5.xlarge', InstanceMarketOptions: { MarketType: 'spot' } }).spot).toEqual({ instances: 10 });
  });
});

describe('vcpuNeeds', () => {
  const vcpus = new Map([['g5.xlarge', 4], ['g5.12xlarge', 48], ['p4d.24xlarge', 96], ['m6i.large', 2]]);

  test('instances times the largest type of each quota class, summed over groups', () => {
    const needs = vcpuNeeds([
      { source: 'a', instanceTypes: ['g5.xlarge', 'g5.12xlarge', 'p4d.24xlarge'], onDemand: { instances: 0 }, spot: { instances: 2 } },
      { source: 'b', instanceTypes: ['g5.xlarge'], onDemand: { instances: 3 }, spot: { instances: 1 } },
      { source: 'c', instanceTypes: ['m6i.large'], onDemand: { vcpus: 16 }, spot: { instances: 0 } },
    ], vcpus);
    expect(needs.map((n) => [n.quota.names[0], n.vcpus])).toEqual([
      ['All G and VT Spot Instance Requests', 2 * 48 + 4],
      ['All P4, P3 and P2 Spot Instance Requests', 2 * 96],
      ['Running On-Demand G and VT instances', 3 * 4],
      ['Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', 16],
    ]);
  });
});

describe('ec2QuotaOf: EC2\'s quota classes', () => {
  test.each([
    ['g4dn.xlarge', 'on-demand', ['Running On-Demand G and VT instances']],
    ['g6.12xlarge', 'spot', ['All G and VT Spot Instance Requests']],
    ['p4d.24xlarge', 'spot', ['All P4, P3 and P2 Spot Instance Requests', 'All P Spot Instance Requests']],
    ['p5.48xlarge', 'spot', ['All P5 Spot Instance Requests', 'All P Spot Instance Requests']],
    ['p5.48xlarge', 'on-demand', ['Running On-Demand P instances']],
    ['inf2.xlarge', 'on-demand', ['Running On-Demand Inf instances']],
    ['m6i.large', 'spot', ['All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests']],
  ])('%s %s', (type, market, names) => {
    expect(ec2QuotaOf(type, market as 'spot' | 'on-demand')?.names).toEqual(names);
  });
});

describe('the other needs of the real templates', () => {
  test('SageMaker: each variant at its scalable target\'s maximum, summed per instance type', () => {
    const byType = new Map<string, number>();
    for (const variant of config.sageMaker.endpoint.variants) byType.set(variant.instanceType, (byType.get(variant.instanceType) ?? 0) + config.sageMaker.endpoint.maxCapacity);
    expect(endpointInstanceNeeds(stacks, TARGET).map((n) => [n.instanceType, n.instances])).toEqual([...byType]);
  });

  test('Lambda: the functions that reserve concurrency', () => {
    const { functions, reservations } = lambdaNeeds(stacks);
    const reserving = stacks.flatMap((s) => Object.values(s.template.Resources ?? {})).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.ReservedConcurrentExecutions !== undefined);
    expect([functions > 0, reservations.length]).toEqual([true, reserving.length]);
  });

  test('Elastic IPs: one per NAT gateway of the network', () => {
    expect(elasticIpNeeds(stacks)).toEqual({ addresses: config.network.natGateways, natGateways: config.network.natGateways, stackNames: [stackOf(STACK_IDS.network)] });
  });

  test('fixed names: none retained (the retained log groups and backup vault are named per deployment), none built from a generated name', () => {
    const names = fixedNames(stacks, TARGET);
    expect(names.filter((n) => n.retained)).toEqual([]);
    expect(names.filter((n) => n.name.startsWith('/aws/lambda/'))).toEqual([]);
  });

  test('fixed names: the service log group is one where the environment destroys it', () => {
    const destroyed = synthStage({ ...config, removalPolicy: RemovalPolicy.DESTROY }).templates;
    const names = fixedNames(Object.entries(destroyed).map(([id, t]) => ({ stackName: `${config.name}-${id}`, template: t.toJSON() as CfnTemplate })), TARGET);
    expect(names.map((n) => [n.type, n.name, n.retained])).toContainEqual(['AWS::Logs::LogGroup', `${serviceLogGroupPrefix(config.name, service)}/${settings.model.name}`, false]);
  });

  test('the Deep Learning AMI\'s public SSM parameter', () => {
    expect(amiParameters(stacks)).toEqual([expect.stringMatching(/^\/aws\/service\/deeplearning\/ami\//)]);
  });

  test('the serving image, its registry account read from the template\'s mapping for the region', () => {
    const images = ecrImages(stacks, TARGET);
    expect(images.map((i) => [i.registryId, i.region, i.repositoryName])).toEqual([['763104351884', TARGET.region, 'pytorch-inference']]);
    expect(images[0].tag).toMatch(/sagemaker$/);
    expect(ecrImages(stacks, { ...TARGET, region: 'ap-east-1' })[0].registryId).toBe('871362719292');
  });

  test('a region the registry mapping lacks fails as the deploy would', () => {
    expect(() => ecrImages(stacks, { ...TARGET, region: 'xx-nowhere-1' })).toThrow(/mapping \w+ has no xx-nowhere-1\.\w+: Fn::FindInMap fails the deploy there/);
  });
});
