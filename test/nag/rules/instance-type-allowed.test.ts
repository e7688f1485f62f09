import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { instanceTypeAllowed } from '../../../lib/nag/rules/instance-type-allowed';
import { gpuFleet, gpuGroup } from '../../helpers/gpu-fixtures';
import { findingsOf, ruleFindingsAt } from '../../helpers/nag';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../../helpers/nag-rule';

const rule = instanceTypeAllowed(['g4dn.xlarge', 'g5.xlarge', 'ml.m5.large']);

function endpointConfig(stack: import('aws-cdk-lib').Stack, instanceType: string): CfnEndpointConfig {
  return new CfnEndpointConfig(stack, 'Config', {
    productionVariants: [{ variantName: 'primary', modelName: 'model', instanceType, initialInstanceCount: 1, initialVariantWeight: 1 }],
  });
}

describe('InstanceTypeAllowed, as a function', () => {
  test('a group whose overrides are all allowed is compliant', () => {
    const { stack } = bareStack();
    expect(rule(gpuGroup(stack, 'Group', { instanceTypes: ['g4dn.xlarge', 'g5.xlarge'] }))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a group finds each type outside the list once', () => {
    const { stack } = bareStack();
    expect(rule(gpuGroup(stack, 'Group', { instanceTypes: ['g5.xlarge', 'p4d.24xlarge', 'p5.48xlarge'] }))).toEqual(['p4d.24xlarge', 'p5.48xlarge']);
  });

  test('an EC2 Fleet override outside the list is a finding', () => {
    const { stack } = bareStack();
    expect(rule(gpuFleet(stack, 'Fleet', { instanceTypes: ['p3.8xlarge'] }))).toEqual(['p3.8xlarge']);
  });

  test('an L2 launch template of a GPU type outside the list is a finding', () => {
    const { stack } = bareStack();
    const template = new ec2.LaunchTemplate(stack, 'Template', { instanceType: new ec2.InstanceType('p5.48xlarge') });
    expect(rule(template.node.defaultChild as ec2.CfnLaunchTemplate)).toEqual(['p5.48xlarge']);
  });

  test('a SageMaker variant outside the list is a finding', () => {
    const { stack } = bareStack();
    expect(rule(endpointConfig(stack, 'ml.p4d.24xlarge'))).toEqual(['ml.p4d.24xlarge']);
  });

  test('a SageMaker variant in the list is compliant', () => {
    const { stack } = bareStack();
    expect(rule(endpointConfig(stack, 'ml.m5.large'))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test.each(['trn1.32xlarge', 'inf2.xlarge', 'dl1.24xlarge', 'g6e.xlarge'])('a %s group outside the list is a finding: every accelerated family is checked', (type) => {
    const { stack } = bareStack();
    expect(rule(gpuGroup(stack, 'Group', { instanceTypes: [type] }))).toEqual([type]);
  });

  test('a non-GPU EC2 type is not checked', () => {
    const { stack } = bareStack();
    const instance = new ec2.CfnInstance(stack, 'Bastion', { instanceType: 't3.micro', imageId: 'ami-12345678' });
    expect(rule(instance)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('other resource types are not applicable', () => {
    const { stack } = bareStack();
    expect(rule(new ec2.CfnVolume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: 10 }))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('InstanceTypeAllowed, through the pack', () => {
  const { app, stack } = bareStack();
  gpuGroup(stack, 'Denied', { instanceTypes: ['g5.xlarge', 'p5.48xlarge'] });
  gpuGroup(stack, 'Allowed', { instanceTypes: ['g5.xlarge'] });
  const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));

  test('reports the type outside the list as the finding, as an error', () => {
    expect(findingsOf(result, 'GpuCost-InstanceTypeAllowed[p5.48xlarge]', 'Fixtures/Denied')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('passes a group of allowed types', () => {
    expect(ruleFindingsAt(result, 'GpuCost-InstanceTypeAllowed', 'Fixtures/Allowed')).toEqual([]);
  });
});
