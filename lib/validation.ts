import { Duration, Token } from 'aws-cdk-lib';
import { acceleratedInstanceType, nvidiaGpuInstanceTypes } from './gpu/accelerated-instance-types';
import { spotMaxPriceCeilingUsdPerHour } from './pricing/price-table';
import { parseCron } from './cron';

/**
 * Checks shared by the environment config and the constructs' props. Each returns the
 * problem as a sentence naming the field, the value and the fix, or undefined when the
 * value is fine or still a token. `field` is the caller's name for the value: a prop name
 * in a construct, a dotted path (`prod.inference.default.fleet.maxCapacity`) in the config.
 * The checks of single values pass an undefined value: they check what the user wrote, an
 * unset optional prop taking the construct's default (`withDefaults`), which is valid by
 * construction (test/defaults.test.ts).
 */
export type Problem = string | undefined;

/** SQS caps a message's visibility timeout, and so a job's duration, at 12 hours. */
export const SQS_MAX_VISIBILITY = Duration.hours(12);

/** The problems found, without the passing checks. */
export function problemsOf(problems: readonly Problem[]): string[] {
  return problems.filter((p): p is string => p !== undefined);
}

/**
 * Problems found in a nested value, renamed to its path: `maxCapacity (2) ...` under `fleet`
 * becomes `fleet.maxCapacity (2) ...`. Every check names its field first, so a construct's
 * rules read the same from its props and from an environment config that holds them.
 */
export function withPath(path: string, problems: readonly Problem[]): string[] {
  return problemsOf(problems).map((problem) => `${path}.${problem}`);
}

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

/** A duration between two bounds, inclusive; tokens pass. */
export function checkDurationBetween(field: string, value: Duration | undefined, min: Duration, max: Duration): Problem {
  if (value === undefined) return undefined;
  // integral: false, so a fractional duration gets this message instead of CDK's conversion error.
  const seconds = value.toSeconds({ integral: false });
  if (isToken(seconds) || (seconds >= min.toSeconds() && seconds <= max.toSeconds())) return undefined;
  return `${field} (${value.toHumanString()}) must be between ${min.toHumanString()} and ${max.toHumanString()}`;
}

/** A duration of whole `unit`s: Auto Scaling and SQS take whole seconds, CloudWatch periods whole minutes. */
export function checkWholeDuration(field: string, value: Duration | undefined, unit: 'seconds' | 'minutes'): Problem {
  if (value === undefined) return undefined;
  const seconds = value.toSeconds({ integral: false });
  if (isToken(seconds) || Number.isInteger(unit === 'seconds' ? seconds : seconds / 60)) return undefined;
  return `${field} (${value.toHumanString()}) must be a whole number of ${unit}`;
}

/** A maximum at or above its minimum (both the values in force: a default where the user set none); the fix names both ways out. */
export function checkMinMax(maxField: string, max: number, minField: string, min: number): Problem {
  if (isToken(min) || isToken(max) || max >= min) return undefined;
  return `${maxField} (${max}) must be >= ${minField} (${min}): lower ${minField.split('.').pop()} or raise ${maxField.split('.').pop()}`;
}

export function checkInRange(field: string, value: number | undefined, min: number, max: number): Problem {
  if (value === undefined || isToken(value) || (Number.isFinite(value) && value >= min && value <= max)) return undefined;
  return `${field} (${value}) must be between ${min} and ${max}`;
}

export function checkPositive(field: string, value: number | undefined): Problem {
  if (value === undefined || isToken(value) || (Number.isFinite(value) && value > 0)) return undefined;
  return `${field} (${value}) must be > 0`;
}

export function checkWholeNumberAtLeast(field: string, value: number | undefined, min: number): Problem {
  if (value === undefined || isToken(value) || (Number.isInteger(value) && value >= min)) return undefined;
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

/** Values that must appear once in a list, e.g. the instance types of a mixed instances policy. */
export function checkNoDuplicates(field: string, values: readonly string[]): Problem {
  const duplicate = values.find((value, n) => values.indexOf(value) !== n);
  return duplicate === undefined ? undefined : `${field} lists "${duplicate}" twice: list each value once`;
}

/** One segment of an S3 key (a model name or version): no slash, no `.`/`..`, nothing that needs encoding. */
export function checkS3KeySegment(field: string, value: string): Problem {
  if (isToken(value) || (/^[A-Za-z0-9._-]{1,128}$/.test(value) && value !== '.' && value !== '..')) return undefined;
  return `${field} ("${value}") must be 1-128 letters, digits, ".", "_" or "-" (not "." or ".."): it is one segment of an S3 key and a cache directory`;
}

/** AWS tag values: up to 256 Unicode letters, digits, spaces and `_ . : / = + - @`. */
export function checkTagValue(field: string, value: string): Problem {
  if (isToken(value) || (/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u.test(value) && value.length <= 256)) return undefined;
  return `${field} ("${value}") must be at most 256 letters, digits, spaces and _ . : / = + - @: AWS rejects other tag values`;
}

/**
 * A spot max price must be positive and below the on-demand price of every type it may buy that the
 * price table has (lib/pricing/price-table.ts, us-east-1): GPU and CPU types alike.
 */
export function checkSpotMaxPrice(field: string, price: number | undefined, instanceTypes: readonly string[]): Problem {
  if (price === undefined || isToken(price)) return undefined;
  if (!(price > 0)) {
    return `${field} (${price}) must be > 0 USD per hour: leave it unset to pay the spot price, capped at on-demand`;
  }
  const cheaper = instanceTypes.flatMap((type) => {
    const onDemand = spotMaxPriceCeilingUsdPerHour(type);
    return onDemand !== undefined && price >= onDemand ? [`${type} costs ${onDemand} USD/hour`] : [];
  });
  if (cheaper.length === 0) return undefined;
  return `${field} (${price}) must be below the on-demand price of every instance type (${cheaper.join(', ')}): lower it or leave it unset`;
}

/**
 * Auto Scaling recurrences are standard 5-field cron expressions (minute hour day-of-month
 * month day-of-week), each field `*`, a number, a range, a list or a step within its range.
 */
export function checkCron(field: string, expression: string | undefined): Problem {
  if (expression === undefined || isToken(expression)) return undefined;
  const parsed = parseCron(expression);
  if ('fieldCount' in parsed) {
    return `${field} ("${expression}") must be a cron expression of 5 fields (minute hour day-of-month month day-of-week), e.g. "0 22 * * *"`;
  }
  if ('invalidField' in parsed) {
    const { name, min, max } = parsed.invalidField;
    return `${field} ("${expression}") has an invalid ${name} field "${parsed.text}": use *, a number from ${min} to ${max}, a range, a list or a /step`;
  }
  return undefined;
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
export function checkFraction(field: string, value: number | undefined): Problem {
  if (value === undefined || isToken(value) || (value > 0 && value <= 1)) return undefined;
  return `${field} (${value}) must be > 0 and <= 1`;
}

/** EFA needs an instance type that supports it (per the GPU catalog). */
export function checkEfaSupported(efaField: string, efa: boolean, typeField: string, instanceType: string): Problem {
  if (!efa || isToken(instanceType) || acceleratedInstanceType(instanceType)?.efa !== false) return undefined;
  return `${efaField} (true) needs an instance type with EFA, and ${typeField} ("${instanceType}") has none: set efa to false or pick e.g. p4d.24xlarge`;
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
