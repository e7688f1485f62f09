import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ConfigOverrides, EnvironmentConfig, ENVIRONMENTS, mergeConfig, selectEnvironments, validateEnvironmentConfig } from '../../lib/config';
import { dev } from '../../lib/config/dev';
import { prod } from '../../lib/config/prod';
import { InferenceImage } from '../../lib/constructs/inference/inference-image';
import { MlflowTrackingServerSize } from '../../lib/constructs/ml-platform/mlflow-tracking-server';
import { DEFAULT_SERVICE } from '../../lib/stacks/service-names';
import { ENVIRONMENT_NAMES, UNKNOWN_ENVIRONMENT } from '../helpers/environments';

/** Prod with some fields overridden, as an environment file overrides the base. */
function prodWith(overrides: ConfigOverrides<EnvironmentConfig>): EnvironmentConfig {
  return mergeConfig(prod, overrides);
}

const TEAM_ID = '74361522-da01-538d-aa2e-ac7918c6bb92';
const TEAMS_CHANNEL = '19%3ab6ef35dc342d56ba5654e6fc6d25a071%40thread.tacv2';

/** A model package group, as MLflow's automatic registration names one. */
const GROUP = 'sentiment-3f2a1c';
/** What an override writes to serve a registered model instead of the base's archive. */
const ARCHIVE_FIELDS_REMOVED = { name: undefined, version: undefined, image: undefined };

/** The base's one service, for configs that add services. */
const service = prod.inference[DEFAULT_SERVICE];

/** Each construct rule reached through the config names `env.path.to.field`. */
const invalid: Array<[string, EnvironmentConfig, RegExp]> = [
  ['a service name with capitals', prodWith({ inference: { Summarizer: service } }), /prod\.inference\.Summarizer \("Summarizer"\) must be 1-32 lower-case letters and digits/],
  ['no inference service', prodWith({ inference: { [DEFAULT_SERVICE]: undefined } }), /prod\.inference has no service: define at least one/],
  ['two services that get one construct id', prodWith({ inference: { 'a-1': service, a1: service } }),
    /prod\.inference services "a-1" and "a1" \(ServiceA1\) get one construct id: rename one/],
  ['two services that get one stack output key', prodWith({ inference: { a: service, 'a-dead-letter': service } }),
    /prod\.inference services "a" and "a-dead-letter" \(ServiceADeadLetterQueueUrl\) get one stack output key: rename one/],
  ['an endpoint serving no service', prodWith({ sageMaker: { service: 'summarizer' } }),
    /prod\.sageMaker\.service \("summarizer"\) is not a service of prod\.inference: use one of default/],
  ['maxCapacity below minCapacity', prodWith({ modelPublished: true, inference: { [DEFAULT_SERVICE]: { fleet: { minCapacity: 4, maxCapacity: 2, onDemandBaseCapacity: 0 } } } }),
    /prod\.inference\.default\.fleet\.maxCapacity \(2\) must be >= minCapacity \(4\): lower minCapacity or raise maxCapacity/],
  ['GPU and CPU types in one fleet', prodWith({ inference: { [DEFAULT_SERVICE]: { fleet: { instanceTypes: ['g5.xlarge', 'm5.large'] } } } }),
    /prod\.inference\.default\.fleet\.instanceTypes mixes NVIDIA GPU types \(g5\.xlarge\) and CPU types \(m5\.large\): .* list GPU types only or CPU types only/],
  ['a Graviton type in a CPU fleet', prodWith({ inference: { [DEFAULT_SERVICE]: { fleet: { instanceTypes: ['m7g.large'] } } } }),
    /prod\.inference\.default\.fleet\.instanceTypes\[0\] \("m7g\.large"\) is an AWS Graviton \(arm64\) type/],
  ['a CPU fleet whose image has no CPU build', prodWith({ inference: { [DEFAULT_SERVICE]: {
    fleet: { instanceTypes: ['c7i.large'] }, model: { image: InferenceImage.fromDeepLearningContainer('pytorch-inference', '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker') },
  } } }),
    /prod\.inference\.default\.model\.image \(.*:2\.6\.0-gpu-.*\) has no CPU build for fleet\.instanceTypes\[0\] \("c7i\.large"\)/],
  ['a duplicated instance type', prodWith({ inference: { [DEFAULT_SERVICE]: { fleet: { instanceTypes: ['g5.xlarge', 'g5.xlarge'] } } } }),
    /prod\.inference\.default\.fleet\.instanceTypes lists "g5\.xlarge" twice/],
  ['a boot budget shorter than one heartbeat timeout', prodWith({ inference: { [DEFAULT_SERVICE]: { fleet: { bootBudget: Duration.seconds(10) } } } }),
    /prod\.inference\.default\.fleet\.bootBudget \(10 seconds\) must be between 5 minutes and/],
  ['a model version that is not one S3 key segment', prodWith({ inference: { [DEFAULT_SERVICE]: { model: { version: '1/0' } } } }),
    /prod\.inference\.default\.model\.version \("1\/0"\) must be 1-128 letters, digits/],
  ['a model name of ".."', prodWith({ inference: { [DEFAULT_SERVICE]: { model: { name: '..' } } } }),
    /prod\.inference\.default\.model\.name \(".."\) must be/],
  ['an image reference without a tag', prodWith({ inference: { [DEFAULT_SERVICE]: { model: { image: InferenceImage.fromRegistry('public.ecr.aws/acme/serving') } } } }),
    /prod\.inference\.default\.model\.image \("public\.ecr\.aws\/acme\/serving"\) must be an image reference with a tag or digest/],
  ['a registered model version of 0', prodWith({ inference: { [DEFAULT_SERVICE]: { model: { ...ARCHIVE_FIELDS_REMOVED, modelPackage: { groupName: GROUP, version: 0 } } } } }),
    /prod\.inference\.default\.model\.modelPackage\.version \(0\) must be a whole number >= 1 \(a version of the group\) or 'latest-approved'/],
  ['a registered model over the base\'s archive, its fields kept', prodWith({ inference: { [DEFAULT_SERVICE]: { model: { modelPackage: { groupName: GROUP, version: 'latest-approved' } } } } }),
    /prod\.inference\.default\.model\.modelPackage \(group "sentiment-3f2a1c"\) cannot be given with name \("sentiment"\), version \("1\.0\.0"\), image \(AWS Deep Learning Container .*\): .*\(in an environment override: name: undefined, version: undefined, image: undefined\)/],
  ['a GPU memory fraction above 1', prodWith({ inference: { [DEFAULT_SERVICE]: { model: { gpuMemoryFraction: 1.2 } } } }),
    /prod\.inference\.default\.model\.gpuMemoryFraction \(1\.2\) must be > 0 and <= 1/],
  ['a job longer than the SQS visibility limit', prodWith({ inference: { [DEFAULT_SERVICE]: { maxJobDuration: Duration.hours(13) } } }),
    /prod\.inference\.default\.maxJobDuration \(13 hours\) must be between 1 second and 12 hours/],
  ['no job at a time per instance', prodWith({ inference: { [DEFAULT_SERVICE]: { maxConcurrentJobs: 0 } } }),
    /prod\.inference\.default\.maxConcurrentJobs \(0\) must be a whole number from 1 to 1000: the jobs one instance runs at once/],
  ['results kept less than a day', prodWith({ inference: { [DEFAULT_SERVICE]: { results: { retention: Duration.hours(12) } } } }),
    /prod\.inference\.default\.results\.retention \(days\) \(0\.5\) must be a whole number >= 1/],
  ['results kept a fractional number of days', prodWith({ inference: { [DEFAULT_SERVICE]: { results: { retention: Duration.hours(36) } } } }),
    /prod\.inference\.default\.results\.retention \(days\) \(1\.5\) must be a whole number >= 1/],
  ['a latency below one job', prodWith({ inference: { [DEFAULT_SERVICE]: { scaling: { acceptableLatency: Duration.seconds(5) } } } }),
    /prod\.inference\.default\.scaling\.acceptableLatency \(5 seconds\) must be >= timePerJob \(10 seconds\)/],
  ['a cron hour out of range', prodWith({ inference: { [DEFAULT_SERVICE]: { schedule: { timeZone: 'UTC', scaleDownCron: '0 24 * * *' } } } }),
    /prod\.inference\.default\.schedule\.scaleDownCron \("0 24 \* \* \*"\) has an invalid hour field "24"/],
  ['an unknown time zone', prodWith({ inference: { [DEFAULT_SERVICE]: { schedule: { timeZone: 'Mars/Olympus' } } } }),
    /prod\.inference\.default\.schedule\.timeZone \("Mars\/Olympus"\) is not a known IANA time zone/],
  ['more NAT gateways than AZs', prodWith({ network: { maxAzs: 2, natGateways: 3 } }),
    /prod\.network\.natGateways \(3\) must be between 1 and 2/],
  ['EFA on a type without it', prodWith({ training: { cluster: { instanceType: 'g5.xlarge', efa: true } } }),
    /prod\.training\.cluster\.efa \(true\) needs an instance type with EFA, and instanceType \("g5\.xlarge"\) has none/],
  ['a spot fleet type that is no GPU', prodWith({ training: { spotFleet: { instanceTypes: ['g5.12xlarge', 'm5.large'] } } }),
    /prod\.training\.spotFleet\.instanceTypes\[1\] \("m5\.large"\) is not a supported NVIDIA GPU instance type/],
  ['a Volta training cluster the Deep Learning AMI cannot drive', prodWith({ training: { cluster: { instanceType: 'p3.8xlarge' } } }),
    /prod\.training\.cluster\.instanceType \("p3\.8xlarge"\) has volta GPUs, which the Deep Learning Base OSS Nvidia Driver AMI does not support/],
  ['an idle shutdown under 5 minutes', prodWith({ training: { idleShutdown: { idleDuration: Duration.minutes(2) } } }),
    /prod\.training\.idleShutdown\.idleDuration \(2 minutes\) must be between 5 minutes and 1 day/],
  ['a CPU SageMaker variant with an image that has only a GPU tag',
    mergeConfig(dev, { inference: { default: { model: { image: InferenceImage.fromDeepLearningContainer('pytorch-inference', '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker') } } } }),
    /dev\.inference\.default\.model\.image \(AWS Deep Learning Container pytorch-inference:2\.6\.0-gpu-.*\) has no CPU build for dev\.sageMaker\.endpoint\.variants\[0\]\.instanceType \("ml\.m5\.large"\)/],
  ['a fleet image with only a CPU tag', prodWith({ inference: { default: { model: { image: InferenceImage.fromDeepLearningContainer('pytorch-inference', '2.6.0-cpu-py312-ubuntu22.04-sagemaker') } } } }),
    /prod\.inference\.default\.model\.image \(.*:2\.6\.0-cpu-.*\) has no NVIDIA GPU \(CUDA\) build for fleet\.instanceTypes\[0\] \("g5\.xlarge"\)/],
  ['duplicate variant names', prodWith({ sageMaker: { endpoint: { variants: [prod.sageMaker.endpoint.variants[0], prod.sageMaker.endpoint.variants[0]] } } }),
    /prod\.sageMaker\.endpoint\.variants has the name "primary" twice/],
  ['a customer managed key on variants with local NVMe storage', prodWith({ sageMaker: { endpoint: { customerManagedKey: true } } }),
    /prod\.sageMaker\.endpoint\.customerManagedKey \(true\) cannot be used with variants\[0\]\.instanceType \("ml\.g5\.xlarge"\): its storage is local NVMe/],
  ['an environment name with capitals', { ...prod, name: 'Prod' }, /environment name \("Prod"\) must be 1-20 lower-case letters/],
  ['a malformed account', prodWith({ account: '12345' }), /prod\.account \("12345"\) must be a 12-digit AWS account id/],
  ['a malformed region', prodWith({ region: 'Frankfurt' }), /prod\.region \("Frankfurt"\) must be a region code like "eu-central-1"/],
  ['a malformed secondary region', prodWith({ region: 'us-east-1', secondaryRegion: 'Oregon' }), /prod\.secondaryRegion \("Oregon"\) must be a region code like "us-west-2", or unset/],
  ['a secondary region without a region', prodWith({ region: undefined, secondaryRegion: 'us-west-2' }),
    /prod\.secondaryRegion \("us-west-2"\) needs prod\.region: set the primary Region jobs are submitted to first, e\.g\. region: "us-east-1"/],
  ['a secondary region equal to the region', prodWith({ region: 'us-west-2', secondaryRegion: 'us-west-2' }),
    /prod\.secondaryRegion \("us-west-2"\) must differ from prod\.region \("us-west-2"\): the standby Region takes over when the primary is impaired; pick another, e\.g\. "eu-west-1"/],
  ['a secondary region of another partition', prodWith({ region: 'us-east-1', secondaryRegion: 'cn-north-1' }),
    /prod\.secondaryRegion \("cn-north-1"\) is in the aws-cn partition and prod\.region \("us-east-1"\) in aws: S3 Replication and failover stay within one partition/],
  ['a standby model bucket name above 63 characters', { ...prodWith({ region: 'us-east-1', secondaryRegion: 'us-isoabcdefgh-northwestern-1' }), name: 'abcdefghijklmnopqrst' },
    /abcdefghijklmnopqrst\.secondaryRegion \("us-isoabcdefgh-northwestern-1"\) makes the standby model bucket's name <env>-models-<account>-<region> 70 characters, above S3's 63/],
  ['a registered model with a secondary region', prodWith({ region: 'us-east-1', secondaryRegion: 'us-west-2', inference: { [DEFAULT_SERVICE]: { model: { ...ARCHIVE_FIELDS_REMOVED, modelPackage: { groupName: GROUP, version: 'latest-approved' } } } } }),
    /prod\.inference\.default\.model\.modelPackage is a registered model, which the standby Region \(prod\.secondaryRegion, "us-west-2"\) cannot resolve: a model package group lives in one Region's Model Registry; serve an archive/],
  ['an endpoint in a secondary region the environment does not have', prodWith({ secondaryRegion: undefined, sageMaker: { inSecondaryRegion: true } }),
    /prod\.sageMaker\.inSecondaryRegion \(true\) needs prod\.secondaryRegion: set the standby Region, or leave inSecondaryRegion unset/],
  ['an empty tag value', prodWith({ tags: { team: ' ' } }), /prod\.tags\.team is empty: give it a non-empty value/],
  ['a tag value AWS rejects', prodWith({ tags: { costCenter: 'ml#prod' } }), /prod\.tags\.costCenter \("ml#prod"\) must be at most 256 letters/],
  ['a fractional backup retention', prodWith({ backupRetentionDays: 1.5 }), /prod\.backupRetentionDays \(1\.5\) must be a whole number >= 1/],
  ['zero checkpoint version days', prodWith({ training: { checkpointNoncurrentVersionDays: 0 } }),
    /prod\.training\.checkpointNoncurrentVersionDays \(0\) must be a whole number >= 1/],
  ['an empty training image repository', prodWith({ sageMaker: { trainingImageRepositoryName: '' } }),
    /prod\.sageMaker\.trainingImageRepositoryName is empty/],
  ['a zero GPU cap', prodWith({ guardrails: { maxGpuInstancesPerFleet: 0 } }), /prod\.guardrails\.maxGpuInstancesPerFleet \(0\) must be a whole number >= 1/],
  ['an empty guardrail allow-list', prodWith({ guardrails: { allowedInstanceTypes: [] } }), /prod\.guardrails\.allowedInstanceTypes is empty/],
  ['a duplicated allowed type', prodWith({ guardrails: { allowedInstanceTypes: ['g5.xlarge', 'g5.xlarge'] } }), /prod\.guardrails\.allowedInstanceTypes lists "g5\.xlarge" twice/],
  ['a zero budget', prodWith({ budget: { monthlyLimitUsd: 0 } }), /prod\.budget\.monthlyLimitUsd \(0\) must be > 0/],
  ['a budget overrun acknowledged without a reason', prodWith({ budget: { acknowledgeOverrun: { reason: ' ' } } }),
    /prod\.budget\.acknowledgeOverrun\.reason is empty: say why the environment may cost more than budget\.monthlyLimitUsd \(\d+ USD\), or remove acknowledgeOverrun/],
  ['a malformed notification email', prodWith({ notifications: { emails: ['finance'] } }),
    /prod\.notifications\.emails\[0\] \("finance"\) must be an email address/],
  ['a duplicated notification email', prodWith({ notifications: { emails: ['a@b.io', 'a@b.io'] } }), /prod\.notifications\.emails lists "a@b\.io" twice/],
  ['more emails than AWS Budgets takes', prodWith({ notifications: { emails: Array.from({ length: 11 }, (_, n) => `p${n}@b.io`) } }),
    /prod\.notifications\.emails has 11 addresses: AWS Budgets emails at most 10 per notification/],
  ['a Slack channel name instead of its id', prodWith({ notifications: { slackChannels: [{ workspaceId: 'T07EA123LEP', channelId: '#ml-alerts' }] } }),
    /prod\.notifications\.slackChannels\[0\]\.channelId \("#ml-alerts"\) must be a Slack channel id/],
  ['a Teams tenant that is not a UUID', prodWith({ notifications: { teamsChannels: [{ tenantId: 'contoso', teamId: TEAM_ID, channelId: TEAMS_CHANNEL }] } }),
    /prod\.notifications\.teamsChannels\[0\]\.tenantId \("contoso"\) must be a Microsoft Entra tenant id/],
  ['a Kubernetes version without the bundled kubectl layer', prodWith({ mlPlatform: { cluster: { kubernetesVersion: eks.KubernetesVersion.V1_34 } } }),
    /prod\.mlPlatform\.cluster\.kubernetesVersion \(1\.34\) has no kubectl layer/],
  ['a cluster admin that is not an IAM ARN', prodWith({ mlPlatform: { cluster: { adminPrincipalArns: ['PlatformAdmin'] } } }),
    /prod\.mlPlatform\.cluster\.adminPrincipalArns \(PlatformAdmin\) must be IAM role or user ARNs/],
  ['a CPU type in the GPU NodePool', prodWith({ mlPlatform: { gpuNodePool: { instanceTypes: ['g5.xlarge', 'm6i.large'] } } }),
    /prod\.mlPlatform\.gpuNodePool\.instanceTypes \(m6i\.large\) of a GPU pool must all be accelerated/],
  ['a GPU NodePool without a GPU limit', prodWith({ mlPlatform: { gpuNodePool: { limits: { cpu: 96, memoryGiB: 384, gpus: undefined } } } }),
    /prod\.mlPlatform\.gpuNodePool\.limits\.gpus is missing on a GPU pool/],
  ['a GPU type in the CPU NodePool', prodWith({ mlPlatform: { cpuNodePool: { instanceTypes: ['g5.xlarge'] } } }),
    /prod\.mlPlatform\.cpuNodePool\.instanceTypes \(g5\.xlarge\) are GPU types in a CPU pool/],
  ['a fractional NodePool consolidation delay', prodWith({ mlPlatform: { cpuNodePool: { consolidateAfter: Duration.millis(1500) } } }),
    /prod\.mlPlatform\.cpuNodePool\.consolidateAfter \(1 second 500 millis\) must be a whole number of seconds/],
  ['an MLflow size CloudFormation does not know', prodWith({ mlPlatform: { mlflow: { size: 'XLarge' as MlflowTrackingServerSize } } }),
    /prod\.mlPlatform\.mlflow\.size \("XLarge"\) must be one of Small, Medium, Large/],
  ['an MLflow maintenance window that is not Ddd:HH:MM', prodWith({ mlPlatform: { mlflow: { weeklyMaintenanceWindowStart: 'Sunday 3am' } } }),
    /prod\.mlPlatform\.mlflow\.weeklyMaintenanceWindowStart \("Sunday 3am"\) must be Ddd:HH:MM in UTC/],
];

describe('validateEnvironmentConfig', () => {
  test.each(ENVIRONMENTS.map((c) => [c.name, c] as const))('accepts the shipped %s config', (_name, config) => {
    expect(() => validateEnvironmentConfig(config)).not.toThrow();
  });

  test.each(invalid)('rejects %s', (_what, config, message) => {
    expect(() => validateEnvironmentConfig(config)).toThrow(message);
  });

  test('accepts a registered model in place of the base\'s archive, CPU variants included: the version\'s one image serves every instance type', () => {
    const config = mergeConfig(dev, { modelPublished: true, inference: { [DEFAULT_SERVICE]: { model: { ...ARCHIVE_FIELDS_REMOVED, modelPackage: { groupName: GROUP, version: 'latest-approved' } } } } });
    expect(config.sageMaker.endpoint.variants.map((v) => v.instanceType)).toContain('ml.m5.large');
    expect(() => validateEnvironmentConfig(config)).not.toThrow();
  });

  test('accepts a budget overrun acknowledged with a reason', () => {
    expect(() => validateEnvironmentConfig(prodWith({ budget: { acknowledgeOverrun: { reason: 'launch month, INC-42' } } }))).not.toThrow();
  });

  test('checks the ML platform of an environment that has it switched off, so switching it on meets a valid config', () => {
    expect(() => validateEnvironmentConfig(mergeConfig(dev, { mlPlatform: { enabled: false, cpuNodePool: { limits: { cpu: 0, memoryGiB: 64 } } } })))
      .toThrow(/dev\.mlPlatform\.cpuNodePool\.limits\.cpu \(0\) must be a whole number >= 1/);
  });

  test('names the construct a field configures', () => {
    expect(() => validateEnvironmentConfig(prodWith({ inference: { [DEFAULT_SERVICE]: { fleet: { instanceTypes: ['m7g.large'] } } } })))
      .toThrow(/prod\.inference\.default\.fleet\.instanceTypes\[0\] .* \(construct prod\/AiInference\/Service\)$/m);
  });

  test('checks every service, each under its name', () => {
    const config = prodWith({ inference: { summarizer: mergeConfig(service, { fleet: { instanceTypes: ['m7g.large'] } }) } });
    expect(() => validateEnvironmentConfig(config))
      .toThrow(/prod\.inference\.summarizer\.fleet\.instanceTypes\[0\] .* \(construct prod\/AiInference\/ServiceSummarizer\)$/m);
  });

  test('names the environment and lists every problem at once', () => {
    expect(() => validateEnvironmentConfig(prodWith({ tags: { team: '', project: '' } }))).toThrow(
      /^Invalid config for environment "prod":\n- prod\.tags\.team is empty.*\n- prod\.tags\.project is empty/,
    );
  });

  test.each([false, true])('checks the fleet as written, whether or not the model is published (modelPublished: %s)', (modelPublished) => {
    expect(() => validateEnvironmentConfig(prodWith({ modelPublished, inference: { [DEFAULT_SERVICE]: { fleet: { minCapacity: 12, onDemandBaseCapacity: 0 } } } })))
      .toThrow(/prod\.inference\.default\.fleet\.maxCapacity \(10\) must be >= minCapacity \(12\): lower minCapacity or raise maxCapacity/);
  });
});

describe('mergeConfig', () => {
  test('merges nested objects field by field', () => {
    expect(mergeConfig({ a: { b: 1, c: 2 } }, { a: { c: 3 } })).toEqual({ a: { b: 1, c: 3 } });
  });

  test('replaces arrays whole', () => {
    expect(mergeConfig({ list: [1, 2, 3] }, { list: [4] })).toEqual({ list: [4] });
  });

  test('replaces class instances whole, keeping them instances', () => {
    const merged = mergeConfig({ time: Duration.minutes(1) }, { time: Duration.minutes(2) });
    expect(merged.time.toSeconds()).toBe(120);
  });

  test('removes a field overridden with undefined', () => {
    expect(prod.inference[DEFAULT_SERVICE].schedule).toBeUndefined();
  });
});

describe('selectEnvironments', () => {
  test('selects every environment without context', () => {
    expect(selectEnvironments(undefined).map((c) => c.name)).toEqual(ENVIRONMENT_NAMES);
  });

  test('selects a comma-separated list', () => {
    const [first, last] = [ENVIRONMENT_NAMES[0], ENVIRONMENT_NAMES[ENVIRONMENT_NAMES.length - 1]];
    expect(selectEnvironments(`${first}, ${last}`).map((c) => c.name)).toEqual([first, last]);
  });

  test('rejects an unknown environment', () => {
    expect(() => selectEnvironments(UNKNOWN_ENVIRONMENT)).toThrow(`context env ("${UNKNOWN_ENVIRONMENT}") is not an environment: use one or more of ${ENVIRONMENT_NAMES.join(', ')}`);
  });

  test('validates what it selects', () => {
    const broken = mergeConfig(dev, { tags: { costCenter: '' } });
    expect(() => selectEnvironments('dev', [broken])).toThrow(/dev\.tags\.costCenter is empty/);
  });
});
