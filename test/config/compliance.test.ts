import { ComplianceConfig, compliance, complianceConfigProblems, validateComplianceConfig } from '../../lib/config/compliance';

const config = (control: string, owner: string, reviewBy: string): ComplianceConfig => ({ exemptionReviews: { [control]: { owner, reviewBy } } });

describe('the compliance config', () => {
  test('of this repository is valid', () => {
    expect(complianceConfigProblems(compliance)).toEqual([]);
  });

  test('rejects a control the validator does not bundle, naming the field and the fix', () => {
    expect(() => validateComplianceConfig(config('CT.S3.PR.99', 'ml-platform', '2027-06-30')))
      .toThrow(/compliance\.exemptionReviews\['CT\.S3\.PR\.99'\] names no control that @cdklabs\/cdk-validator-cfnguard bundles: use a control id such as 'CT\.S3\.PR\.9'/);
  });

  test('rejects an empty owner', () => {
    expect(() => validateComplianceConfig(config('CT.S3.PR.9', ' ', '2027-06-30')))
      .toThrow(/compliance\.exemptionReviews\['CT\.S3\.PR\.9'\]\.owner is empty: name the team or person who answers for the exemption/);
  });

  test.each(['2027-02-30', '30.06.2027', '2027-6-30'])('rejects the review date %s: not a date YYYY-MM-DD', (reviewBy) => {
    expect(() => validateComplianceConfig(config('CT.S3.PR.9', 'ml-platform', reviewBy)))
      .toThrow(`compliance.exemptionReviews['CT.S3.PR.9'].reviewBy ("${reviewBy}") must be a date YYYY-MM-DD, e.g. "2027-06-30"`);
  });

  test('lists every problem in one error, naming the file', () => {
    expect(() => validateComplianceConfig({ exemptionReviews: { 'CT.S3.PR.9': { owner: '', reviewBy: 'soon' }, 'CT.NOPE': { owner: 'a', reviewBy: '2027-01-01' } } }))
      .toThrow(/^Invalid compliance config \(lib\/config\/compliance\.ts\):\n- .*owner is empty.*\n- .*reviewBy \("soon"\).*\n- .*'CT\.NOPE'\] names no control/);
  });
});
