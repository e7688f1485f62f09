import {
  Problem,
  checkCron,
  checkEfaSupported,
  checkFraction,
  checkGpuInstanceType,
  checkInRange,
  checkJobName,
  checkMinMax,
  checkNonEmptyList,
  checkNotEmpty,
  checkPositive,
  checkSageMakerInstanceType,
  checkSpotMaxPrice,
  checkTimeZone,
  checkUniqueNames,
  checkWholeNumberAtLeast,
  SQS_MAX_VISIBILITY_SECONDS,
} from '../validation';
import { EnvironmentConfig, FleetScheduleConfig, InferenceConfig, SageMakerEndpointConfig, TrainingConfig } from './environment-config';

/**
 * Validates one environment's config and throws a single error listing every problem,
 * each naming `env.field`, the value and the fix. A wrong config never reaches CloudFormation.
 */
export function validateEnvironmentConfig(config: EnvironmentConfig): void {
  const problems = environmentProblems(config).filter((p): p is string => p !== undefined);
  if (problems.length > 0) {
    throw new Error(`Invalid config for environment "${config.name}":\n- ${problems.join('\n- ')}`);
  }
}

function environmentProblems(c: EnvironmentConfig): Problem[] {
  const at = (field: string) => `${c.name}.${field}`;
  return [
    c.account === undefined || /^\d{12}$/.test(c.account)
      ? undefined
      : `${at('account')} ("${c.account}") must be a 12-digit AWS account id, or unset for an environment-agnostic stack`,
    c.region === undefined || /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(c.region)
      ? undefined
      : `${at('region')} ("${c.region}") must be a region code like "eu-central-1", or unset`,
    checkNotEmpty(at('tags.team'), c.tags.team),
    checkNotEmpty(at('tags.costCenter'), c.tags.costCenter),
    checkNotEmpty(at('tags.project'), c.tags.project),
    checkInRange(at('network.maxAzs'), c.network.maxAzs, 1, 6),
    checkInRange(at('network.natGateways'), c.network.natGateways, 1, c.network.maxAzs),
    checkWholeNumberAtLeast(at('backupRetentionDays'), c.backupRetentionDays, 1),
    ...inferenceProblems(at, c.inference),
    ...trainingProblems(at, c.training),
    ...sageMakerProblems(at, c.sageMaker),
    checkWholeNumberAtLeast(at('guardrails.maxGpuInstancesPerFleet'), c.guardrails.maxGpuInstancesPerFleet, 1),
    checkNonEmptyList(at('guardrails.allowedInstanceTypes'), c.guardrails.allowedInstanceTypes),
    checkPositive(at('budget.monthlyLimitUsd'), c.budget.monthlyLimitUsd),
    ...c.budget.notificationEmails.map((email, i) =>
      /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)
        ? undefined
        : `${at(`budget.notificationEmails[${i}]`)} ("${email}") is not an email address`,
    ),
  ];
}

function inferenceProblems(at: (field: string) => string, i: InferenceConfig): Problem[] {
  return [
    checkNonEmptyList(at('inference.instanceTypes'), i.instanceTypes),
    ...i.instanceTypes.map((type, n) => checkGpuInstanceType(at(`inference.instanceTypes[${n}]`), type)),
    checkWholeNumberAtLeast(at('inference.minCapacity'), i.minCapacity, 0),
    checkWholeNumberAtLeast(at('inference.maxCapacity'), i.maxCapacity, 1),
    checkMinMax(at('inference.maxCapacity'), i.maxCapacity, 'minCapacity', i.minCapacity),
    checkWholeNumberAtLeast(at('inference.onDemandBaseCapacity'), i.onDemandBaseCapacity, 0),
    checkMinMax(at('inference.maxCapacity'), i.maxCapacity, 'onDemandBaseCapacity', i.onDemandBaseCapacity),
    checkInRange(at('inference.onDemandPercentageAboveBaseCapacity'), i.onDemandPercentageAboveBaseCapacity, 0, 100),
    checkSpotMaxPrice(at('inference.spotMaxPriceUsdPerHour'), i.spotMaxPriceUsdPerHour, i.instanceTypes),
    checkInRange(at('inference.rootVolumeSizeGiB'), i.rootVolumeSizeGiB, 30, 16_384),
    checkNotEmpty(at('inference.model.name'), i.model.name),
    checkNotEmpty(at('inference.model.version'), i.model.version),
    checkNotEmpty(at('inference.model.containerImage'), i.model.containerImage),
    checkFraction(at('inference.model.gpuMemoryFraction'), i.model.gpuMemoryFraction),
    checkPositive(at('inference.model.warmupSeconds'), i.model.warmupSeconds),
    checkInRange(at('inference.maxJobDurationSeconds'), i.maxJobDurationSeconds, 1, SQS_MAX_VISIBILITY_SECONDS),
    checkPositive(at('inference.secondsPerJob'), i.secondsPerJob),
    checkPositive(at('inference.acceptableLatencySeconds'), i.acceptableLatencySeconds),
    checkWholeNumberAtLeast(at('inference.scaleToZeroAfterIdleMinutes'), i.scaleToZeroAfterIdleMinutes, 1),
    ...scheduleProblems(at, 'inference.schedule', i.schedule),
  ];
}

function scheduleProblems(at: (field: string) => string, path: string, s: FleetScheduleConfig): Problem[] {
  return [
    checkTimeZone(at(`${path}.timeZone`), s.timeZone),
    checkCron(at(`${path}.scaleDownCron`), s.scaleDownCron),
    checkCron(at(`${path}.scaleUpCron`), s.scaleUpCron),
  ];
}

function trainingProblems(at: (field: string) => string, t: TrainingConfig): Problem[] {
  return [
    checkGpuInstanceType(at('training.instanceType'), t.instanceType),
    checkEfaSupported(at('training.efa'), t.efa, at('training.instanceType'), t.instanceType),
    checkWholeNumberAtLeast(at('training.maxNodes'), t.maxNodes, 1),
    checkInRange(at('training.rootVolumeSizeGiB'), t.rootVolumeSizeGiB, 30, 16_384),
    checkNonEmptyList(at('training.spotFleet.instanceTypes'), t.spotFleet.instanceTypes),
    ...t.spotFleet.instanceTypes.map((type, n) => checkGpuInstanceType(at(`training.spotFleet.instanceTypes[${n}]`), type)),
    checkWholeNumberAtLeast(at('training.spotFleet.targetCapacity'), t.spotFleet.targetCapacity, 0),
    checkJobName(at('training.spotFleet.jobName'), t.spotFleet.jobName),
    checkNotEmpty(at('training.spotFleet.trainingCommand'), t.spotFleet.trainingCommand),
    checkInRange(at('training.idleShutdown.gpuUtilizationThresholdPercent'), t.idleShutdown.gpuUtilizationThresholdPercent, 0, 100),
    checkWholeNumberAtLeast(at('training.idleShutdown.idleMinutes'), t.idleShutdown.idleMinutes, 5),
    checkInRange(at('training.idleShutdown.idleMinutes'), t.idleShutdown.idleMinutes, 5, 1440),
    checkWholeNumberAtLeast(at('training.checkpointNoncurrentVersionDays'), t.checkpointNoncurrentVersionDays, 1),
  ];
}

function sageMakerProblems(at: (field: string) => string, s: SageMakerEndpointConfig): Problem[] {
  return [
    checkNotEmpty(at('sageMaker.imageRepositoryName'), s.imageRepositoryName),
    checkNotEmpty(at('sageMaker.imageTag'), s.imageTag),
    s.modelDataKey.startsWith('models/')
      ? undefined
      : `${at('sageMaker.modelDataKey')} ("${s.modelDataKey}") must start with "models/": the execution role reads only that prefix`,
    checkNonEmptyList(at('sageMaker.variants'), s.variants),
    checkUniqueNames(at('sageMaker.variants'), s.variants.map((v) => v.name)),
    ...s.variants.flatMap((v, n) => [
      checkSageMakerInstanceType(at(`sageMaker.variants[${n}].instanceType`), v.instanceType),
      checkWholeNumberAtLeast(at(`sageMaker.variants[${n}].initialInstanceCount`), v.initialInstanceCount, 1),
      checkPositive(at(`sageMaker.variants[${n}].initialVariantWeight`), v.initialVariantWeight),
    ]),
    checkWholeNumberAtLeast(at('sageMaker.minCapacity'), s.minCapacity, 1),
    checkMinMax(at('sageMaker.maxCapacity'), s.maxCapacity, 'minCapacity', s.minCapacity),
    checkPositive(at('sageMaker.maxRequestsPerSecond'), s.maxRequestsPerSecond),
    checkFraction(at('sageMaker.safetyFactor'), s.safetyFactor),
  ];
}
