import { controlTowerControls } from '../compliance/control-tower-controls';
import { Problem, problemsOf } from '../validation';

/** Who answers for the exemptions from one Control Tower control, and when they look at them again. */
export interface ExemptionReview {
  /** The team or person who answers for the exemptions to auditors, e.g. `ml-platform`. */
  readonly owner: string;
  /**
   * The date (`YYYY-MM-DD`, UTC) by which the owner reviews the exemptions: the day after it,
   * `npm run compliance` and the exemption audit of `npm test` fail until the date moves on or
   * the exemptions go.
   */
  readonly reviewBy: string;
}

/** The compliance decisions of the app, shared by every environment. */
export interface ComplianceConfig {
  /**
   * By Control Tower control id (e.g. `CT.S3.PR.9`): the owner and review date of every
   * exemption from it that a construct declares (`exemptFromControlTower`). The constructs
   * state what is exempted and why; this states who answers for it and until when. Every
   * control an exemption holds for needs an entry, and every entry an exemption.
   */
  readonly exemptionReviews: Readonly<Record<string, ExemptionReview>>;
}

const OWNER = 'ml-platform';

/** This repository's owners and review dates. Move a date on only after reviewing its exemptions (docs/compliance.md). */
export const compliance: ComplianceConfig = {
  exemptionReviews: {
    // Retention, backups, placement and Lambda networking: decisions of the app's own design.
    'CT.AUTOSCALING.PR.1': { owner: OWNER, reviewBy: '2027-06-30' },
    'CT.AUTOSCALING.PR.6': { owner: OWNER, reviewBy: '2027-06-30' },
    'CT.CLOUDWATCH.PR.2': { owner: OWNER, reviewBy: '2027-06-30' },
    'CT.ELASTICFILESYSYSTEM.PR.2': { owner: OWNER, reviewBy: '2027-06-30' },
    'CT.ELASTICLOADBALANCING.PR.1': { owner: OWNER, reviewBy: '2027-06-30' },
    'CT.ELASTICLOADBALANCING.PR.5': { owner: OWNER, reviewBy: '2027-06-30' },
    'CT.LAMBDA.PR.3': { owner: OWNER, reviewBy: '2027-06-30' },
    'CT.S3.PR.2': { owner: OWNER, reviewBy: '2027-06-30' },
    'CT.S3.PR.9': { owner: OWNER, reviewBy: '2027-06-30' },
    'CT.S3.PR.10': { owner: OWNER, reviewBy: '2027-06-30' },
    // Nitro lists that predate g6: sooner, a newer validator may list it and make these stale.
    'CT.EC2.PR.18': { owner: OWNER, reviewBy: '2027-03-31' },
    'CT.EC2.PR.20': { owner: OWNER, reviewBy: '2027-03-31' },
  },
};

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
function isDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

/** The problems of a compliance config, each naming `compliance.exemptionReviews['<control>'].<field>`, the value and the fix. */
export function complianceConfigProblems(config: ComplianceConfig): string[] {
  const known = new Set(controlTowerControls().map((c) => c.id));
  return problemsOf(Object.entries(config.exemptionReviews).flatMap(([control, review]): Problem[] => {
    const field = `compliance.exemptionReviews['${control}']`;
    return [
      known.has(control) ? undefined : `${field} names no control that @cdklabs/cdk-validator-cfnguard bundles: use a control id such as 'CT.S3.PR.9'`,
      review.owner.trim() !== '' ? undefined : `${field}.owner is empty: name the team or person who answers for the exemption`,
      isDate(review.reviewBy) ? undefined : `${field}.reviewBy ("${review.reviewBy}") must be a date YYYY-MM-DD, e.g. "2027-06-30"`,
    ];
  }));
}

/** Throws one error listing every problem of the compliance config. */
export function validateComplianceConfig(config: ComplianceConfig): void {
  const problems = complianceConfigProblems(config);
  if (problems.length > 0) throw new Error(`Invalid compliance config (lib/config/compliance.ts):\n- ${problems.join('\n- ')}`);
}
