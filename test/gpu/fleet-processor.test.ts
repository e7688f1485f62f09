import { Token } from 'aws-cdk-lib';
import { fleetInstanceTypesProblems, fleetProcessorOf, isGravitonInstanceType } from '../../lib/gpu/fleet-processor';
import { AMAZON_LINUX_2023_PARAMETER, fleetAmiParameter } from '../../lib/gpu/fleet-ami';
import { DEEP_LEARNING_AMI_PARAMETER } from '../../lib/gpu/deep-learning-ami';
import { problemsOf } from '../../lib/validation';

describe('isGravitonInstanceType', () => {
  // The Graviton families AWS lists (aws/aws-graviton-getting-started), and a1.
  test.each(['a1.large', 'c6g.large', 'c6gd.xlarge', 'c6gn.large', 'c7g.large', 'c7gd.large', 'c7gn.large', 'm6g.large', 'm7g.large', 'r6g.large', 'r8g.large',
    't4g.small', 'x2gd.large', 'i4g.large', 'im4gn.large', 'is4gen.large', 'hpc7g.4xlarge'])('%s is Graviton', (type) => {
    expect(isGravitonInstanceType(type)).toBe(true);
  });

  test.each(['c6i.large', 'c7i.large', 'c7i-flex.large', 'm7i.large', 'm7i-flex.large', 'c7a.large', 'm5zn.large', 'r7iz.large', 'x2iedn.xlarge', 't3.micro', 'hpc7a.12xlarge', 'mac2-m2pro.metal'])(
    '%s is not',
    (type) => expect(isGravitonInstanceType(type)).toBe(false),
  );
});

describe('fleetProcessorOf', () => {
  test.each([[['g5.xlarge', 'g6.xlarge'], 'gpu'], [['c6i.large', 'm7i.large'], 'cpu'], [[], 'gpu']] as Array<[string[], string]>)('%p computes on %s', (types, processor) => {
    expect(fleetProcessorOf(types)).toBe(processor);
  });

  test('skips a token for the first resolved type', () => {
    expect(fleetProcessorOf([Token.asString({ Ref: 'Type' }), 'c7i.large'])).toBe('cpu');
  });
});

describe('fleetInstanceTypesProblems', () => {
  test('accepts all-GPU and all-CPU lists', () => {
    expect(problemsOf(fleetInstanceTypesProblems('instanceTypes', ['g5.xlarge', 'g4dn.xlarge']))).toEqual([]);
    expect(problemsOf(fleetInstanceTypesProblems('instanceTypes', ['c6i.large', 'c7i.large', 'm6i.large', 'm7i.large']))).toEqual([]);
  });

  test('lets tokens pass', () => {
    expect(problemsOf(fleetInstanceTypesProblems('instanceTypes', [Token.asString({ Ref: 'Type' }), 'c7i.large']))).toEqual([]);
  });

  test('names the field of each bad type, and the mix once', () => {
    expect(problemsOf(fleetInstanceTypesProblems('fleet.instanceTypes', ['g5.xlarge', 'm7g.large', 'c7i.large']))).toEqual([
      expect.stringMatching(/^fleet\.instanceTypes\[1\] \("m7g\.large"\) is an AWS Graviton \(arm64\) type/),
      expect.stringMatching(/^fleet\.instanceTypes mixes NVIDIA GPU types \(g5\.xlarge\) and CPU types \(m7g\.large, c7i\.large\)/),
    ]);
  });
});

describe('fleetAmiParameter', () => {
  test('is the Deep Learning AMI for GPUs and Amazon Linux 2023 for CPUs', () => {
    expect([fleetAmiParameter('gpu'), fleetAmiParameter('cpu')]).toEqual([DEEP_LEARNING_AMI_PARAMETER, AMAZON_LINUX_2023_PARAMETER]);
  });
});
