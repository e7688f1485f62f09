import { ProductionVariantInstanceType } from '@aws-sdk/client-sagemaker';
import { sageMakerEndpointSettingsProblems } from '../../../lib/constructs/training/sagemaker-endpoint';
import { hasLocalInstanceStorage } from '../../../lib/constructs/training/sagemaker-instance-storage';
import { problemsOf } from '../../../lib/validation';

/** Every instance type SageMaker hosting offers, from the SageMaker API model (ProductionVariant.InstanceType). */
const HOSTING_TYPES: string[] = Object.values(ProductionVariantInstanceType);
const familyOf = (type: string) => type.split('.')[1];
const typesOf = (family: string) => HOSTING_TYPES.filter((type) => familyOf(type) === family);

/** Families SageMaker documents as "ML instance families with the NVMe-type instance storage" (API_ResourceConfig, VolumeSizeInGB). */
const DOCUMENTED_NVME_FAMILIES = ['p4d', 'g4dn', 'g5'];
/** Families SageMaker documents as "ML instance families that use EBS volumes" (the same page). */
const DOCUMENTED_EBS_FAMILIES = ['c5', 'p2'];
/** Hosting families whose name carries EC2's `d` attribute, "instance store volumes" (EC2 instance type naming conventions). */
const D_FAMILIES = [...new Set(HOSTING_TYPES.map(familyOf))].filter((family) => /^[a-z]+\d+[a-z]*d[a-z]*$/.test(family));

/** The endpoint's rules for one variant of `instanceType`, with or without a customer managed key. */
function problems(instanceType: string, customerManagedKey: boolean): string[] {
  return problemsOf(sageMakerEndpointSettingsProblems({
    variants: [{ name: 'primary', instanceType, initialInstanceCount: 1, initialVariantWeight: 1 }],
    minCapacity: 1,
    maxCapacity: 2,
    maxRequestsPerSecond: 10,
    customerManagedKey,
  }));
}

describe('local NVMe storage of SageMaker hosting types', () => {
  test('the API model lists the documented families, so the checks below cover real types', () => {
    for (const family of [...DOCUMENTED_NVME_FAMILIES, ...DOCUMENTED_EBS_FAMILIES, 'm5d', 'c5d', 'r5d']) {
      expect(typesOf(family)).not.toEqual([]);
    }
  });

  test.each(DOCUMENTED_NVME_FAMILIES.flatMap(typesOf))('%s stores on local NVMe (SageMaker\'s documented NVMe families)', (type) => {
    expect(hasLocalInstanceStorage(type)).toBe(true);
  });

  test.each(D_FAMILIES.flatMap(typesOf))('%s stores on local NVMe (a d type)', (type) => {
    expect(hasLocalInstanceStorage(type)).toBe(true);
  });

  test.each(DOCUMENTED_EBS_FAMILIES.flatMap(typesOf))('%s stores on EBS (SageMaker\'s documented EBS families)', (type) => {
    expect(hasLocalInstanceStorage(type)).toBe(false);
  });
});

describe('CreateEndpointConfig refuses a KmsKeyId for a local-storage type: the rule refuses it at synth', () => {
  test.each(['ml.g5.xlarge', 'ml.g4dn.xlarge', 'ml.p4d.24xlarge', 'ml.m5d.large', 'ml.g6.xlarge', 'ml.p5.48xlarge'])('%s with a customer managed key', (type) => {
    expect(problems(type, true)).toEqual([expect.stringMatching(new RegExp(`^customerManagedKey \\(true\\) cannot be used with variants\\[0\\]\\.instanceType \\("${type.replace(/\./g, '\\.')}"\\)`))]);
  });

  test.each(['ml.g5.xlarge', 'ml.m5d.large'])('%s without one', (type) => {
    expect(problems(type, false)).toEqual([]);
  });

  test.each(['ml.m5.large', 'ml.c5.xlarge', 'ml.p3.2xlarge', 'ml.inf2.xlarge'])('%s (EBS) with a customer managed key', (type) => {
    expect(problems(type, true)).toEqual([]);
  });
});
