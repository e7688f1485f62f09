import { EnvironmentConfig, ENVIRONMENTS, selectEnvironments, validateEnvironmentConfig } from '../../lib/config';
import { dev } from '../../lib/config/dev';
import { prod } from '../../lib/config/prod';

/** A copy of prod with one change. */
function prodWith(change: (c: EnvironmentConfig) => EnvironmentConfig): EnvironmentConfig {
  return change(structuredClone(prod));
}

const invalid: Array<[string, EnvironmentConfig, RegExp]> = [
  ['maxCapacity below minCapacity', prodWith((c) => ({ ...c, inference: { ...c.inference, minCapacity: 4, maxCapacity: 2, onDemandBaseCapacity: 0 } })),
    /prod\.inference\.maxCapacity \(2\) must be >= minCapacity \(4\)/],
  ['on-demand base above maxCapacity', prodWith((c) => ({ ...c, inference: { ...c.inference, onDemandBaseCapacity: 11 } })),
    /prod\.inference\.maxCapacity \(10\) must be >= onDemandBaseCapacity \(11\)/],
  ['a non-GPU instance type', prodWith((c) => ({ ...c, inference: { ...c.inference, instanceTypes: ['m5.large'] } })),
    /prod\.inference\.instanceTypes\[0\] \("m5\.large"\) is not a supported GPU instance type: use one of g4dn\.xlarge/],
  ['no instance types', prodWith((c) => ({ ...c, inference: { ...c.inference, instanceTypes: [] } })),
    /prod\.inference\.instanceTypes is empty: list at least one value/],
  ['a 6-field cron', prodWith((c) => ({ ...c, inference: { ...c.inference, schedule: { ...c.inference.schedule, scaleDownCron: '0 0 22 * * *' } } })),
    /prod\.inference\.schedule\.scaleDownCron \("0 0 22 \* \* \*"\) must be a cron expression of 5 fields/],
  ['an unknown time zone', prodWith((c) => ({ ...c, inference: { ...c.inference, schedule: { ...c.inference.schedule, timeZone: 'Mars/Olympus' } } })),
    /prod\.inference\.schedule\.timeZone \("Mars\/Olympus"\) is not a known IANA time zone/],
  ['a zero spot max price', prodWith((c) => ({ ...c, inference: { ...c.inference, spotMaxPriceUsdPerHour: 0 } })),
    /prod\.inference\.spotMaxPriceUsdPerHour \(0\) must be > 0 USD per hour/],
  ['a spot max price above on-demand', prodWith((c) => ({ ...c, inference: { ...c.inference, spotMaxPriceUsdPerHour: 0.9 } })),
    /prod\.inference\.spotMaxPriceUsdPerHour \(0\.9\) must be below the on-demand price of every instance type \(g4dn\.xlarge costs 0\.526 USD\/hour\)/],
  ['an empty tag value', prodWith((c) => ({ ...c, tags: { ...c.tags, team: ' ' } })),
    /prod\.tags\.team is empty: give it a non-empty value/],
  ['a malformed account', prodWith((c) => ({ ...c, account: '12345' })),
    /prod\.account \("12345"\) must be a 12-digit AWS account id/],
  ['a malformed region', prodWith((c) => ({ ...c, region: 'Frankfurt' })),
    /prod\.region \("Frankfurt"\) must be a region code like "eu-central-1"/],
  ['more NAT gateways than AZs', prodWith((c) => ({ ...c, network: { maxAzs: 2, natGateways: 3 } })),
    /prod\.network\.natGateways \(3\) must be between 1 and 2/],
  ['a fractional backup retention', prodWith((c) => ({ ...c, backupRetentionDays: 1.5 })),
    /prod\.backupRetentionDays \(1\.5\) must be a whole number >= 1/],
  ['a GPU memory fraction above 1', prodWith((c) => ({ ...c, inference: { ...c.inference, model: { ...c.inference.model, gpuMemoryFraction: 1.2 } } })),
    /prod\.inference\.model\.gpuMemoryFraction \(1\.2\) must be > 0 and <= 1/],
  ['a job longer than the SQS visibility limit', prodWith((c) => ({ ...c, inference: { ...c.inference, maxJobDurationSeconds: 50_000 } })),
    /prod\.inference\.maxJobDurationSeconds \(50000\) must be between 1 and 43200/],
  ['a zero backlog latency', prodWith((c) => ({ ...c, inference: { ...c.inference, acceptableLatencySeconds: 0 } })),
    /prod\.inference\.acceptableLatencySeconds \(0\) must be > 0/],
  ['EFA on a type without it', prodWith((c) => ({ ...c, training: { ...c.training, instanceType: 'p3.8xlarge', efa: true } })),
    /prod\.training\.efa \(true\) needs an instance type with EFA, and prod\.training\.instanceType \("p3\.8xlarge"\) has none: set efa to false/],
  ['an idle threshold above 100', prodWith((c) => ({ ...c, training: { ...c.training, idleShutdown: { ...c.training.idleShutdown, gpuUtilizationThresholdPercent: 120 } } })),
    /prod\.training\.idleShutdown\.gpuUtilizationThresholdPercent \(120\) must be between 0 and 100/],
  ['a spot fleet without instance types', prodWith((c) => ({ ...c, training: { ...c.training, spotFleet: { ...c.training.spotFleet, instanceTypes: [] } } })),
    /prod\.training\.spotFleet\.instanceTypes is empty/],
  ['a spot fleet job name that is not an S3 prefix', prodWith((c) => ({ ...c, training: { ...c.training, spotFleet: { ...c.training.spotFleet, jobName: 'My Job/1' } } })),
    /prod\.training\.spotFleet\.jobName \("My Job\/1"\) must be lower-case letters, digits and hyphens/],
  ['an empty training command', prodWith((c) => ({ ...c, training: { ...c.training, spotFleet: { ...c.training.spotFleet, trainingCommand: '' } } })),
    /prod\.training\.spotFleet\.trainingCommand is empty/],
  ['a non-ml SageMaker instance type', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, variants: [{ ...c.sageMaker.variants[0], instanceType: 'g5.xlarge' }] } })),
    /prod\.sageMaker\.variants\[0\]\.instanceType \("g5\.xlarge"\) must be a SageMaker instance type starting with "ml\."/],
  ['a zero variant weight', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, variants: [{ ...c.sageMaker.variants[0], initialVariantWeight: 0 }] } })),
    /prod\.sageMaker\.variants\[0\]\.initialVariantWeight \(0\) must be > 0/],
  ['duplicate variant names', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, variants: [c.sageMaker.variants[0], c.sageMaker.variants[0]] } })),
    /prod\.sageMaker\.variants has the name "primary" twice/],
  ['SageMaker max below min', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, minCapacity: 3, maxCapacity: 2 } })),
    /prod\.sageMaker\.maxCapacity \(2\) must be >= minCapacity \(3\)/],
  ['a model key outside models/', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, modelDataKey: 'other/model.tar.gz' } })),
    /prod\.sageMaker\.modelDataKey \("other\/model\.tar\.gz"\) must start with "models\/"/],
  ['a safety factor above 1', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, safetyFactor: 1.5 } })),
    /prod\.sageMaker\.safetyFactor \(1\.5\) must be > 0 and <= 1/],
  ['a zero budget', prodWith((c) => ({ ...c, budget: { ...c.budget, monthlyLimitUsd: 0 } })),
    /prod\.budget\.monthlyLimitUsd \(0\) must be > 0/],
  ['a malformed budget email', prodWith((c) => ({ ...c, budget: { ...c.budget, notificationEmails: ['finance'] } })),
    /prod\.budget\.notificationEmails\[0\] \("finance"\) is not an email address/],
  ['an empty cost center tag', prodWith((c) => ({ ...c, tags: { ...c.tags, costCenter: '' } })),
    /prod\.tags\.costCenter is empty/],
  ['an empty project tag', prodWith((c) => ({ ...c, tags: { ...c.tags, project: '' } })),
    /prod\.tags\.project is empty/],
  ['zero AZs', prodWith((c) => ({ ...c, network: { maxAzs: 0, natGateways: 0 } })),
    /prod\.network\.maxAzs \(0\) must be between 1 and 6/],
  ['a negative inference minCapacity', prodWith((c) => ({ ...c, inference: { ...c.inference, minCapacity: -1 } })),
    /prod\.inference\.minCapacity \(-1\) must be a whole number >= 0/],
  ['a zero inference maxCapacity', prodWith((c) => ({ ...c, inference: { ...c.inference, minCapacity: 0, onDemandBaseCapacity: 0, maxCapacity: 0 } })),
    /prod\.inference\.maxCapacity \(0\) must be a whole number >= 1/],
  ['a fractional on-demand base', prodWith((c) => ({ ...c, inference: { ...c.inference, onDemandBaseCapacity: 0.5 } })),
    /prod\.inference\.onDemandBaseCapacity \(0\.5\) must be a whole number >= 0/],
  ['an on-demand share above 100', prodWith((c) => ({ ...c, inference: { ...c.inference, onDemandPercentageAboveBaseCapacity: 101 } })),
    /prod\.inference\.onDemandPercentageAboveBaseCapacity \(101\) must be between 0 and 100/],
  ['a tiny inference root volume', prodWith((c) => ({ ...c, inference: { ...c.inference, rootVolumeSizeGiB: 8 } })),
    /prod\.inference\.rootVolumeSizeGiB \(8\) must be between 30 and 16384/],
  ['an empty model name', prodWith((c) => ({ ...c, inference: { ...c.inference, model: { ...c.inference.model, name: '' } } })),
    /prod\.inference\.model\.name is empty/],
  ['an empty model version', prodWith((c) => ({ ...c, inference: { ...c.inference, model: { ...c.inference.model, version: '' } } })),
    /prod\.inference\.model\.version is empty/],
  ['an empty container image', prodWith((c) => ({ ...c, inference: { ...c.inference, model: { ...c.inference.model, containerImage: '' } } })),
    /prod\.inference\.model\.containerImage is empty/],
  ['a zero warm-up', prodWith((c) => ({ ...c, inference: { ...c.inference, model: { ...c.inference.model, warmupSeconds: 0 } } })),
    /prod\.inference\.model\.warmupSeconds \(0\) must be > 0/],
  ['a zero job duration estimate', prodWith((c) => ({ ...c, inference: { ...c.inference, secondsPerJob: 0 } })),
    /prod\.inference\.secondsPerJob \(0\) must be > 0/],
  ['a zero scale-to-zero delay', prodWith((c) => ({ ...c, inference: { ...c.inference, scaleToZeroAfterIdleMinutes: 0 } })),
    /prod\.inference\.scaleToZeroAfterIdleMinutes \(0\) must be a whole number >= 1/],
  ['a 4-field scale-up cron', prodWith((c) => ({ ...c, inference: { ...c.inference, schedule: { ...c.inference.schedule, scaleUpCron: '0 7 * *' } } })),
    /prod\.inference\.schedule\.scaleUpCron \("0 7 \* \*"\) must be a cron expression of 5 fields/],
  ['a non-GPU training instance type', prodWith((c) => ({ ...c, training: { ...c.training, instanceType: 'c5.large' } })),
    /prod\.training\.instanceType \("c5\.large"\) is not a supported GPU instance type/],
  ['zero training nodes', prodWith((c) => ({ ...c, training: { ...c.training, maxNodes: 0 } })),
    /prod\.training\.maxNodes \(0\) must be a whole number >= 1/],
  ['a tiny training root volume', prodWith((c) => ({ ...c, training: { ...c.training, rootVolumeSizeGiB: 20 } })),
    /prod\.training\.rootVolumeSizeGiB \(20\) must be between 30 and 16384/],
  ['a non-GPU spot fleet type', prodWith((c) => ({ ...c, training: { ...c.training, spotFleet: { ...c.training.spotFleet, instanceTypes: ['m5.large'] } } })),
    /prod\.training\.spotFleet\.instanceTypes\[0\] \("m5\.large"\) is not a supported GPU instance type/],
  ['a negative spot target capacity', prodWith((c) => ({ ...c, training: { ...c.training, spotFleet: { ...c.training.spotFleet, targetCapacity: -1 } } })),
    /prod\.training\.spotFleet\.targetCapacity \(-1\) must be a whole number >= 0/],
  ['an idle shutdown under 5 minutes', prodWith((c) => ({ ...c, training: { ...c.training, idleShutdown: { ...c.training.idleShutdown, idleMinutes: 2 } } })),
    /prod\.training\.idleShutdown\.idleMinutes \(2\) must be a whole number >= 5/],
  ['an idle shutdown over a day', prodWith((c) => ({ ...c, training: { ...c.training, idleShutdown: { ...c.training.idleShutdown, idleMinutes: 1441 } } })),
    /prod\.training\.idleShutdown\.idleMinutes \(1441\) must be between 5 and 1440/],
  ['zero checkpoint version days', prodWith((c) => ({ ...c, training: { ...c.training, checkpointNoncurrentVersionDays: 0 } })),
    /prod\.training\.checkpointNoncurrentVersionDays \(0\) must be a whole number >= 1/],
  ['an empty image repository', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, imageRepositoryName: '' } })),
    /prod\.sageMaker\.imageRepositoryName is empty/],
  ['an empty image tag', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, imageTag: ' ' } })),
    /prod\.sageMaker\.imageTag is empty/],
  ['no SageMaker variants', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, variants: [] } })),
    /prod\.sageMaker\.variants is empty: list at least one value/],
  ['a zero initial instance count', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, variants: [{ ...c.sageMaker.variants[0], initialInstanceCount: 0 }] } })),
    /prod\.sageMaker\.variants\[0\]\.initialInstanceCount \(0\) must be a whole number >= 1/],
  ['a zero SageMaker minCapacity', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, minCapacity: 0 } })),
    /prod\.sageMaker\.minCapacity \(0\) must be a whole number >= 1/],
  ['zero SageMaker requests per second', prodWith((c) => ({ ...c, sageMaker: { ...c.sageMaker, maxRequestsPerSecond: 0 } })),
    /prod\.sageMaker\.maxRequestsPerSecond \(0\) must be > 0/],
  ['a zero GPU cap', prodWith((c) => ({ ...c, guardrails: { ...c.guardrails, maxGpuInstancesPerFleet: 0 } })),
    /prod\.guardrails\.maxGpuInstancesPerFleet \(0\) must be a whole number >= 1/],
  ['an empty guardrail allow-list', prodWith((c) => ({ ...c, guardrails: { ...c.guardrails, allowedInstanceTypes: [] } })),
    /prod\.guardrails\.allowedInstanceTypes is empty/],
];

describe('validateEnvironmentConfig', () => {
  test.each(ENVIRONMENTS.map((c) => [c.name, c] as const))('accepts the shipped %s config', (_name, config) => {
    expect(() => validateEnvironmentConfig(config)).not.toThrow();
  });

  test.each(invalid)('rejects %s', (_what, config, message) => {
    expect(() => validateEnvironmentConfig(config)).toThrow(message);
  });

  test('names the environment and lists every problem at once', () => {
    const config = prodWith((c) => ({ ...c, tags: { ...c.tags, team: '', project: '' } }));
    expect(() => validateEnvironmentConfig(config)).toThrow(
      /^Invalid config for environment "prod":\n- prod\.tags\.team is empty.*\n- prod\.tags\.project is empty/,
    );
  });
});

describe('selectEnvironments', () => {
  test('selects every environment without context', () => {
    expect(selectEnvironments(undefined).map((c) => c.name)).toEqual(['dev', 'staging', 'prod']);
  });

  test('selects a comma-separated list', () => {
    expect(selectEnvironments('dev, prod').map((c) => c.name)).toEqual(['dev', 'prod']);
  });

  test('rejects an unknown environment', () => {
    expect(() => selectEnvironments('qa')).toThrow(/context env \("qa"\) is not an environment: use one or more of dev, staging, prod/);
  });

  test('validates what it selects', () => {
    const broken = { ...dev, tags: { ...dev.tags, costCenter: '' } };
    expect(() => selectEnvironments('dev', [broken])).toThrow(/dev\.tags\.costCenter is empty/);
  });
});
