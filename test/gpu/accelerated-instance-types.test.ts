import { acceleratedInstanceType, instanceFamilyOf, isAcceleratedInstanceType, nvidiaGpuInstanceTypes } from '../../lib/gpu/accelerated-instance-types';

describe('isAcceleratedInstanceType', () => {
  test.each(['g4dn.xlarge', 'g5.48xlarge', 'p3.8xlarge', 'p5.48xlarge', 'trn1.32xlarge', 'inf2.xlarge', 'dl1.24xlarge', 'g6e.12xlarge'])(
    '%s is accelerated',
    (type) => expect(isAcceleratedInstanceType(type)).toBe(true),
  );

  test.each(['m5.large', 't3.micro', 'c7i.2xlarge', 'r6g.xlarge', 'graviton.large'])('%s is not', (type) => {
    expect(isAcceleratedInstanceType(type)).toBe(false);
  });

  test('holds for an accelerated type the catalog does not price', () => {
    expect([acceleratedInstanceType('p4de.24xlarge'), isAcceleratedInstanceType('p4de.24xlarge')]).toEqual([undefined, true]);
  });
});

describe('the catalog', () => {
  test('every catalogued type belongs to an accelerated family', () => {
    expect(nvidiaGpuInstanceTypes().filter((type) => !isAcceleratedInstanceType(type))).toEqual([]);
  });

  test('p3 below 24xlarge is not Nitro, the current families are', () => {
    expect(['p3.8xlarge', 'g5.xlarge', 'p4d.24xlarge'].map((t) => acceleratedInstanceType(t)?.nitro)).toEqual([false, true, true]);
  });

  test('lists only NVIDIA types as GPU types', () => {
    expect(nvidiaGpuInstanceTypes()).not.toContain('trn1.2xlarge');
  });

  test('names the family', () => {
    expect(instanceFamilyOf('g6e.2xlarge')).toBe('g6e');
  });
});
