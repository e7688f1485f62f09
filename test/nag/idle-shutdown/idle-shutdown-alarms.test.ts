import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { idleShutdownAlarmsOf } from '../../../lib/nag/idle-shutdown/idle-shutdown-alarms';
import { gpuFleet, gpuGroup, gpuUtilizationAlarm, idleShutdownAlarm, lambdaIdleShutdown, scalingPolicy } from '../../helpers/gpu-fixtures';
import { bareStack } from '../../helpers/nag-rule';

/** The construct ids of the fleet's idle-shutdown alarms. */
const idsOf = (alarms: CfnAlarm[]): string[] => alarms.map((a) => a.node.id);

describe('idleShutdownAlarmsOf, the alarm', () => {
  test('counts a GPUUtilization alarm below its threshold driving a scale-in policy of the group', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    idleShutdownAlarm(stack, 'Idle', group);
    expect(idsOf(idleShutdownAlarmsOf(group))).toEqual(['Idle']);
  });

  test('counts an alarm at or below its threshold', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    idleShutdownAlarm(stack, 'Idle', group, { comparisonOperator: 'LessThanOrEqualToThreshold' });
    expect(idsOf(idleShutdownAlarmsOf(group))).toEqual(['Idle']);
  });

  test.each(['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanLowerOrGreaterThanUpperThreshold'])(
    'ignores an alarm comparing %s', (comparisonOperator) => {
      const { stack } = bareStack();
      const group = gpuGroup(stack, 'Group');
      idleShutdownAlarm(stack, 'Busy', group, { comparisonOperator });
      expect(idleShutdownAlarmsOf(group)).toEqual([]);
    });

  test('ignores an alarm whose actions are disabled', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    idleShutdownAlarm(stack, 'Idle', group).actionsEnabled = false;
    expect(idleShutdownAlarmsOf(group)).toEqual([]);
  });

  test('ignores an alarm on another metric', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    idleShutdownAlarm(stack, 'Idle', group).metricName = 'CPUUtilization';
    expect(idleShutdownAlarmsOf(group)).toEqual([]);
  });

  test('counts GPUUtilization inside metric math', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    const policy = scalingPolicy(stack, 'ScaleIn', group);
    new CfnAlarm(stack, 'Idle', {
      evaluationPeriods: 3, threshold: 20, comparisonOperator: 'LessThanThreshold', alarmActions: [policy.ref],
      metrics: [
        { id: 'gpu', returnData: false, metricStat: { metric: { namespace: 'AI/Custom', metricName: 'GPUUtilization' }, period: 300, stat: 'Average' } },
        { id: 'idle', expression: 'gpu', returnData: true },
      ],
    });
    expect(idsOf(idleShutdownAlarmsOf(group))).toEqual(['Idle']);
  });

  test('ignores an alarm without actions', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    scalingPolicy(stack, 'ScaleIn', group);
    gpuUtilizationAlarm(stack, 'Idle', []);
    expect(idleShutdownAlarmsOf(group)).toEqual([]);
  });
});

describe('idleShutdownAlarmsOf, a scaling policy action', () => {
  test.each([
    ['a step policy removing instances', { adjustmentType: 'ChangeInCapacity', adjustments: [-1, -2] }],
    ['a step policy removing a share of the group', { adjustmentType: 'PercentChangeInCapacity', adjustments: [-50] }],
    ['a step policy setting a capacity below MaxSize', { adjustmentType: 'ExactCapacity', adjustments: [1] }],
    ['a simple policy removing an instance', { policyType: 'SimpleScaling', adjustmentType: 'ChangeInCapacity', adjustments: [-1] }],
  ] as const)('counts %s', (_what, options) => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group', { maxSize: 2 });
    idleShutdownAlarm(stack, 'Idle', group, options);
    expect(idsOf(idleShutdownAlarmsOf(group))).toEqual(['Idle']);
  });

  test.each([
    ['a step policy adding capacity', { adjustmentType: 'ChangeInCapacity', adjustments: [2] }],
    ['a step policy adding capacity on one of its steps', { adjustmentType: 'ChangeInCapacity', adjustments: [-1, 1] }],
    ['a step policy with no steps', { adjustmentType: 'ChangeInCapacity', adjustments: [] }],
    ['a simple policy adding a share of the group', { policyType: 'SimpleScaling', adjustmentType: 'PercentChangeInCapacity', adjustments: [50] }],
    ['a policy setting the capacity to MaxSize', { adjustmentType: 'ExactCapacity', adjustments: [2] }],
  ] as const)('ignores %s', (_what, options) => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group', { maxSize: 2 });
    idleShutdownAlarm(stack, 'Idle', group, options);
    expect(idleShutdownAlarmsOf(group)).toEqual([]);
  });

  test('ignores a scale-in policy of another group', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    const other = scalingPolicy(stack, 'OtherScaleIn', gpuGroup(stack, 'Other'));
    gpuUtilizationAlarm(stack, 'Idle', [other.ref]);
    expect(idleShutdownAlarmsOf(group)).toEqual([]);
  });

  test('ignores a scale-in policy the alarm does not invoke', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    scalingPolicy(stack, 'ScaleIn', group);
    gpuUtilizationAlarm(stack, 'Idle', ['arn:aws:sns:eu-central-1:123456789012:ops']);
    expect(idleShutdownAlarmsOf(group)).toEqual([]);
  });
});

describe('idleShutdownAlarmsOf, a Lambda action', () => {
  test('counts a function that names the group and may set its desired capacity', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    lambdaIdleShutdown(stack, 'Idle', group);
    expect(idsOf(idleShutdownAlarmsOf(group))).toEqual(['Idle']);
  });

  test('counts a function that may update the group', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    lambdaIdleShutdown(stack, 'Idle', group, { actions: ['autoscaling:UpdateAutoScalingGroup'] });
    expect(idsOf(idleShutdownAlarmsOf(group))).toEqual(['Idle']);
  });

  test('counts a wildcard action on every resource', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    lambdaIdleShutdown(stack, 'Idle', group, { actions: ['AutoScaling:Set*'], resource: '*' });
    expect(idsOf(idleShutdownAlarmsOf(group))).toEqual(['Idle']);
  });

  test('ignores a function whose role may not lower the group', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    lambdaIdleShutdown(stack, 'Idle', group, { actions: ['autoscaling:DescribeAutoScalingGroups'] });
    expect(idleShutdownAlarmsOf(group)).toEqual([]);
  });

  test('ignores a function whose role may lower another group only', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    const other = gpuGroup(stack, 'Other');
    lambdaIdleShutdown(stack, 'Idle', group, { resource: `arn:aws:autoscaling:eu-central-1:123456789012:autoScalingGroup:*:autoScalingGroupName/${other.ref}` });
    expect(idleShutdownAlarmsOf(group)).toEqual([]);
  });

  test('ignores a function whose environment names another fleet', () => {
    const { stack } = bareStack();
    const group = gpuGroup(stack, 'Group');
    lambdaIdleShutdown(stack, 'Idle', group, { environmentValue: 'some-other-group' });
    expect(idleShutdownAlarmsOf(group)).toEqual([]);
  });

  test('counts a function that may modify an EC2 Fleet it names', () => {
    const { stack } = bareStack();
    const fleet = gpuFleet(stack, 'Fleet');
    lambdaIdleShutdown(stack, 'Idle', fleet);
    expect(idsOf(idleShutdownAlarmsOf(fleet))).toEqual(['Idle']);
  });

  test('ignores a function that may only set a group\'s capacity, for an EC2 Fleet', () => {
    const { stack } = bareStack();
    const fleet = gpuFleet(stack, 'Fleet');
    lambdaIdleShutdown(stack, 'Idle', fleet, { actions: ['autoscaling:SetDesiredCapacity'] });
    expect(idleShutdownAlarmsOf(fleet)).toEqual([]);
  });
});
