import { inferenceServiceSettingsProblems } from '../constructs/inference/inference-service';
import { autoModeNodePoolSettingsProblems } from '../constructs/ml-platform/auto-mode-node-pool';
import { mlPlatformClusterSettingsProblems } from '../constructs/ml-platform/ml-platform-cluster';
import { mlflowTrackingServerSettingsProblems } from '../constructs/ml-platform/mlflow-tracking-server';
import { networkSettingsProblems } from '../constructs/network/environment-network';
import { notificationTargetsProblems } from '../constructs/notifications/notification-targets';
import { idleShutdownSettingsProblems } from '../constructs/training/idle-shutdown';
import { sageMakerEndpointSettingsProblems } from '../constructs/training/sagemaker-endpoint';
import { spotTrainingFleetSettingsProblems } from '../constructs/training/spot-training-fleet';
import { trainingClusterSettingsProblems } from '../constructs/training/training-cluster';
import { aiInferenceSettingsOf } from '../stacks/ai-inference-stack';
import { mlNodePoolsOf, mlPlatformSettingsOf } from '../stacks/ml-platform-stack';
import { trainingSettingsOf } from '../stacks/training-stack';
import {
  Problem, checkNoDuplicates, checkNonEmptyList, checkNotEmpty, checkPositive, checkTagValue, checkWholeNumberAtLeast, problemsOf, withPath,
} from '../validation';
import { EnvironmentConfig } from './environment-config';

/**
 * Every problem of one environment's config, each naming `env.path.to.field`, the value and the
 * fix. The construct rules run on the props the stacks map from the config, so config and
 * constructs can never disagree; the environment adds only what no construct owns. They check
 * what the user wrote: `modelPublished: false` holds the fleet at 0 in the service, not in the
 * settings, so a wrong `fleet.minCapacity` fails the first synth, not the deploy that publishes.
 */
export function environmentProblems(c: EnvironmentConfig): string[] {
  const at = (field: string) => `${c.name}.${field}`;
  const inference = aiInferenceSettingsOf(c).service;
  const training = trainingSettingsOf(c);
  // Checked whether or not the environment has the stack, so switching it on never meets a broken config.
  const mlPlatform = mlPlatformSettingsOf(c);
  const nodePools = mlNodePoolsOf(mlPlatform);
  return [
    ...problemsOf(environmentOwnProblems(c, at)),
    ...withPath(at('network'), networkSettingsProblems(c.network)),
    ...withPath(at('inference'), inferenceServiceSettingsProblems(inference)),
    ...withPath(at('training.cluster'), trainingClusterSettingsProblems(training.cluster)),
    ...withPath(at('training.spotFleet'), spotTrainingFleetSettingsProblems(training.spotFleet)),
    ...withPath(at('training.idleShutdown'), idleShutdownSettingsProblems(training.idleShutdown)),
    ...withPath(at('sageMaker.endpoint'), sageMakerEndpointSettingsProblems(c.sageMaker.endpoint)),
    ...withPath(at('mlPlatform.cluster'), mlPlatformClusterSettingsProblems(mlPlatform.cluster)),
    ...withPath(at('mlPlatform.gpuNodePool'), autoModeNodePoolSettingsProblems(nodePools.gpu)),
    ...withPath(at('mlPlatform.cpuNodePool'), autoModeNodePoolSettingsProblems(nodePools.cpu)),
    ...withPath(at('mlPlatform.mlflow'), mlflowTrackingServerSettingsProblems(mlPlatform.mlflow)),
    ...withPath(at('notifications'), notificationTargetsProblems(c.notifications ?? {})),
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
    c.region === undefined || /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(c.region)
      ? undefined
      : `${at('region')} ("${c.region}") must be a region code like "eu-central-1", or unset`,
    ...(['team', 'costCenter', 'project'] as const).flatMap((key) => [
      checkNotEmpty(at(`tags.${key}`), c.tags[key]),
      checkTagValue(at(`tags.${key}`), c.tags[key]),
    ]),
    checkWholeNumberAtLeast(at('backupRetentionDays'), c.backupRetentionDays, 1),
    checkWholeNumberAtLeast(at('training.checkpointNoncurrentVersionDays'), c.training.checkpointNoncurrentVersionDays, 1),
    checkNotEmpty(at('sageMaker.trainingImageRepositoryName'), c.sageMaker.trainingImageRepositoryName),
    checkWholeNumberAtLeast(at('guardrails.maxGpuInstancesPerFleet'), c.guardrails.maxGpuInstancesPerFleet, 1),
    checkNonEmptyList(at('guardrails.allowedInstanceTypes'), c.guardrails.allowedInstanceTypes),
    checkNoDuplicates(at('guardrails.allowedInstanceTypes'), c.guardrails.allowedInstanceTypes),
    checkPositive(at('budget.monthlyLimitUsd'), c.budget.monthlyLimitUsd),
  ];
}

/** Throws one error listing every problem of the environment's config; a wrong config never reaches CloudFormation. */
export function validateEnvironmentConfig(config: EnvironmentConfig): void {
  const problems = environmentProblems(config);
  if (problems.length > 0) {
    throw new Error(`Invalid config for environment "${config.name}":\n- ${problems.join('\n- ')}`);
  }
}
