import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { GpuFleetScalesToZero } from '../../../lib/nag/rules/gpu-fleet-scales-to-zero';
import { gpuFleet, gpuGroup, idleShutdownAlarm, lambdaIdleShutdown, scaleDownAtNight } from '../../helpers/gpu-fixtures';
import { findingsOf } from '../../helpers/nag';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../../helpers/nag-rule';

const RULE_ID = 'GpuCost-GpuFleetScalesToZero';

describe('GpuFleetScalesToZero, as a function', () => {
  test('a group with a MinSize 0 scheduled action is compliant, whatever its own MinSize', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group', { minSize: 1 });
    scaleDownAtNight(stack, 'Night', group);
    expect(GpuFleetScalesToZero(group)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a MinSize 0 group with an idle-shutdown alarm is compliant', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group', { minSize: 0 });
    idleShutdownAlarm(stack, 'Idle', group);
    expect(GpuFleetScalesToZero(group)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a MinSize 0 group whose GPUUtilization alarm compares above its threshold is non-compliant', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group', { minSize: 0 });
    idleShutdownAlarm(stack, 'Busy', group, { comparisonOperator: 'GreaterThanThreshold' });
    expect(GpuFleetScalesToZero(group)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a MinSize 0 group whose low-GPU alarm drives a step policy adding capacity is non-compliant', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group', { minSize: 0 });
    idleShutdownAlarm(stack, 'Idle', group, { adjustmentType: 'ChangeInCapacity', adjustments: [2] });
    expect(GpuFleetScalesToZero(group)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an EC2 Fleet with a low-GPU alarm invoking a Lambda that may modify it is compliant', () => {
    const { stack } = bareStack();
    const fleet = gpuFleet(stack, 'Fleet', { totalTargetCapacity: 2 });
    lambdaIdleShutdown(stack, 'Idle', fleet);
    expect(GpuFleetScalesToZero(fleet)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('an EC2 Fleet with a low-GPU alarm invoking a Lambda without ec2:ModifyFleet is non-compliant', () => {
    const { stack } = bareStack();
    const fleet = gpuFleet(stack, 'Fleet', { totalTargetCapacity: 2 });
    lambdaIdleShutdown(stack, 'Idle', fleet, { actions: ['ec2:DescribeFleets'] });
    expect(GpuFleetScalesToZero(fleet)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a MinSize 1 group with only an idle-shutdown alarm is non-compliant', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group', { minSize: 1 });
    idleShutdownAlarm(stack, 'Idle', group);
    expect(GpuFleetScalesToZero(group)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a MinSize 0 group with neither schedule nor alarm is non-compliant', () => {
    const { stack } = bareStack();
    expect(GpuFleetScalesToZero(gpuGroup(stack, 'Group', { minSize: 0 }))).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a schedule of another group does not count', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    scaleDownAtNight(stack, 'Night', gpuGroup(stack, 'Other'));
    expect(GpuFleetScalesToZero(group)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an EC2 Fleet with target capacity 0 is compliant', () => {
    const { stack } = bareStack();
    expect(GpuFleetScalesToZero(gpuFleet(stack, 'Fleet', { totalTargetCapacity: 0 }))).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('an EC2 Fleet with capacity and no idle shutdown is non-compliant', () => {
    const { stack } = bareStack();
    expect(GpuFleetScalesToZero(gpuFleet(stack, 'Fleet', { totalTargetCapacity: 2 }))).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a non-GPU group is not applicable', () => {
    const { stack } = bareStack();
    expect(GpuFleetScalesToZero(gpuGroup(stack, 'Group', { minSize: 3, instanceTypes: ['t3.micro'] }))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('GpuFleetScalesToZero, through the pack', () => {
  const { app, stack } = bareStack();
  const scheduled = gpuGroup(stack, 'Scheduled', { minSize: 1 });
  scaleDownAtNight(stack, 'Night', scheduled);
  gpuGroup(stack, 'AlwaysOn', { minSize: 1 });
  const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));

  test('reports a group that never reaches 0, as an error', () => {
    expect(findingsOf(result, RULE_ID, 'Fixtures/AlwaysOn')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('passes a group with a night-time scale-down', () => {
    expect(findingsOf(result, RULE_ID, 'Fixtures/Scheduled')).toEqual([]);
  });

  test('is not applied when the environment does not require scale to zero (prod)', () => {
    const prod = bareStack();
    gpuGroup(prod.stack, 'AlwaysOn', { minSize: 1 });
    const prodResult = synthWithPack(prod.app, new GpuCostChecks(undefined, { ...FIXTURE_LIMITS, requireScaleToZero: false }));
    expect(findingsOf(prodResult, RULE_ID, 'Fixtures/AlwaysOn')).toEqual([]);
  });
});
