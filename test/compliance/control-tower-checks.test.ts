import { locatedResources } from '../../lib/compliance/control-tower-checks';

// The entry that names no resource comes from cfn-guard on the real MlPlatform stack (two kubectl
// provider functions in Fn::GetStackOutput subnets); test/compliance/control-tower-app.test.ts
// synthesizes that stack, and fails on it without this filter.
describe('locatedResources', () => {
  test('drops the entries that name no resource when another entry does', () => {
    expect(locatedResources([
      { resourceLogicalId: 'Fn', templatePath: 't', locations: ['/Resources/Fn'] },
      { resourceLogicalId: '', templatePath: 't', locations: [''] },
    ])).toEqual([{ resourceLogicalId: 'Fn', templatePath: 't', locations: ['/Resources/Fn'] }]);
  });

  test('keeps a violation that names no resource at all, so it still fails the synth', () => {
    const unlocated = [{ resourceLogicalId: '', templatePath: 't', locations: [''] }];
    expect(locatedResources(unlocated)).toEqual(unlocated);
  });
});
