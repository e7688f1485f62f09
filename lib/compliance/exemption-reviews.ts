import type { ExemptionReview } from '../config/compliance';
import { AppliedExemption } from './exemption-audit';

/** Where the owners and review dates are stated. */
export const REVIEWS_FILE = 'lib/config/compliance.ts';

/** The state of an exemption's review on a day. */
export type ReviewState =
  | { readonly state: 'due'; readonly review: ExemptionReview }
  | { readonly state: 'overdue'; readonly review: ExemptionReview }
  | { readonly state: 'missing' };

/** The review of exemptions from `control` on `today` (`YYYY-MM-DD`): due until its reviewBy date, overdue after it. */
export function reviewOf(control: string, reviews: Readonly<Record<string, ExemptionReview>>, today: string): ReviewState {
  const review = reviews[control];
  if (review === undefined) return { state: 'missing' };
  return { state: review.reviewBy < today ? 'overdue' : 'due', review };
}

/** `a (A), b (B) and 3 more`: the first exemptions of a control, by construct path and declaring class. */
function exempted(audit: readonly AppliedExemption[]): string {
  const named = audit.slice(0, 2).map((a) => `${a.constructPath} (${a.exemption.declaredBy})`).join(', ');
  return audit.length > 2 ? `${named} and ${audit.length - 2} more` : named;
}

/**
 * The exemptions in `audit` whose control has no owner and review date, or whose review date
 * passed before `today` (`YYYY-MM-DD`): one sentence per control, naming it, what it exempts
 * and the fix.
 */
export function exemptionReviewProblems(audit: readonly AppliedExemption[], reviews: Readonly<Record<string, ExemptionReview>>, today: string): string[] {
  const controls = [...new Set(audit.map((a) => a.exemption.control))];
  return controls.flatMap((control) => {
    const of = audit.filter((a) => a.exemption.control === control);
    const review = reviewOf(control, reviews, today);
    const declaredBy = [...new Set(of.map((a) => a.exemption.declaredBy))].join(', ');
    if (review.state === 'missing') {
      return [`The exemption from ${control} of ${exempted(of)} has no owner or review date: `
        + `add '${control}': { owner: '<team>', reviewBy: 'YYYY-MM-DD' } to compliance.exemptionReviews in ${REVIEWS_FILE}`];
    }
    if (review.state === 'overdue') {
      return [`The exemption from ${control} of ${exempted(of)}, owned by ${review.review.owner}, was due for review on ${review.review.reviewBy}: `
        + `review it (docs/compliance.md), then set compliance.exemptionReviews['${control}'].reviewBy in ${REVIEWS_FILE} to the next review date, `
        + `or remove the exemption from ${declaredBy}`];
    }
    return [];
  });
}

/** Review entries for a control no exemption in `audit` holds for: one sentence each, naming the fix. */
export function unusedExemptionReviews(audit: readonly AppliedExemption[], reviews: Readonly<Record<string, ExemptionReview>>): string[] {
  const used = new Set(audit.map((a) => a.exemption.control));
  return Object.keys(reviews).filter((control) => !used.has(control))
    .map((control) => `compliance.exemptionReviews['${control}'] reviews no exemption that holds in any environment: remove it from ${REVIEWS_FILE}`);
}
