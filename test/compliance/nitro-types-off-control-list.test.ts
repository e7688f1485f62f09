import { ENVIRONMENTS, EnvironmentConfig } from '../../lib/config';
import { controlInstanceTypePatterns, nitroTypesOffControlList } from '../../lib/compliance/nitro-types-off-control-list';

const spotFleetTypes = (config: EnvironmentConfig): readonly string[] => config.training.spotFleet.instanceTypes;
const withSpotFleetTypes = (instanceTypes: string[]): EnvironmentConfig =>
  ({ ...ENVIRONMENTS[0], training: { ...ENVIRONMENTS[0].training, spotFleet: { ...ENVIRONMENTS[0].training.spotFleet, instanceTypes } } });

describe('controlInstanceTypePatterns', () => {
  test('reads the Nitro list of the control: g5 and p4d on it, g6 and p3 not', () => {
    const patterns = controlInstanceTypePatterns('CT.EC2.PR.18');
    const accepted = (type: string): boolean => patterns.some((p) => p.test(type));
    expect(['g5.12xlarge', 'p4d.24xlarge', 'g6.12xlarge', 'p3.8xlarge'].map(accepted)).toEqual([true, true, false, false]);
  });

  test('rejects a control without an instance type list', () => {
    expect(() => controlInstanceTypePatterns('CT.S3.PR.2')).toThrow(/CT.S3.PR.2 .* declares no instance type list/);
  });
});

describe('nitroTypesOffControlList', () => {
  const condition = nitroTypesOffControlList('CT.EC2.PR.18', 'training.spotFleet.instanceTypes', spotFleetTypes);

  test('holds where the types off the list are Nitro in the catalog (g6)', () => {
    expect(condition.appliesTo(withSpotFleetTypes(['g5.12xlarge', 'g6.12xlarge']))).toBe(true);
  });

  test('does not hold for a Xen type (p3.8xlarge): the finding stays and fails the synth', () => {
    expect(condition.appliesTo(withSpotFleetTypes(['g6.12xlarge', 'p3.8xlarge']))).toBe(false);
  });

  test('does not hold for a type the catalog does not know', () => {
    expect(condition.appliesTo(withSpotFleetTypes(['g6.12xlarge', 'g7.12xlarge']))).toBe(false);
  });

  test('does not hold where every type is on the list: no exemption to go stale', () => {
    expect(condition.appliesTo(withSpotFleetTypes(['g5.12xlarge', 'g4dn.12xlarge']))).toBe(false);
  });

  test('names the config field in its description', () => {
    expect(condition.description).toMatch(/^training\.spotFleet\.instanceTypes has types off the control's list/);
  });
});
