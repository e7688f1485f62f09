import { NagRuleCompliance } from 'cdk-nag';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { TrainingClusterIdleShutdown } from '../../../lib/nag/rules/training-cluster-idle-shutdown';
import { gpuFleet, gpuGroup, idleShutdownAlarm, lambdaIdleShutdown } from '../../helpers/gpu-fixtures';
import { findingsOf, ruleFindingsAt } from '../../helpers/nag';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../../helpers/nag-rule';

describe('TrainingClusterIdleShutdown, as a function', () => {
  test('a cluster-placed GPU group with an idle alarm on a policy of it is compliant', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Cluster', { clusterPlacement: true });
    idleShutdownAlarm(stack, 'Idle', group);
    expect(TrainingClusterIdleShutdown(group)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a cluster-placed GPU group without an idle alarm is non-compliant', () => {
    const { stack } = bareStack();
    expect(TrainingClusterIdleShutdown(gpuGroup(stack, 'Cluster', { clusterPlacement: true }))).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an idle alarm with its actions disabled does not count', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Cluster', { clusterPlacement: true });
    idleShutdownAlarm(stack, 'Idle', group).actionsEnabled = false;
    expect(TrainingClusterIdleShutdown(group)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a cluster whose GPUUtilization alarm compares above its threshold is non-compliant', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Cluster', { clusterPlacement: true });
    idleShutdownAlarm(stack, 'Busy', group, { comparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(TrainingClusterIdleShutdown(group)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a cluster whose low-GPU alarm drives a step policy adding capacity is non-compliant', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Cluster', { clusterPlacement: true });
    idleShutdownAlarm(stack, 'Idle', group, { adjustmentType: 'ChangeInCapacity', adjustments: [1] });
    expect(TrainingClusterIdleShutdown(group)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a cluster whose low-GPU alarm invokes a Lambda that may set its desired capacity is compliant', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Cluster', { clusterPlacement: true });
    lambdaIdleShutdown(stack, 'Idle', group);
    expect(TrainingClusterIdleShutdown(group)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a cluster whose low-GPU alarm invokes a Lambda without permission to lower it is non-compliant', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Cluster', { clusterPlacement: true });
    lambdaIdleShutdown(stack, 'Idle', group, { actions: ['autoscaling:DescribeAutoScalingGroups'] });
    expect(TrainingClusterIdleShutdown(group)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a maintain EC2 Fleet with a Lambda shutdown that names it and may modify it is compliant', () => {
    const { stack } = bareStack();
    const fleet = gpuFleet(stack, 'Fleet');
    lambdaIdleShutdown(stack, 'Idle', fleet);
    expect(TrainingClusterIdleShutdown(fleet)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('a maintain EC2 Fleet whose Lambda shutdown names something else is non-compliant', () => {
    const { stack } = bareStack();
    const fleet = gpuFleet(stack, 'Fleet');
    lambdaIdleShutdown(stack, 'Idle', fleet, { environmentValue: 'fleet-0123' });
    expect(TrainingClusterIdleShutdown(fleet)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a GPU group outside a placement group is not a training cluster', () => {
    const { stack } = bareStack();
    expect(TrainingClusterIdleShutdown(gpuGroup(stack, 'Inference'))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });

  test('an instant EC2 Fleet is not a training cluster', () => {
    const { stack } = bareStack();
    expect(TrainingClusterIdleShutdown(gpuFleet(stack, 'Fleet', { type: 'instant' }))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('TrainingClusterIdleShutdown, through the pack', () => {
  const { app, stack } = bareStack();
  gpuGroup(stack, 'Forgotten', { clusterPlacement: true });
  const watched = gpuGroup(stack, 'Watched', { clusterPlacement: true });
  idleShutdownAlarm(stack, 'Idle', watched);
  const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));

  test('reports a cluster without idle shutdown, as an error', () => {
    expect(findingsOf(result, 'GpuCost-TrainingClusterIdleShutdown', 'Fixtures/Forgotten')).toEqual([expect.objectContaining({ severity: 'error' })]);
  });

  test('passes a cluster with idle shutdown', () => {
    expect(ruleFindingsAt(result, 'GpuCost-TrainingClusterIdleShutdown', 'Fixtures/Watched')).toEqual([]);
  });
});
