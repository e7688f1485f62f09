/**
 * Families of SageMaker hosting instance types with local NVMe instance store volumes whose name
 * carries no `d`: the accelerated families of EC2's instance store table
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html#ac_instance-store) that
 * SageMaker hosting offers. SageMaker names ml.g4dn, ml.g5 and ml.p4d as "ML instance families
 * with the NVMe-type instance storage", and ml.c5 and ml.p2 as families with EBS volumes
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html).
 */
const NVME_FAMILIES_WITHOUT_D: readonly string[] = [
  'dl1', 'g5', 'g6', 'g6e', 'g7e', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6-b300', 'p6e-gb200', 'trn1', 'trn1n', 'trn2',
];

/**
 * Whether the SageMaker instance type (`ml.g5.xlarge`) stores on local NVMe instance storage. A
 * `d` among the attribute letters after the generation means instance store volumes
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html): ml.m5d,
 * ml.c6gd, ml.r7gd, ml.g4dn, ml.p4d, ml.p4de; the other families are listed above.
 */
export function hasLocalInstanceStorage(instanceType: string): boolean {
  const family = instanceType.replace(/^ml\./, '').split('.')[0];
  return /^[a-z]+\d+[a-z]*d[a-z]*$/.test(family) || NVME_FAMILIES_WITHOUT_D.includes(family);
}
