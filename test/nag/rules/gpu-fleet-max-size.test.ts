import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { gpuFleetMaxSize } from '../../../lib/nag/rules/gpu-fleet-max-size';
import { gpuFleet, gpuGroup } from '../../helpers/gpu-fixtures';
import { findingsOf } from '../../helpers/nag';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../../helpers/nag-rule';

const RULE_ID = 'GpuCost-GpuFleetMaxSize';
const rule = gpuFleetMaxSize(4);

describe('GpuFleetMaxSize, as a function', () => {
  test('an L1 GPU group at the cap is compliant', () => {
    const { stack } = bareStack();
    expect(rule(gpuGroup(stack, 'Group', { maxSize: 4 }))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('an L1 GPU group above the cap is non-compliant', () => {
    const { stack } = bareStack();
    expect(rule(gpuGroup(stack, 'Group', { maxSize: 5 }))).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test.each(['trn1.32xlarge', 'inf2.xlarge', 'dl1.24xlarge'])('a %s group above the cap is non-compliant: every accelerated family is a GPU fleet', (type) => {
    const { stack } = bareStack();
    expect(rule(gpuGroup(stack, 'Group', { maxSize: 5, instanceTypes: [type] }))).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a group of non-GPU instance types is not applicable', () => {
    const { stack } = bareStack();
    expect(rule(gpuGroup(stack, 'Group', { maxSize: 50, instanceTypes: ['m5.large'] }))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('an EC2 Fleet above the cap is non-compliant', () => {
    const { stack } = bareStack();
    expect(rule(gpuFleet(stack, 'Fleet', { totalTargetCapacity: 5 }))).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an EC2 Fleet at the cap is compliant', () => {
    const { stack } = bareStack();
    expect(rule(gpuFleet(stack, 'Fleet', { totalTargetCapacity: 4 }))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('other resource types are not applicable', () => {
    const { stack } = bareStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    expect(rule(vpc.node.defaultChild as ec2.CfnVPC)).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('GpuFleetMaxSize, through the pack', () => {
  const { app, stack } = bareStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
  const launchTemplate = new ec2.LaunchTemplate(stack, 'Template', {
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
    instanceType: new ec2.InstanceType('g5.xlarge'),
  });
  new autoscaling.AutoScalingGroup(stack, 'L2AboveCap', { vpc, launchTemplate, minCapacity: 0, maxCapacity: 9 });
  new autoscaling.AutoScalingGroup(stack, 'L2AtCap', { vpc, launchTemplate, minCapacity: 0, maxCapacity: 4 });
  gpuGroup(stack, 'L1AboveCap', { maxSize: 5 });
  const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));

  test('reports an L2 group whose launch template is a GPU type, above the cap', () => {
    expect(findingsOf(result, RULE_ID, 'Fixtures/L2AboveCap/ASG')).toHaveLength(1);
  });

  test('reports an L1 group above the cap, as an error', () => {
    expect(findingsOf(result, RULE_ID, 'Fixtures/L1AboveCap')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('passes an L2 group at the cap', () => {
    expect(findingsOf(result, RULE_ID, 'Fixtures/L2AtCap/ASG')).toEqual([]);
  });

  test('fails the synth', () => {
    expect(result.error?.message).toMatch(/GpuCost-GpuFleetMaxSize/);
  });
});
