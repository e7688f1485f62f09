import { dev } from '../../lib/config/dev';
import { StackTemplate } from '../../lib/foresight/stack-templates';
import { FLEET_SCHEDULE_DEFAULTS } from '../../lib/constructs/inference/fleet-schedule';
import { GPU_FLEET_DEFAULTS } from '../../lib/constructs/inference/gpu-fleet';
import { withDefaults } from '../../lib/defaults';
import { fleetProcessorOf } from '../../lib/gpu/fleet-processor';
import { fleetFromTemplates } from '../../lib/foresight/template-fleet';
import { DEFAULT_SERVICE, serviceOutputKey } from '../../lib/stacks/service-names';
import { foresightEnvironments } from '../../scripts/foresight/synth-environments';
import { synthStage } from '../helpers/synth-stage';

const { stage } = synthStage(dev);
const assembly = stage.synth();
const stacks: StackTemplate[] = assembly.stacks;
const fleet = fleetFromTemplates(stacks, serviceOutputKey(DEFAULT_SERVICE, 'AutoScalingGroupName'));
const service = dev.inference[DEFAULT_SERVICE];

describe('fleetFromTemplates on the synthesized dev stage', () => {
  test('finds the service\'s fleet by the output naming it, not the training group', () => {
    expect(fleet.source).toMatch(/^dev\/AiInference\/\w*FleetGroupASG/);
    expect(fleet.instanceTypes).toEqual(service.fleet.instanceTypes);
  });

  test('reads warmup, lifecycle hooks and the queue redrive', () => {
    expect(fleet.defaultInstanceWarmupSeconds).toBe((service.fleet.instanceWarmup ?? GPU_FLEET_DEFAULTS.instanceWarmup).toSeconds());
    expect(fleet.launchHook).toMatchObject({ defaultResult: 'ABANDON' });
    expect(fleet.terminationHookTimeoutSeconds).toBe(service.maxJobDuration.toSeconds());
    expect(fleet.maxReceiveCount).toBe(3);
  });

  test('reads how the boot keeps the launch hook alive: heartbeats within its timeout, up to the boot budget', () => {
    expect(fleet.bootHeartbeats?.budgetSeconds).toBe((service.fleet.bootBudget ?? GPU_FLEET_DEFAULTS.bootBudget).toSeconds());
    expect(fleet.bootHeartbeats!.intervalSeconds).toBeLessThan(fleet.launchHook!.heartbeatTimeoutSeconds);
  });

  test('reads the target tracking policy with its metric math and target', () => {
    const tt = fleet.policies.find((p) => p.kind === 'targetTracking');
    expect(tt).toMatchObject({ targetValue: service.scaling.acceptableLatency.toSeconds() / service.scaling.timePerJob.toSeconds(), disableScaleIn: true, periodSeconds: 60 });
    expect(tt && 'queries' in tt && tt.queries.find((q) => q.returnData)?.expression).toBe('visible / inService');
  });

  test('reads each step policy with the alarm that drives it', () => {
    const steps = fleet.policies.filter((p) => p.kind === 'step');
    expect(steps.map((p) => p.kind === 'step' && p.alarm.evaluationPeriods).sort()).toEqual([1, service.scaling.scaleToZeroAfterIdle.toMinutes()].sort());
    expect(steps.find((p) => p.kind === 'step' && p.adjustmentType === 'ExactCapacity')?.alarm.queries.find((q) => q.returnData)?.expression).toMatch(/FILL\(sent, 0\)/);
  });

  test('reads the utilization scale-in as a simple policy with its cooldown', () => {
    expect(fleet.policies.find((p) => p.kind === 'simple')).toMatchObject({ adjustment: -1, cooldownSeconds: 120, alarm: { comparisonOperator: 'LessThanThreshold' } });
  });

  test('reads the idle scale-in alarm on the utilization of what the fleet computes on (dev: CPU types, EC2\'s CPUUtilization)', () => {
    const scaleIn = fleet.policies.find((p) => p.kind === 'simple');
    const signal = `${fleetProcessorOf(service.fleet.instanceTypes)}Utilization`;
    expect(scaleIn && scaleIn.kind === 'simple' && scaleIn.alarm.queries.filter((q) => q.signal !== undefined).map((q) => q.signal).sort())
      .toEqual(['inService', signal].sort());
  });

  test('reads the scheduled actions with their time zone', () => {
    const schedule = withDefaults(service.schedule!, FLEET_SCHEDULE_DEFAULTS);
    expect(fleet.schedules.map((s) => s.cron).sort()).toEqual([schedule.scaleDownCron, schedule.scaleUpCron].sort());
    expect(fleet.schedules.every((s) => s.timeZone === schedule.timeZone)).toBe(true);
  });
});

describe("the seed's step policy, read from QueueScaling's one definition (mode 'step')", () => {
  const [stepDev] = foresightEnvironments('step', [dev]);
  const seeded = fleetFromTemplates(synthStage(stepDev).stage.synth().stacks);
  const simple = seeded.policies.find((p) => p.kind === 'simple' && p.adjustment > 0);

  test('a simple policy adds 2 instances with a 300 s cooldown', () => {
    expect(simple).toMatchObject({ adjustmentType: 'ChangeInCapacity', adjustment: 2, cooldownSeconds: 300 });
  });

  test('its alarm: visible jobs averaging more than 10 for 2 periods of 120 s, missing data not breaching', () => {
    expect(simple && simple.kind === 'simple' && simple.alarm).toMatchObject({
      periodSeconds: 120, evaluationPeriods: 2, threshold: 10, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching',
    });
  });

  test('no target tracking policy is left', () => {
    expect(seeded.policies.some((p) => p.kind === 'targetTracking')).toBe(false);
  });
});

describe('fleetFromTemplates picks a fleet', () => {
  const group = (type: string) => ({ Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', MaxSize: '2', MixedInstancesPolicy: { LaunchTemplate: { Overrides: [{ InstanceType: type }] } } } });
  const step = (asg: string) => ({ Type: 'AWS::AutoScaling::ScalingPolicy', Properties: { AutoScalingGroupName: { Ref: asg }, PolicyType: 'StepScaling', StepAdjustments: [] } });
  const alarm = (policy: string) => ({ Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: policy }], MetricName: 'GroupInServiceInstances', Namespace: 'AWS/AutoScaling', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: 'LessThanThreshold' } });
  const template = {
    Resources: { A: group('g5.xlarge'), PA: step('A'), AA: alarm('PA'), B: group('g6.xlarge'), PB: step('B'), AB: alarm('PB') },
    Outputs: { AGroup: { Value: { Ref: 'A' } }, BGroup: { Value: { Ref: 'B' } } },
  } as never;

  test('the one a stack output names, among several', () => {
    expect(fleetFromTemplates([{ hierarchicalId: 'x/Stack', template }], 'BGroup').instanceTypes).toEqual(['g6.xlarge']);
  });

  test('several without an output to choose is an error', () => {
    expect(() => fleetFromTemplates([{ hierarchicalId: 'x/Stack', template }])).toThrow(/2 Auto Scaling groups with scaling policies in x\/Stack; the simulator takes one fleet/);
  });

  test('an output naming no fleet is an error naming the output', () => {
    expect(() => fleetFromTemplates([{ hierarchicalId: 'x/Stack', template }], 'CGroup')).toThrow(/no fleet in x\/Stack: no AWS::AutoScaling::AutoScalingGroup named by the output CGroup has a scaling policy/);
  });
});

describe('fleetFromTemplates on bad input', () => {
  const bare = { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', MaxSize: '2' } };
  const asg = { ...bare, Properties: { ...bare.Properties, MixedInstancesPolicy: { LaunchTemplate: { Overrides: [{ InstanceType: 'g5.xlarge' }] } } } };
  const policy = (props: Record<string, unknown>) => ({ Type: 'AWS::AutoScaling::ScalingPolicy', Properties: { AutoScalingGroupName: { Ref: 'Asg' }, ...props } });

  test('a template without a fleet is an error', () => {
    expect(() => fleetFromTemplates([{ hierarchicalId: 'x/Stack', template: { Resources: { Asg: asg } } }])).toThrow(/no fleet in x\/Stack: no AWS::AutoScaling::AutoScalingGroup has a scaling policy/);
  });

  test('a predefined target tracking metric is an error', () => {
    const template = { Resources: { Asg: asg, P: policy({ PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' } } }) } };
    expect(() => fleetFromTemplates([{ hierarchicalId: 'x/Stack', template }])).toThrow(/tracks a predefined metric/);
  });

  test('a metric the simulator does not produce is an error naming it', () => {
    const template = { Resources: { Asg: asg, P: policy({ PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: { TargetValue: 50, CustomizedMetricSpecification: { Namespace: 'AWS/EC2', MetricName: 'NetworkIn', Statistic: 'Average' } } }) } };
    expect(() => fleetFromTemplates([{ hierarchicalId: 'x/Stack', template }])).toThrow(/uses metric AWS\/EC2\/NetworkIn, which the simulator does not produce/);
  });

  test('a step policy without its alarm is an error', () => {
    const template = { Resources: { Asg: asg, P: policy({ PolicyType: 'StepScaling', StepAdjustments: [] }) } };
    expect(() => fleetFromTemplates([{ hierarchicalId: 'x/Stack', template }])).toThrow(/policy x\/Stack\/P is the action of 0 alarms/);
  });

  test('reads a percent adjustment\'s MinAdjustmentMagnitude', () => {
    const alarm = { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'P' }], Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' } };
    const template = { Resources: { Asg: asg, P: policy({ PolicyType: 'StepScaling', AdjustmentType: 'PercentChangeInCapacity', MinAdjustmentMagnitude: 2, StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 25 }] }), A: alarm } };
    expect(fleetFromTemplates([{ hierarchicalId: 'x/Stack', template }]).policies[0]).toMatchObject({ adjustmentType: 'PercentChangeInCapacity', minAdjustmentMagnitude: 2 });
  });

  test('a fleet without instance types is an error', () => {
    const alarm = { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmActions: [{ Ref: 'P' }], Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' } };
    const template = { Resources: { Asg: bare, P: policy({ PolicyType: 'StepScaling', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }), A: alarm } };
    expect(() => fleetFromTemplates([{ hierarchicalId: 'x/Stack', template }])).toThrow(/has no MixedInstancesPolicy overrides/);
  });
});
