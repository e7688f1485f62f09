import { Duration, Token } from 'aws-cdk-lib';
import {
  checkCron, checkDurationBetween, checkMinMax, checkNoDuplicates, checkS3KeySegment, checkTagValue, checkWholeDuration, problemsOf, throwIfProblems, withPath,
} from '../lib/validation';

describe('checkCron', () => {
  test.each(['0 22 * * *', '*/15 8-18 * * 1-5', '0,30 0-23/2 1-31 1-12 0-6', '59 23 31 12 6'])('accepts "%s"', (expression) => {
    expect(checkCron('cron', expression)).toBeUndefined();
  });

  test.each([
    ['0 24 * * *', 'hour', '24', 0, 23],
    ['60 8 * * *', 'minute', '60', 0, 59],
    ['0 8 0 * *', 'day-of-month', '0', 1, 31],
    ['0 8 * 13 *', 'month', '13', 1, 12],
    ['0 8 * * 7', 'day-of-week', '7', 0, 6],
    ['0 18-8 * * *', 'hour', '18-8', 0, 23],
    ['*/0 8 * * *', 'minute', '*/0', 0, 59],
    ['0 8 * * MON', 'day-of-week', 'MON', 0, 6],
  ])('rejects "%s": its %s field', (expression, name, value, min, max) => {
    expect(checkCron('schedule.scaleUpCron', expression)).toBe(
      `schedule.scaleUpCron ("${expression}") has an invalid ${name} field "${value}": use *, a number from ${min} to ${max}, a range, a list or a /step`,
    );
  });

  test('rejects an expression that is not 5 fields', () => {
    expect(checkCron('cron', 'cron(0 22 * * ? *)')).toMatch(/^cron \("cron\(0 22 \* \* \? \*\)"\) must be a cron expression of 5 fields/);
  });

  test('lets a token pass', () => {
    expect(checkCron('cron', Token.asString({ Ref: 'Cron' }))).toBeUndefined();
  });
});

describe('checkMinMax', () => {
  test.each([[2, 2], [4, 2]])('accepts maxCapacity %i with minCapacity %i', (max, min) => {
    expect(checkMinMax('fleet.maxCapacity', max, 'fleet.minCapacity', min)).toBeUndefined();
  });

  test('the fix points the right way: a lower minimum or a higher maximum', () => {
    expect(checkMinMax('fleet.maxCapacity', 2, 'fleet.minCapacity', 5)).toBe('fleet.maxCapacity (2) must be >= fleet.minCapacity (5): lower minCapacity or raise maxCapacity');
  });
});

describe('checkTagValue', () => {
  test.each(['ml-platform', 'team: ml/infra = a+b @ 1.0', 'Überprüfung', ''])('accepts "%s"', (value) => {
    expect(checkTagValue('tags.team', value)).toBeUndefined();
  });

  test.each(['a,b', 'x;y', 'a'.repeat(257), 'quote"'])('rejects "%s"', (value) => {
    expect(checkTagValue('tags.team', value)).toBe(
      `tags.team ("${value}") must be at most 256 letters, digits, spaces and _ . : / = + - @: AWS rejects other tag values`,
    );
  });
});

describe('checkNoDuplicates', () => {
  test('accepts distinct values', () => {
    expect(checkNoDuplicates('instanceTypes', ['g5.xlarge', 'g4dn.xlarge'])).toBeUndefined();
  });

  test('names the repeated value', () => {
    expect(checkNoDuplicates('instanceTypes', ['g5.xlarge', 'g4dn.xlarge', 'g5.xlarge'])).toBe('instanceTypes lists "g5.xlarge" twice: list each value once');
  });
});

describe('checkS3KeySegment', () => {
  test.each(['llama', '1.0.0', 'a_b-c.d', 'x'.repeat(128)])('accepts "%s"', (value) => {
    expect(checkS3KeySegment('model.name', value)).toBeUndefined();
  });

  test.each(['.', '..', 'a/b', '', 'a b', 'x'.repeat(129), 'ü'])('rejects "%s"', (value) => {
    expect(checkS3KeySegment('model.name', value)).toBe(
      `model.name ("${value}") must be 1-128 letters, digits, ".", "_" or "-" (not "." or ".."): it is one segment of an S3 key and a cache directory`,
    );
  });
});

describe('checkDurationBetween', () => {
  test.each([Duration.seconds(1), Duration.minutes(30), Duration.hours(12)])('accepts %s inclusive of the bounds', (value) => {
    expect(checkDurationBetween('maxJobDuration', value, Duration.seconds(1), Duration.hours(12))).toBeUndefined();
  });

  test('rejects a value below the minimum', () => {
    expect(checkDurationBetween('maxJobDuration', Duration.seconds(0), Duration.seconds(1), Duration.hours(12))).toBe(
      'maxJobDuration (0 seconds) must be between 1 second and 12 hours',
    );
  });

  test('rejects a value above the maximum', () => {
    expect(checkDurationBetween('maxJobDuration', Duration.minutes(721), Duration.seconds(1), Duration.hours(12))).toBe(
      'maxJobDuration (12 hours 1 minute) must be between 1 second and 12 hours',
    );
  });

  test('lets a token pass', () => {
    expect(checkDurationBetween('maxJobDuration', Duration.seconds(Token.asNumber({ Ref: 'Seconds' })), Duration.seconds(1), Duration.hours(12))).toBeUndefined();
  });
});

describe('checkWholeDuration', () => {
  test('accepts whole minutes', () => {
    expect(checkWholeDuration('scaleToZeroAfterIdle', Duration.seconds(120), 'minutes')).toBeUndefined();
  });

  test('rejects a duration that is not whole minutes', () => {
    expect(checkWholeDuration('scaleToZeroAfterIdle', Duration.seconds(90), 'minutes')).toBe(
      'scaleToZeroAfterIdle (1 minute 30 seconds) must be a whole number of minutes',
    );
  });

  test('accepts whole seconds', () => {
    expect(checkWholeDuration('maxJobDuration', Duration.minutes(2), 'seconds')).toBeUndefined();
  });
});

describe('withPath and throwIfProblems', () => {
  test('withPath prefixes each problem and drops passing checks', () => {
    expect(withPath('fleet', ['maxCapacity (0) must be a whole number >= 1', undefined])).toEqual(['fleet.maxCapacity (0) must be a whole number >= 1']);
  });

  test('problemsOf drops passing checks', () => {
    expect(problemsOf([undefined, 'a', undefined, 'b'])).toEqual(['a', 'b']);
  });

  test('throwIfProblems lists every problem, one per line', () => {
    expect(() => throwIfProblems('first', undefined, 'second')).toThrow(/^first\nsecond$/);
  });

  test('throwIfProblems passes without problems', () => {
    expect(() => throwIfProblems(undefined)).not.toThrow();
  });
});
