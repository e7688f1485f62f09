import { InferenceModel, isRegistryModel } from '../constructs/inference/inference-runtime';
import { inferenceServiceSettingsProblems } from '../constructs/inference/inference-service';
import { autoModeNodePoolSettingsProblems } from '../constructs/ml-platform/auto-mode-node-pool';
import { mlPlatformClusterSettingsProblems } from '../constructs/ml-platform/ml-platform-cluster';
import { mlflowTrackingServerSettingsProblems } from '../constructs/ml-platform/mlflow-tracking-server';
import { networkSettingsProblems } from '../constructs/network/environment-network';
import { notificationTargetsProblems } from '../constructs/notifications/notification-targets';
import { idleShutdownSettingsProblems } from '../constructs/training/idle-shutdown';
import { sageMakerEndpointSettingsProblems, sageMakerImageProblems } from '../constructs/training/sagemaker-endpoint';
import { spotTrainingFleetSettingsProblems } from '../constructs/training/spot-training-fleet';
import { trainingClusterSettingsProblems } from '../constructs/training/training-cluster';
import { gpuCostLimitsProblems } from '../nag/gpu-cost-checks';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { aiInferenceServicesProblems, aiInferenceSettingsOf } from '../stacks/ai-inference-stack';
import { MAX_BUCKET_NAME_LENGTH, modelReplicaBucketNameLength } from '../stacks/model-replica';
import { ML_PLATFORM_CONSTRUCT_IDS, mlNodePoolsOf, mlPlatformSettingsOf } from '../stacks/ml-platform-stack';
import { NETWORK_CONSTRUCT_ID } from '../stacks/network-stack';
import { serviceConstructId } from '../stacks/service-names';
import { STACK_IDS, StackId } from '../stacks/stack-names';
import { TRAINING_CONSTRUCT_IDS, trainingSettingsOf } from '../stacks/training-stack';
import {
  Problem, checkNotEmpty, checkPositive, checkTagValue, checkWholeNumberAtLeast, problemsOf, withPath,
} from '../validation';
import { ConfigError } from './config-error';
import { EnvironmentConfig, inferenceServicesOf } from './environment-config';

/**
 * Every problem of one environment's config, each naming `env.path.to.field`, the value, the fix
 * and the construct the field configures. The construct rules run on the props the stacks map
 * from the config, so config and constructs can never disagree; the environment adds only what
 * no construct owns. They check what the user wrote: `modelPublished: false` holds the fleets at
 * 0 in the services, not in the settings, so a wrong `fleet.minCapacity` fails the first synth,
 * not the deploy that publishes.
 */
export function environmentProblems(c: EnvironmentConfig): string[] {
  const at = (field: string) => `${c.name}.${field}`;
  /** The problems of the config section `field`, which configures the construct `stackId/constructId`. */
  const section = (field: string, stackId: StackId, constructId: string, problems: readonly Problem[]) =>
    withPath(at(field), problems).map((problem) => `${problem} (construct ${c.name}/${stackId}/${constructId})`);
  const { services } = aiInferenceSettingsOf(c);
  const endpointService = sageMakerServiceProblem(c, at);
  // The training settings carry the endpoint's model, so they exist only once the endpoint names a service.
  const training = endpointService === undefined ? trainingSettingsOf(c) : undefined;
  // Checked whether or not the environment has the stack, so switching it on never meets a broken config.
  const mlPlatform = mlPlatformSettingsOf(c);
  const nodePools = mlNodePoolsOf(mlPlatform);
  const ml = ML_PLATFORM_CONSTRUCT_IDS;
  return [
    ...problemsOf(environmentOwnProblems(c, at)),
    ...withPath(at('guardrails'), gpuCostLimitsProblems(c.guardrails)),
    ...section('network', STACK_IDS.network, NETWORK_CONSTRUCT_ID, networkSettingsProblems(c.network)),
    ...problemsOf(aiInferenceServicesProblems(at('inference'), services)),
    ...Object.entries(services).flatMap(([name, service]) =>
      section(`inference.${name}`, STACK_IDS.inference, serviceConstructId(name), inferenceServiceSettingsProblems(service))),
    ...(training ? [
      ...section('training.cluster', STACK_IDS.training, TRAINING_CONSTRUCT_IDS.cluster, trainingClusterSettingsProblems(training.cluster)),
      ...section('training.spotFleet', STACK_IDS.training, TRAINING_CONSTRUCT_IDS.spotFleet, spotTrainingFleetSettingsProblems(training.spotFleet)),
      ...section('training.idleShutdown', STACK_IDS.training, TRAINING_CONSTRUCT_IDS.idleShutdown, idleShutdownSettingsProblems(training.idleShutdown)),
      ...endpointImageProblems(c, training.model, at),
    ] : problemsOf([endpointService])),
    ...section('sageMaker.endpoint', STACK_IDS.training, TRAINING_CONSTRUCT_IDS.sageMakerEndpoint, sageMakerEndpointSettingsProblems(c.sageMaker.endpoint)),
    ...section('mlPlatform.cluster', STACK_IDS.mlPlatform, ml.cluster, mlPlatformClusterSettingsProblems(mlPlatform.cluster)),
    ...section('mlPlatform.gpuNodePool', STACK_IDS.mlPlatform, ml.gpuNodePool, autoModeNodePoolSettingsProblems(nodePools.gpu)),
    ...section('mlPlatform.cpuNodePool', STACK_IDS.mlPlatform, ml.cpuNodePool, autoModeNodePoolSettingsProblems(nodePools.cpu)),
    ...section('mlPlatform.mlflow', STACK_IDS.mlPlatform, ml.mlflow, mlflowTrackingServerSettingsProblems(mlPlatform.mlflow)),
    ...withPath(at('notifications'), notificationTargetsProblems(c.notifications ?? {})),
  ];
}

/** The endpoint's variants each have a build of the served archive's image; a registered model's one image serves every variant. */
function endpointImageProblems(c: EnvironmentConfig, model: InferenceModel, at: (field: string) => string): string[] {
  if (isRegistryModel(model)) return [];
  return problemsOf(sageMakerImageProblems(at(`inference.${c.sageMaker.service}.model.image`), model.image, at('sageMaker.endpoint.variants'), c.sageMaker.endpoint.variants));
}

/** `sageMaker.service` names one of the environment's inference services. */
function sageMakerServiceProblem(c: EnvironmentConfig, at: (field: string) => string): string | undefined {
  const names = inferenceServicesOf(c).map(([name]) => name);
  if (names.includes(c.sageMaker.service)) return undefined;
  return `${at('sageMaker.service')} ("${c.sageMaker.service}") is not a service of ${at('inference')}: use one of ${names.join(', ') || '(none defined)'}`;
}

/** The pattern of a Region code, e.g. `eu-central-1` or `us-gov-west-1`. */
const REGION_CODE = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

/**
 * The rules of `secondaryRegion` and what depends on it: a Region code, with `region` set (the
 * primary the jobs CLI submits to), another Region of the same partition (S3 Replication and the
 * failover stay within one), a model replica bucket name S3 accepts, and every service serving an
 * archive (the replicated kind), not a registered model.
 */
function secondaryRegionProblems(c: EnvironmentConfig, at: (field: string) => string): Problem[] {
  const secondary = c.secondaryRegion;
  const endpointProblem = c.sageMaker.inSecondaryRegion && secondary === undefined
    ? `${at('sageMaker.inSecondaryRegion')} (true) needs ${at('secondaryRegion')}: set the standby Region, or leave inSecondaryRegion unset`
    : undefined;
  if (secondary === undefined) return [endpointProblem];
  if (!REGION_CODE.test(secondary)) return [`${at('secondaryRegion')} ("${secondary}") must be a region code like "us-west-2", or unset`];
  if (c.region === undefined) {
    return [`${at('secondaryRegion')} ("${secondary}") needs ${at('region')}: set the primary Region jobs are submitted to first, e.g. region: "us-east-1"`];
  }
  const partitions = [c.region, secondary].map((region) => RegionInfo.get(region).partition);
  const nameLength = modelReplicaBucketNameLength(c.name, secondary);
  // A model package group lives in one Region's Model Registry, its archive in that Region's
  // bucket: the standby Region could not resolve it; S3 Replication copies only the archives of models/.
  const registered = inferenceServicesOf(c).filter(([, service]) => isRegistryModel(service.model)).map(([name]) => name);
  return [
    ...registered.map((name) => `${at(`inference.${name}.model.modelPackage`)} is a registered model, which the standby Region (${at('secondaryRegion')}, "${secondary}") `
      + 'cannot resolve: a model package group lives in one Region\'s Model Registry; serve an archive of the model bucket (name and version), which S3 Replication copies to the standby Region, or leave secondaryRegion unset'),
    secondary !== c.region ? undefined
      : `${at('secondaryRegion')} ("${secondary}") must differ from ${at('region')} ("${c.region}"): the standby Region takes over when the primary is impaired; pick another, e.g. "${c.region.startsWith('us-') ? 'eu-west-1' : 'us-west-2'}"`,
    partitions.includes(undefined) || partitions[0] === partitions[1] ? undefined
      : `${at('secondaryRegion')} ("${secondary}") is in the ${partitions[1]} partition and ${at('region')} ("${c.region}") in ${partitions[0]}: S3 Replication and failover stay within one partition; pick a Region of ${partitions[0]}`,
    nameLength <= MAX_BUCKET_NAME_LENGTH ? undefined
      : `${at('secondaryRegion')} ("${secondary}") makes the standby model bucket's name <env>-models-<account>-<region> ${nameLength} characters, above S3's ${MAX_BUCKET_NAME_LENGTH}: shorten the environment's name`,
    endpointProblem,
  ];
}

function environmentOwnProblems(c: EnvironmentConfig, at: (field: string) => string): Problem[] {
  return [
    /^[a-z][a-z0-9-]{0,19}$/.test(c.name)
      ? undefined
      : `environment name ("${c.name}") must be 1-20 lower-case letters, digits or hyphens starting with a letter: it prefixes stack names, log groups and the environment tag`,
    c.account === undefined || /^\d{12}$/.test(c.account)
      ? undefined
      : `${at('account')} ("${c.account}") must be a 12-digit AWS account id, or unset for an environment-agnostic stack`,
    c.region === undefined || REGION_CODE.test(c.region)
      ? undefined
      : `${at('region')} ("${c.region}") must be a region code like "eu-central-1", or unset`,
    ...secondaryRegionProblems(c, at),
    ...(['team', 'costCenter', 'project'] as const).flatMap((key) => [
      checkNotEmpty(at(`tags.${key}`), c.tags[key]),
      checkTagValue(at(`tags.${key}`), c.tags[key]),
    ]),
    checkWholeNumberAtLeast(at('backupRetentionDays'), c.backupRetentionDays, 1),
    checkWholeNumberAtLeast(at('training.checkpointNoncurrentVersionDays'), c.training.checkpointNoncurrentVersionDays, 1),
    checkNotEmpty(at('sageMaker.trainingImageRepositoryName'), c.sageMaker.trainingImageRepositoryName),
    checkPositive(at('budget.monthlyLimitUsd'), c.budget.monthlyLimitUsd),
    c.budget.acknowledgeOverrun === undefined || c.budget.acknowledgeOverrun.reason.trim().length > 0
      ? undefined
      : `${at('budget.acknowledgeOverrun.reason')} is empty: say why the environment may cost more than budget.monthlyLimitUsd (${c.budget.monthlyLimitUsd} USD), or remove acknowledgeOverrun`,
  ];
}

/** Throws one error listing every problem of the environment's config; a wrong config never reaches CloudFormation. */
export function validateEnvironmentConfig(config: EnvironmentConfig): void {
  const problems = environmentProblems(config);
  if (problems.length > 0) {
    throw new ConfigError(`Invalid config for environment "${config.name}":\n- ${problems.join('\n- ')}`);
  }
}
