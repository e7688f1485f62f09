import { controlInstanceTypePatterns, nitroTypesOffControlList } from '../../lib/compliance/nitro-types-off-control-list';

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
  const holds = (instanceTypes: string[]): boolean | undefined => nitroTypesOffControlList('CT.EC2.PR.18', instanceTypes).condition?.holds;

  test('holds where the types off the list are Nitro in the catalog (g6)', () => {
    expect(holds(['g5.12xlarge', 'g6.12xlarge'])).toBe(true);
  });

  test('does not hold for a Xen type (p3.8xlarge): the finding stays and fails the synth', () => {
    expect(holds(['g6.12xlarge', 'p3.8xlarge'])).toBe(false);
  });

  test('does not hold for a type the catalog does not know', () => {
    expect(holds(['g6.12xlarge', 'g7.12xlarge'])).toBe(false);
  });

  test('does not hold where every type is on the list: no exemption to go stale', () => {
    expect(holds(['g5.12xlarge', 'g4dn.12xlarge'])).toBe(false);
  });

  test('exempts from the control it is given, with a condition that names no environment', () => {
    const exemption = nitroTypesOffControlList('CT.AUTOSCALING.PR.11', ['g6.xlarge']);
    expect([exemption.control, exemption.condition?.description]).toEqual(['CT.AUTOSCALING.PR.11', 'instance types off the control\'s list, each of them Nitro in lib/gpu\'s catalog']);
  });
});
