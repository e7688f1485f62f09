import {
  acceleratedInstanceType, imageProcessorOf, instanceFamilyOf, isAcceleratedInstanceType, nvidiaGpuInstanceTypes,
} from '../../lib/gpu/accelerated-instance-types';

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

  test('records the GPU architecture of every NVIDIA type', () => {
    expect(nvidiaGpuInstanceTypes().filter((type) => acceleratedInstanceType(type)?.gpuArchitecture === undefined)).toEqual([]);
    expect(['p3.8xlarge', 'g4dn.xlarge', 'g5.xlarge', 'g6.xlarge', 'p5.48xlarge'].map((t) => acceleratedInstanceType(t)?.gpuArchitecture))
      .toEqual(['volta', 'turing', 'ampere', 'ada-lovelace', 'hopper']);
  });

  test('names the family', () => {
    expect(instanceFamilyOf('g6e.2xlarge')).toBe('g6e');
  });
});

describe('imageProcessorOf', () => {
  test.each([
    ['g5.xlarge', 'gpu'], ['ml.g5.xlarge', 'gpu'], ['ml.p4d.24xlarge', 'gpu'], ['p6-b200.48xlarge', 'gpu'],
    ['m5.large', 'cpu'], ['ml.m5.large', 'cpu'], ['ml.c7i.xlarge', 'cpu'], ['ml.t3.medium', 'cpu'],
    ['ml.inf2.xlarge', 'other'], ['trn1.2xlarge', 'other'], ['g4ad.xlarge', 'other'], ['dl1.24xlarge', 'other'],
  ])('%s needs a %s image', (type, processor) => {
    expect(imageProcessorOf(type)).toBe(processor);
  });
});
