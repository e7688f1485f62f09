import { controlTowerControl, controlTowerControls } from '../../lib/compliance/control-tower-controls';

describe('controlTowerControls', () => {
  test('reads every control the validator bundles, each with one id', () => {
    const ids = controlTowerControls().map((c) => c.id);
    expect(ids.length).toBeGreaterThan(200);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('maps a control to the Guard rule the validator reports and the types it evaluates', () => {
    expect(controlTowerControl('CT.S3.PR.2')).toMatchObject({
      guardRule: 's3_bucket_logging_enabled_check',
      resourceTypes: ['AWS::S3::Bucket'],
      displayName: 'Require an Amazon S3 bucket to have server access logging configured',
    });
  });

  test('rejects an id the validator does not bundle', () => {
    expect(() => controlTowerControl('CT.NOPE.PR.1')).toThrow(/Unknown Control Tower control "CT.NOPE.PR.1"/);
  });
});
