import { Token } from 'aws-cdk-lib';
import { acceleratedInstanceType, nvidiaGpuInstanceTypes } from './gpu/accelerated-instance-types';

/**
 * Checks shared by the environment config and the constructs' props. Each returns the
 * problem as a sentence naming the field, the value and the fix, or undefined when the
 * value is fine or still a token. `field` is the caller's name for the value: a prop name
 * in a construct, a dotted path (`prod.inference.maxCapacity`) in the config.
 */
export type Problem = string | undefined;

/** SQS caps a message's visibility timeout, and so a job's duration, at 12 hours. */
export const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/** Throws one error listing every problem, for constructs validating their props. */
export function throwIfProblems(...problems: Problem[]): void {
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length > 0) {
    throw new Error(found.join('\n'));
  }
}

function isToken(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value);
}

export function checkMinMax(maxField: string, max: number, minField: string, min: number): Problem {
  if (isToken(min) || isToken(max) || max >= min) return undefined;
  return `${maxField} (${max}) must be >= ${minField} (${min}): raise ${minField.split('.').pop()} or lower ${maxField.split('.').pop()}`;
}

export function checkInRange(field: string, value: number, min: number, max: number): Problem {
  if (isToken(value) || (Number.isFinite(value) && value >= min && value <= max)) return undefined;
  return `${field} (${value}) must be between ${min} and ${max}`;
}

export function checkPositive(field: string, value: number): Problem {
  if (isToken(value) || (Number.isFinite(value) && value > 0)) return undefined;
  return `${field} (${value}) must be > 0`;
}

export function checkWholeNumberAtLeast(field: string, value: number, min: number): Problem {
  if (isToken(value) || (Number.isInteger(value) && value >= min)) return undefined;
  return `${field} (${value}) must be a whole number >= ${min}`;
}

export function checkNotEmpty(field: string, value: string): Problem {
  if (isToken(value) || value.trim().length > 0) return undefined;
  return `${field} is empty: give it a non-empty value`;
}

export function checkGpuInstanceType(field: string, instanceType: string): Problem {
  if (isToken(instanceType) || acceleratedInstanceType(instanceType)?.accelerator === 'nvidia-gpu') return undefined;
  return `${field} ("${instanceType}") is not a supported NVIDIA GPU instance type: use one of ${nvidiaGpuInstanceTypes().join(', ')}`;
}

export function checkNonEmptyList(field: string, values: readonly unknown[]): Problem {
  return values.length > 0 ? undefined : `${field} is empty: list at least one value`;
}

/** A spot max price must be positive and below the on-demand price of every type it may buy. */
export function checkSpotMaxPrice(field: string, price: number | undefined, instanceTypes: readonly string[]): Problem {
  if (price === undefined || isToken(price)) return undefined;
  if (!(price > 0)) {
    return `${field} (${price}) must be > 0 USD per hour: leave it unset to pay the spot price, capped at on-demand`;
  }
  const cheaper = instanceTypes.filter((type) => {
    const info = acceleratedInstanceType(type);
    return info !== undefined && price >= info.onDemandUsdPerHour;
  });
  if (cheaper.length === 0) return undefined;
  const prices = cheaper.map((type) => `${type} costs ${acceleratedInstanceType(type)?.onDemandUsdPerHour} USD/hour`).join(', ');
  return `${field} (${price}) must be below the on-demand price of every instance type (${prices}): lower it or leave it unset`;
}

/** Auto Scaling recurrences are standard 5-field cron expressions. */
export function checkCron(field: string, expression: string): Problem {
  if (isToken(expression) || /^\S+( \S+){4}$/.test(expression.trim())) return undefined;
  return `${field} ("${expression}") must be a cron expression of 5 fields (minute hour day-of-month month day-of-week), e.g. "0 22 * * *"`;
}

export function checkTimeZone(field: string, timeZone: string): Problem {
  if (isToken(timeZone)) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return undefined;
  } catch {
    return `${field} ("${timeZone}") is not a known IANA time zone: use one like "Europe/Berlin" or "UTC"`;
  }
}

/** A share in (0, 1], e.g. a safety factor or a memory fraction. */
export function checkFraction(field: string, value: number): Problem {
  if (isToken(value) || (value > 0 && value <= 1)) return undefined;
  return `${field} (${value}) must be > 0 and <= 1`;
}

/** EFA needs an instance type that supports it (per the GPU catalog). */
export function checkEfaSupported(efaField: string, efa: boolean, typeField: string, instanceType: string): Problem {
  if (!efa || isToken(instanceType) || acceleratedInstanceType(instanceType)?.efa !== false) return undefined;
  return `${efaField} (true) needs an instance type with EFA, and ${typeField} ("${instanceType}") has none: set efa to false or pick e.g. p4d.24xlarge`;
}

/** A training job name names the S3 prefix `checkpoints/{jobName}/`. */
export function checkJobName(field: string, jobName: string): Problem {
  if (isToken(jobName) || /^[a-z0-9][a-z0-9-]*$/.test(jobName)) return undefined;
  return `${field} ("${jobName}") must be lower-case letters, digits and hyphens: it names the S3 prefix checkpoints/{jobName}/`;
}

/** Names that must be unique within a list, e.g. SageMaker production variants. */
export function checkUniqueNames(field: string, names: readonly string[]): Problem {
  const duplicate = names.find((name, n) => names.indexOf(name) !== n);
  return duplicate === undefined ? undefined : `${field} has the name "${duplicate}" twice: names must be unique`;
}

/** SageMaker hosting and training take `ml.`-prefixed instance types. */
export function checkSageMakerInstanceType(field: string, instanceType: string): Problem {
  if (isToken(instanceType) || instanceType.startsWith('ml.')) return undefined;
  return `${field} ("${instanceType}") must be a SageMaker instance type starting with "ml.", e.g. "ml.g5.xlarge"`;
}
