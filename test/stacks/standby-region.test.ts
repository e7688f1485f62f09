import { parseArgs } from 'node:util';
import { App } from 'aws-cdk-lib';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { Match } from 'aws-cdk-lib/assertions';
import { ENVIRONMENTS, inferenceServicesOf } from '../../lib/config';
import { HOURS_PER_MONTH, resourceName, resourcesOf } from '../../lib/foresight/cost-line';
import { StackTemplate } from '../../lib/foresight/stack-templates';
import { estimateStandbyCost, standbyPrices } from '../../lib/foresight/standby-cost';
import { fleetFromTemplates } from '../../lib/foresight/template-fleet';
import { regionPrices } from '../../lib/pricing/price-table';
import { AiInfraStage } from '../../lib/stacks/ai-infra-stage';
import { STACK_IDS, STANDBY_STACK_IDS } from '../../lib/stacks/stack-names';
import { standbyServiceSettings } from '../../lib/stacks/standby-region';
import { DEFAULT_SERVICE, serviceOutputKey } from '../../lib/stacks/service-names';
import { COST_COMMAND_LINE, costSettingsOf } from '../../scripts/cost';
import { estimateEnvironment } from '../../scripts/foresight/estimate-environment';
import { standbyEnvironment } from '../helpers/standby';
import { synthStage } from '../helpers/synth-stage';

const config = standbyEnvironment(ENVIRONMENTS);
const { stage, templates } = synthStage(config);
const primary = templates[STACK_IDS.inference];
const standby = templates[STACK_IDS.standbyInference];
const endpoint = templates[STACK_IDS.standbyEndpoint];
const names = inferenceServicesOf(config).map(([name]) => name);
/** The standby model bucket's name, as its template renders it. */
const replicaName = { 'Fn::Join': ['', [`${config.name}-models-`, { Ref: 'AWS::AccountId' }, `-${config.secondaryRegion}`]] };
/** An ARN of this account, as the templates render it: `arn:<partition>:<service>:<region>:<account><resource>`, `suffix` after the account. */
const arnOf = (service: string, region: string, account: boolean, suffix: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:${region}:${account ? '' : suffix}`, ...(account ? [{ Ref: 'AWS::AccountId' }, suffix] : [])]],
});
/** The standby model bucket's ARN, `suffix` after it, as the primary's template renders it. */
const replicaArn = (suffix = '') => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${config.name}-models-`, { Ref: 'AWS::AccountId' }, `-${config.secondaryRegion}${suffix}`]],
});
const viaS3 = (region: string) => ({ 'Fn::Join': ['', [`s3.${region}.`, { Ref: 'AWS::URLSuffix' }]] });

/** An app that bundles no asset: these tests read the construct tree only. */
const unbundled = () => new App({ context: { [BUNDLING_STACKS]: [] } });

type Resource = { readonly Type: string; readonly Properties: Record<string, unknown>; readonly DeletionPolicy?: string };
const resources = (stackId: string): Record<string, Resource> => templates[stackId].toJSON().Resources as Record<string, Resource>;

describe('the standby Region\'s stacks', () => {
  test('deploy to secondaryRegion; the others to region', () => {
    const regions = Object.fromEntries(stage.node.children.filter((c): c is AiInfraStage['inference'] => 'region' in c).map((s) => [s.node.id, s.region]));
    for (const [id, region] of Object.entries(regions)) expect([id, region]).toEqual([id, STANDBY_STACK_IDS.includes(id as never) ? config.secondaryRegion : config.region]);
    expect(Object.keys(regions)).toEqual(expect.arrayContaining([...STANDBY_STACK_IDS]));
  });

  test('the primary inference stack is deployed after the standby one, whose model bucket its replication rule names', () => {
    expect(stage.inference.dependencies.map((s) => s.node.id)).toContain(STACK_IDS.standbyInference);
  });

  test('each service has its own queue, dead-letter queue, results bucket and fleet in the standby Region, with the same outputs', () => {
    expect(Object.keys(standby.findOutputs('*')).sort()).toEqual(Object.keys(primary.findOutputs('*')).sort());
    standby.resourceCountIs('AWS::SQS::Queue', 2 * names.length);
    standby.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', names.length);
  });

  test('every standby fleet sits at MinSize 0 with no scheduled action, and scales from its own queue', () => {
    standby.allResourcesProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0' });
    standby.resourceCountIs('AWS::AutoScaling::ScheduledAction', 0);
    const queueOutput = standby.toJSON().Outputs[serviceOutputKey(DEFAULT_SERVICE, 'QueueUrl')].Value.Ref as string;
    expect(JSON.stringify(standby.findResources('AWS::CloudWatch::Alarm'))).toContain(queueOutput);
  });

  test('a standby service is the service with MinSize 0, no schedule and no warm-up window, all else equal', () => {
    const service = config.inference[DEFAULT_SERVICE];
    expect(standbyServiceSettings(service)).toEqual({ ...service, fleet: { ...service.fleet, minCapacity: 0 }, schedule: undefined, warmUpWindows: undefined });
  });

  test.each([
    ['JobsQueue24944186', 'AWS::SQS::Queue'],
    ['JobsDeadLetterQueue8CC426EE', 'AWS::SQS::Queue'],
    ['ModelsBucket970C6ADA', 'AWS::S3::Bucket'],
    ['ModelCacheFileSystemC75099E4', 'AWS::EFS::FileSystem'],
    ['ServiceJobResultsBucketB43DFBDC', 'AWS::S3::Bucket'],
  ])('standby stateful resource %s keeps its logical id', (logicalId, type) => {
    expect(resources(STACK_IDS.standbyInference)[logicalId]?.Type).toBe(type);
  });
});

describe('S3 Replication of models/ to the standby Region', () => {
  const rule = () => (resources(STACK_IDS.inference).ModelsBucket970C6ADA.Properties.ReplicationConfiguration as { Rules: Record<string, unknown>[] }).Rules;

  test('the primary model bucket replicates models/ to the standby bucket by its known name', () => {
    expect(rule()).toEqual([expect.objectContaining({
      Status: 'Enabled',
      Filter: { Prefix: 'models/' },
      Destination: expect.objectContaining({ Bucket: replicaArn() }),
    })]);
  });

  test('opts SSE-KMS objects in and encrypts their replicas with the standby Region\'s aws/s3 key', () => {
    expect(rule()[0]).toMatchObject({
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      Destination: { EncryptionConfiguration: { ReplicaKmsKeyID: arnOf('kms', config.secondaryRegion, true, ':alias/aws/s3') } },
    });
  });

  test('does not replicate delete markers: a model deleted in the primary stays in the standby Region', () => {
    expect(rule()[0].DeleteMarkerReplication).toEqual({ Status: 'Disabled' });
  });

  test('the replication role reads the source prefix and writes the destination prefix, decrypting and encrypting through S3 only', () => {
    primary.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'] }),
          Match.objectLike({ Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], Resource: replicaArn('/models/*') }),
          Match.objectLike({
            Action: 'kms:Decrypt',
            Resource: arnOf('kms', config.region, true, ':key/*'),
            Condition: { StringEquals: { 'kms:ViaService': viaS3(config.region) }, StringLike: { 'kms:EncryptionContext:aws:s3:arn': [{ 'Fn::GetAtt': ['ModelsBucket970C6ADA', 'Arn'] }] } },
          }),
          Match.objectLike({
            Action: 'kms:Encrypt',
            Resource: arnOf('kms', config.secondaryRegion, true, ':key/*'),
            Condition: { StringEquals: { 'kms:ViaService': viaS3(config.secondaryRegion) }, StringLike: { 'kms:EncryptionContext:aws:s3:arn': [replicaArn()] } },
          }),
        ]),
      },
    });
  });

  test('S3 assumes the replication role', () => {
    primary.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 's3.amazonaws.com' } })] },
    });
  });

  test('the standby model bucket has that name, is versioned, and goes with its stack (it holds a copy)', () => {
    const bucket = resources(STACK_IDS.standbyInference).ModelsBucket970C6ADA;
    expect([bucket.Properties.BucketName, bucket.Properties.VersioningConfiguration, bucket.DeletionPolicy]).toEqual([replicaName, { Status: 'Enabled' }, 'Delete']);
  });

  test('the standby model bucket replicates nothing further', () => {
    expect(resources(STACK_IDS.standbyInference).ModelsBucket970C6ADA.Properties.ReplicationConfiguration).toBeUndefined();
  });

  test('no template imports a value of a stack in the other Region', () => {
    const imported = (id: string) => [...JSON.stringify(templates[id].toJSON()).matchAll(/"Fn::ImportValue":"([^:"]+):/g)].map((m) => m[1]);
    const regionOf = (stackName: string) => (STANDBY_STACK_IDS.some((id) => stackName === `${config.name}-${id}`) ? config.secondaryRegion : config.region);
    const crossing = Object.keys(templates).flatMap((id) => imported(id).filter((stackName) => regionOf(stackName) !== regionOf(`${config.name}-${id}`)).map((s) => `${id} imports ${s}`));
    expect([crossing, imported(STACK_IDS.standbyInference)]).toEqual([[], expect.arrayContaining([`${config.name}-${STACK_IDS.standbyNetwork}`])]);
  });
});

describe('the standby SageMaker endpoint', () => {
  test('serves the primary endpoint\'s variants', () => {
    const variants = config.sageMaker.endpoint.variants.map((v) => Match.objectLike({ VariantName: v.name, InstanceType: v.instanceType, InitialInstanceCount: v.initialInstanceCount }));
    endpoint.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: variants });
  });

  test('reads the model archive from the standby Region\'s model bucket', () => {
    expect(JSON.stringify(endpoint.findResources('AWS::SageMaker::Model'))).toContain('StandbyAiInference');
  });

  test('outputs its name', () => {
    endpoint.hasOutput('EndpointName', {});
  });

  test('exists only where sageMaker.inSecondaryRegion is set', () => {
    const without = new AiInfraStage(unbundled(), config.name, { config: { ...config, sageMaker: { ...config.sageMaker, inSecondaryRegion: false } } });
    expect([without.standby?.endpoint, without.standby?.inference.stackName]).toEqual([undefined, `${config.name}-${STACK_IDS.standbyInference}`]);
  });

  test('an environment without a secondaryRegion has no standby stack', () => {
    const without = new AiInfraStage(unbundled(), config.name, { config: { ...config, secondaryRegion: undefined, sageMaker: { ...config.sageMaker, inSecondaryRegion: undefined } } });
    expect(without.standby).toBeUndefined();
  });
});

describe('the standby Region\'s standing cost, from its synthesized stacks', () => {
  const usage = { natGbPerMonth: 50, albLcu: 1, efsGb: 20, eksCpuNodes: 1 };
  const stacks: StackTemplate[] = STANDBY_STACK_IDS.map((id) => ({ hierarchicalId: `${config.name}/${id}`, template: templates[id].toJSON() }));
  const prices = standbyPrices(config.secondaryRegion, 'us-east-1', regionPrices('us-east-1'));
  const estimate = estimateStandbyCost(config.secondaryRegion, stacks, names, prices, usage);
  /** The lines of the standby fleet of `name`, found by its stack output as the estimate finds it. */
  const fleetLines = (name: string) => {
    const source = fleetFromTemplates(stacks, serviceOutputKey(name, 'AutoScalingGroupName')).source;
    const group = resourcesOf(stacks).find((r) => `${r.stack}/${r.id}` === source)!;
    return estimate.usage.filter((l) => l.resource === resourceName(group));
  };

  test.each(names)('the standby fleet of %s costs nothing while it stands by, and at most its MaxSize on-demand all month', (name) => {
    const { maxCapacity, instanceTypes } = config.inference[name].fleet;
    const ceiling = Math.max(...instanceTypes.map((type) => prices.prices.ec2OnDemandUsdPerHour[type]));
    const [instances, volumes] = fleetLines(name);
    expect([instances.component, instances.monthly.minUsd, instances.monthly.expectedUsd, volumes.component, volumes.monthly.expectedUsd]).toEqual(['on-demand instances', 0, 0, 'root volumes', 0]);
    expect(instances.monthly.maxUsd).toBeCloseTo(maxCapacity * ceiling * HOURS_PER_MONTH, 0);
  });

  test('prices the standby network\'s NAT gateways and the endpoint\'s variants', () => {
    const natGateways = Object.keys(templates[STACK_IDS.standbyNetwork].findResources('AWS::EC2::NatGateway')).length;
    expect(estimate.fixed.filter((l) => l.component === 'NAT gateway')).toHaveLength(natGateways);
    expect(estimate.fixed.filter((l) => l.type === 'AWS::SageMaker::EndpointConfig').map((l) => l.component)).toEqual(config.sageMaker.endpoint.variants.map((v) => `variant ${v.name}`));
  });

  test('while it stands by, the standby costs its always-on lines: the fleets add nothing', () => {
    expect(estimate.total.expectedUsd).toBeCloseTo(estimate.fixed.reduce((n, l) => n + l.monthly.expectedUsd, 0), 2);
  });
});

describe('npm run cost\'s estimate of the environment with its standby Region', () => {
  const stackTemplate = (id: string): StackTemplate => ({ hierarchicalId: `${config.name}/${id}`, template: templates[id].toJSON() });
  const primaryStacks = Object.keys(templates).filter((id) => !STANDBY_STACK_IDS.includes(id as never)).map(stackTemplate);
  const settings = costSettingsOf(parseArgs({ args: [], options: { ...COST_COMMAND_LINE.options, help: { type: 'boolean', default: false } } }).values);
  const { estimate, savingsPlans } = estimateEnvironment(config, names, primaryStacks, settings, STANDBY_STACK_IDS.map(stackTemplate));

  test('includes the standby Region\'s standing cost in the environment\'s total', () => {
    const primaryOnly = [...estimate.fixed, ...estimate.usage].reduce((n, l) => n + l.monthly.expectedUsd, 0);
    expect([estimate.standby?.region, estimate.total.expectedUsd]).toEqual([config.secondaryRegion, expect.closeTo(primaryOnly + (estimate.standby?.total.expectedUsd ?? NaN), 1)]);
  });

  test('the SageMaker Savings Plan advice covers the standby endpoint\'s minimum instances too (a Savings Plan applies in every Region)', () => {
    const usage = savingsPlans.find((plan) => plan.planType === 'SageMaker')?.usage ?? [];
    const instancesIn = (stackId: string) => usage.filter((u) => u.resource.includes(`/${stackId}/`)).map((u) => [u.instanceType, u.instances]);
    expect([instancesIn(STACK_IDS.standbyEndpoint).length, instancesIn(STACK_IDS.standbyEndpoint)]).toEqual([config.sageMaker.endpoint.variants.length, instancesIn(STACK_IDS.training)]);
  });
});
