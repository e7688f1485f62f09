import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { logRetentionUnderAYear } from '../../lib/compliance/shared-exemptions';

// CT.CLOUDWATCH.PR.2's Guard rule: `RetentionInDays not exists or RetentionInDays >= 365`.
describe('logRetentionUnderAYear', () => {
  test('holds for a retention the rule rejects (a week, six months)', () => {
    expect([RetentionDays.ONE_WEEK, RetentionDays.SIX_MONTHS].map((r) => logRetentionUnderAYear(r).condition?.holds)).toEqual([true, true]);
  });

  test('does not hold at one year (365 days), which the rule accepts', () => {
    expect(logRetentionUnderAYear(RetentionDays.ONE_YEAR).condition?.holds).toBe(false);
  });

  test('does not hold for logs kept forever, which CDK renders without RetentionInDays', () => {
    expect(logRetentionUnderAYear(RetentionDays.INFINITE).condition?.holds).toBe(false);
  });

  test('names the condition, not an environment', () => {
    expect(logRetentionUnderAYear(RetentionDays.ONE_WEEK).condition?.description).toBe('log retention under one year');
  });
});

