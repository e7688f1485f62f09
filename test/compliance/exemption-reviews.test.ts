import { AppliedExemption } from '../../lib/compliance/exemption-audit';
import { exemptionReviewProblems, reviewOf, unusedExemptionReviews } from '../../lib/compliance/exemption-reviews';

const REVIEWS = { 'CT.S3.PR.9': { owner: 'data-team', reviewBy: '2027-06-30' } };

/** An exemption from `control` that held on `constructPath`, declared by `declaredBy`. */
const applied = (control: string, constructPath: string, declaredBy = 'DataBucket'): AppliedExemption => ({
  constructPath, exemption: { control, reason: 'Working data.', holds: true, declaredBy }, suppressedPaths: [`${constructPath}/Resource`],
});

describe('reviewOf', () => {
  test('is due up to and on its review date', () => {
    expect(reviewOf('CT.S3.PR.9', REVIEWS, '2027-06-30').state).toBe('due');
  });

  test('is overdue from the day after its review date', () => {
    expect(reviewOf('CT.S3.PR.9', REVIEWS, '2027-07-01').state).toBe('overdue');
  });

  test('is missing for a control without an entry', () => {
    expect(reviewOf('CT.S3.PR.2', REVIEWS, '2027-01-01').state).toBe('missing');
  });
});

describe('exemptionReviewProblems', () => {
  const audit = [applied('CT.S3.PR.9', 'dev/AiInference/Models/Bucket'), applied('CT.S3.PR.9', 'dev/Training/Buckets/Checkpoints'),
    applied('CT.S3.PR.9', 'prod/AiInference/AccessLogs/Bucket', 'AccessLogsBucket')];

  test('finds none while every review is due', () => {
    expect(exemptionReviewProblems(audit, REVIEWS, '2027-06-30')).toEqual([]);
  });

  test('names an overdue control once, with its owner, date, what it exempts, the constructs that declare it and the fix', () => {
    expect(exemptionReviewProblems(audit, REVIEWS, '2027-07-01')).toEqual([
      'The exemption from CT.S3.PR.9 of dev/AiInference/Models/Bucket (DataBucket), dev/Training/Buckets/Checkpoints (DataBucket) and 1 more, '
      + 'owned by data-team, was due for review on 2027-06-30: review it (docs/compliance.md), then set '
      + 'compliance.exemptionReviews[\'CT.S3.PR.9\'].reviewBy in lib/config/compliance.ts to the next review date, or remove the exemption from DataBucket, AccessLogsBucket',
    ]);
  });

  test('names a control without an owner or review date, and what to add where', () => {
    expect(exemptionReviewProblems([applied('CT.S3.PR.2', 'dev/AiInference/AccessLogs/Bucket', 'AccessLogsBucket')], REVIEWS, '2027-01-01')).toEqual([
      'The exemption from CT.S3.PR.2 of dev/AiInference/AccessLogs/Bucket (AccessLogsBucket) has no owner or review date: '
      + 'add \'CT.S3.PR.2\': { owner: \'<team>\', reviewBy: \'YYYY-MM-DD\' } to compliance.exemptionReviews in lib/config/compliance.ts',
    ]);
  });
});

describe('unusedExemptionReviews', () => {
  test('names an entry no exemption holds for, and to remove it', () => {
    expect(unusedExemptionReviews([], REVIEWS)).toEqual([
      'compliance.exemptionReviews[\'CT.S3.PR.9\'] reviews no exemption that holds in any environment: remove it from lib/config/compliance.ts',
    ]);
  });

  test('finds none when every entry is used', () => {
    expect(unusedExemptionReviews([applied('CT.S3.PR.9', 'dev/Models')], REVIEWS)).toEqual([]);
  });
});
