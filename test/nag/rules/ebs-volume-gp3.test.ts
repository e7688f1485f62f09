import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { EbsVolumeGp3 } from '../../../lib/nag/rules/ebs-volume-gp3';
import { findingsOf, ruleFindingsAt } from '../../helpers/nag';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../../helpers/nag-rule';

function template(stack: import('aws-cdk-lib').Stack, volumeType?: ec2.EbsDeviceVolumeType): ec2.CfnLaunchTemplate {
  const lt = new ec2.LaunchTemplate(stack, 'Template', {
    blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(100, { volumeType, encrypted: true }) }],
  });
  return lt.node.defaultChild as ec2.CfnLaunchTemplate;
}

describe('EbsVolumeGp3, as a function', () => {
  test('an L1 gp3 volume is compliant', () => {
    const { stack } = bareStack();
    expect(EbsVolumeGp3(new ec2.CfnVolume(stack, 'V', { availabilityZone: 'us-east-1a', size: 10, volumeType: 'gp3' }))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('an L1 gp2 volume finds gp2', () => {
    const { stack } = bareStack();
    expect(EbsVolumeGp3(new ec2.CfnVolume(stack, 'V', { availabilityZone: 'us-east-1a', size: 10, volumeType: 'gp2' }))).toEqual(['gp2']);
  });

  test('an L2 io1 volume finds io1', () => {
    const { stack } = bareStack();
    const volume = new ec2.Volume(stack, 'V', {
      availabilityZone: 'us-east-1a', size: Size.gibibytes(10), volumeType: ec2.EbsDeviceVolumeType.IO1, iops: 100,
    });
    expect(EbsVolumeGp3(volume.node.defaultChild as ec2.CfnVolume)).toEqual(['io1']);
  });

  test('an L1 volume without a type counts as gp2', () => {
    const { stack } = bareStack();
    expect(EbsVolumeGp3(new ec2.CfnVolume(stack, 'V', { availabilityZone: 'us-east-1a', size: 10 }))).toEqual(['gp2']);
  });

  test('a launch template mapping of gp2 finds the device and type', () => {
    const { stack } = bareStack();
    expect(EbsVolumeGp3(template(stack, ec2.EbsDeviceVolumeType.GP2))).toEqual(['/dev/xvda:gp2']);
  });

  test('a launch template mapping of gp3 is compliant', () => {
    const { stack } = bareStack();
    expect(EbsVolumeGp3(template(stack, ec2.EbsDeviceVolumeType.GP3))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('io2 is allowed', () => {
    const { stack } = bareStack();
    expect(EbsVolumeGp3(new ec2.CfnVolume(stack, 'V', { availabilityZone: 'us-east-1a', size: 10, volumeType: 'io2', iops: 100 }))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('other resource types are not applicable', () => {
    const { stack } = bareStack();
    expect(EbsVolumeGp3(new ec2.CfnPlacementGroup(stack, 'P', { strategy: 'cluster' }))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('EbsVolumeGp3, through the pack', () => {
  const { app, stack } = bareStack();
  new ec2.CfnVolume(stack, 'Gp2', { availabilityZone: 'us-east-1a', size: 10, volumeType: 'gp2', encrypted: true });
  new ec2.CfnVolume(stack, 'Gp3', { availabilityZone: 'us-east-1a', size: 10, volumeType: 'gp3', encrypted: true });
  const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));

  test('reports gp2 as a warning', () => {
    expect(findingsOf(result, 'GpuCost-EbsVolumeGp3[gp2]', 'Fixtures/Gp2')).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });

  test('a warning alone does not fail the synth', () => {
    expect(result.error).toBeUndefined();
  });

  test('passes gp3', () => {
    expect(ruleFindingsAt(result, 'GpuCost-EbsVolumeGp3', 'Fixtures/Gp3')).toEqual([]);
  });
});
