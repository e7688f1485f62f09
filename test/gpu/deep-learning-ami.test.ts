import { Token } from 'aws-cdk-lib';
import { ENVIRONMENTS } from '../../lib/config';
import { ACCELERATED_INSTANCE_TYPES, instanceFamilyOf } from '../../lib/gpu/accelerated-instance-types';
import { checkDeepLearningAmiSupports, deepLearningAmiRuns } from '../../lib/gpu/deep-learning-ami';

/**
 * `supported_ec2_instances` of the Deep Learning Base OSS Nvidia Driver GPU AMI (Amazon Linux 2023)
 * in its release notes (https://docs.aws.amazon.com/dlami/latest/devguide/aws-deep-learning-ami-gpubaseoss-al2023-2026-05-20.html):
 * "G4dn, G5, G6, Gr6, G6e, G7e, P4d, P4de, P5, P5e, P5en, P6-B200, P6-B300". The proprietary-driver
 * Amazon Linux 2 DLAMI lists "G3 (G3.16x not supported), P3, P3dn, Inf1" instead.
 */
const AMI_RELEASE_NOTES_FAMILIES = ['g4dn', 'g5', 'g6', 'gr6', 'g6e', 'g7e', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6-b300'];

describe('the Deep Learning AMI rule', () => {
  const nvidiaTypes = Object.entries(ACCELERATED_INSTANCE_TYPES).filter(([, info]) => info.gpuArchitecture !== undefined);

  test.each(nvidiaTypes)('runs %s exactly when the AMI release notes list its family', (type, info) => {
    expect(deepLearningAmiRuns(info.gpuArchitecture!)).toBe(AMI_RELEASE_NOTES_FAMILIES.includes(instanceFamilyOf(type)));
  });

  test('accepts a Turing type', () => {
    expect(checkDeepLearningAmiSupports('instanceType', 'g4dn.xlarge')).toBeUndefined();
  });

  test('rejects a Volta type, naming the field, the value and the fix', () => {
    expect(checkDeepLearningAmiSupports('instanceTypes[2]', 'p3.8xlarge')).toBe(
      'instanceTypes[2] ("p3.8xlarge") has volta GPUs, which the Deep Learning Base OSS Nvidia Driver AMI does not support '
      + '(turing and newer only): use a type of g4dn, g5, g6, g6e, p4d, p5, or give the construct a machineImage whose driver supports it',
    );
  });

  test('leaves types without a catalogued GPU architecture and tokens to the other rules', () => {
    expect([checkDeepLearningAmiSupports('t', 'inf2.xlarge'), checkDeepLearningAmiSupports('t', Token.asString({ Ref: 'Type' }))]).toEqual([undefined, undefined]);
  });
});

describe.each(ENVIRONMENTS.map((config) => [config.name, config] as const))('%s guardrails', (_name, config) => {
  test('allow no EC2 type whose GPUs the Deep Learning AMI cannot drive', () => {
    const ec2Types = config.guardrails.allowedInstanceTypes.filter((type) => !type.startsWith('ml.'));
    expect(ec2Types.filter((type) => checkDeepLearningAmiSupports('type', type) !== undefined)).toEqual([]);
  });
});
