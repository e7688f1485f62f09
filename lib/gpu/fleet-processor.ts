import { Token } from 'aws-cdk-lib';
import { Problem, checkGpuInstanceType } from '../validation';
import { ImageProcessor, imageProcessorOf, instanceFamilyOf } from './accelerated-instance-types';

/**
 * What an inference fleet's instances compute on: NVIDIA GPUs (`gpu`: the Deep Learning AMI, the
 * image's CUDA build, `--gpus all`, GPU utilization), or CPUs only (`cpu`: Amazon Linux 2023, the
 * image's CPU build, CPU utilization). One fleet runs one of them.
 */
export type FleetProcessor = Exclude<ImageProcessor, 'other'>;

/** How each processor reads in messages and names. */
export const FLEET_PROCESSOR_LABELS: Readonly<Record<FleetProcessor, string>> = { gpu: 'GPU', cpu: 'CPU' };

/** An EC2 instance type name: family (letters, a generation digit, attributes) `.` size, e.g. `c7i.large`, `m7i-flex.xlarge`. */
const INSTANCE_TYPE_NAME = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

/**
 * Whether `instanceType` runs on AWS Graviton (arm64): the `a1` family, and every family whose
 * attributes after the generation carry `g` (c7g, m7gd, c6gn, t4g, im4gn, hpc7g), as EC2 names them
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html). Accelerated
 * families (g5, g5g) are checked as GPUs before this.
 */
export function isGravitonInstanceType(instanceType: string): boolean {
  const family = instanceFamilyOf(instanceType);
  return family === 'a1' || /^[a-z]+\d+[a-z-]*g/.test(family);
}

/** The processor a fleet of `instanceTypes` computes on: its first type's (the rules below keep every type alike). */
export function fleetProcessorOf(instanceTypes: readonly string[]): FleetProcessor {
  const first = instanceTypes.find((type) => !Token.isUnresolved(type));
  return first !== undefined && imageProcessorOf(first) === 'cpu' ? 'cpu' : 'gpu';
}

/** One instance type of a fleet, named `field`: a catalogued NVIDIA GPU type, or an x86_64 type without accelerators. */
function checkFleetInstanceType(field: string, instanceType: string): Problem {
  if (Token.isUnresolved(instanceType)) return undefined;
  const processor = imageProcessorOf(instanceType);
  if (processor === 'gpu') return checkGpuInstanceType(field, instanceType);
  if (processor === 'other') {
    return `${field} ("${instanceType}") carries Inferentia, Trainium, Gaudi or AMD accelerators, which the fleet's images cannot drive: `
      + 'use NVIDIA GPU types (e.g. g5.xlarge) or CPU types (e.g. c7i.large)';
  }
  if (!INSTANCE_TYPE_NAME.test(instanceType)) {
    return `${field} ("${instanceType}") is not an EC2 instance type name: use family.size, e.g. c7i.large`;
  }
  if (isGravitonInstanceType(instanceType)) {
    return `${field} ("${instanceType}") is an AWS Graviton (arm64) type, but a CPU fleet boots the x86_64 Amazon Linux 2023 AMI `
      + 'and runs the image\'s x86_64 CPU build: use an Intel or AMD type, e.g. c7i.large or c7a.large';
  }
  return undefined;
}

/**
 * The rules of a fleet's instance types, each naming `field` (e.g. `instanceTypes[1]`): every type
 * a catalogued NVIDIA GPU type or an x86_64 type without accelerators, and all of one processor,
 * since a fleet boots one AMI and runs one build of its serving image.
 */
export function fleetInstanceTypesProblems(field: string, instanceTypes: readonly string[]): Problem[] {
  const problems = instanceTypes.map((type, n) => checkFleetInstanceType(`${field}[${n}]`, type));
  const resolved = instanceTypes.filter((type) => !Token.isUnresolved(type));
  const gpu = resolved.filter((type) => imageProcessorOf(type) === 'gpu');
  const cpu = resolved.filter((type) => imageProcessorOf(type) === 'cpu');
  if (gpu.length > 0 && cpu.length > 0) {
    problems.push(`${field} mixes NVIDIA GPU types (${gpu.join(', ')}) and CPU types (${cpu.join(', ')}): a fleet boots one AMI `
      + 'and runs one build of its serving image, so list GPU types only or CPU types only (another service can run the other kind)');
  }
  return problems;
}
