import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { predictiveScalingConfigProblems } from '../../../lib/constructs/inference/predictive-scaling-rules';
import { QueueScaling, QueueScalingProps } from '../../../lib/constructs/inference/queue-scaling';
import { GpuFleetProps } from '../../../lib/constructs/inference/gpu-fleet';
import { problemsOf } from '../../../lib/validation';
import { camelCase } from './aws-examples/predictive-scaling';
import { fleetAndQueue } from './fixtures';

function scaling(overrides: Partial<QueueScalingProps> = {}, fleet: Partial<GpuFleetProps> = {}): { construct: QueueScaling; template: Template } {
  const { stack, fleet: gpuFleet, queue } = fleetAndQueue(fleet);
  const construct = new QueueScaling(stack, 'Scaling', {
    fleet: gpuFleet,
    queue,
    acceptableLatency: Duration.minutes(2),
    timePerJob: Duration.seconds(10),
    scaleToZeroAfterIdle: Duration.minutes(15),
    predictive: {},
    ...overrides,
  });
  return { construct, template: Template.fromStack(stack) };
}

function predictiveConfig(template: Template): Record<string, unknown> {
  const policies = Object.values(template.findResources('AWS::AutoScaling::ScalingPolicy', { Properties: { PolicyType: 'PredictiveScaling' } }));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PredictiveScalingConfiguration;
}

describe('predictive scaling with the defaults', () => {
  const { construct, template } = scaling();
  const config = predictiveConfig(template);

  test('only forecasts: AWS\'s documented first step', () => {
    expect(config.Mode).toBe('ForecastOnly');
  });

  test('launches the forecast\'s instances one boot ahead: the fleet\'s expected boot time from the Deep Learning AMI', () => {
    expect(config.SchedulingBufferTime).toBe(300);
  });

  test('never raises MaxSize, the cost ceiling', () => {
    expect(config.MaxCapacityBreachBehavior).toBe('HonorMaxCapacity');
    expect(config).not.toHaveProperty('MaxCapacityBuffer');
  });

  test('targets what one instance finishes in a minute: 60 s / 10 s per job', () => {
    expect(construct.predictive?.targetValue).toBe(6);
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PredictiveScalingConfiguration: { MetricSpecifications: [Match.objectLike({ TargetValue: 6 })] },
    });
  });

  test('forecasts the jobs sent to the queue, summed', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PredictiveScalingConfiguration: {
        MetricSpecifications: [Match.objectLike({
          CustomizedLoadMetricSpecification: {
            MetricDataQueries: [{
              Id: 'load',
              ReturnData: true,
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/SQS',
                  MetricName: 'NumberOfMessagesSent',
                  Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Queue'), 'QueueName'] } }],
                },
                Stat: 'Sum',
              },
            }],
          },
        })],
      },
    });
  });

  test('scales by the jobs sent per InService instance per minute, in the shape of AWS\'s SQS metric math example', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PredictiveScalingConfiguration: {
        MetricSpecifications: [Match.objectLike({
          CustomizedScalingMetricSpecification: {
            MetricDataQueries: [
              Match.objectLike({ Id: 'sent', ReturnData: false, MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'NumberOfMessagesSent' }), Stat: 'Sum' }) }),
              Match.objectLike({
                Id: 'inService',
                ReturnData: false,
                MetricStat: {
                  Metric: { Namespace: 'AWS/AutoScaling', MetricName: 'GroupInServiceInstances', Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: Match.stringLikeRegexp('FleetGroupASG') } }] },
                  Stat: 'Average',
                },
              }),
              { Id: 'perInstance', Label: 'Jobs sent per instance per minute', Expression: 'sent * 60 / PERIOD(sent) / inService', ReturnData: true },
            ],
          },
        })],
      },
    });
  });

  test('the rendered policy keeps every rule the Auto Scaling API checks', () => {
    expect(problemsOf(predictiveScalingConfigProblems(camelCase(config)))).toEqual([]);
  });

  test('its metrics are the ones of metricJobsSent() and metricJobsSentPerInstance()', () => {
    const perInstance = construct.metricJobsSentPerInstance().toMetricConfig().mathExpression;
    expect(Object.keys(perInstance?.usingMetrics ?? {})).toEqual(['sent', 'inService']);
    expect(perInstance?.usingMetrics.sent.toMetricConfig().metricStat?.metricName).toBe(construct.metricJobsSent().metricName);
  });

  test('sits beside the backlog target tracking policy', () => {
    template.resourcePropertiesCountIs('AWS::AutoScaling::ScalingPolicy', { PolicyType: 'TargetTrackingScaling' }, 1);
  });
});

describe('predictive scaling as configured', () => {
  test('forecasts and scales when the config says so', () => {
    expect(predictiveConfig(scaling({ predictive: { mode: 'ForecastAndScale' } }).template).Mode).toBe('ForecastAndScale');
  });

  test('plans for a share of an instance\'s throughput', () => {
    expect(scaling({ predictive: { targetUtilization: 0.5 } }).construct.predictive?.targetValue).toBe(3);
  });

  test('launches one baked-image boot ahead on a fleet that boots a baked image', () => {
    const { template } = scaling({}, { bakedImage: {}, machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-12345678' }) });
    expect(predictiveConfig(template).SchedulingBufferTime).toBe(150);
  });

  test('launches the configured expected boot time ahead', () => {
    expect(predictiveConfig(scaling({}, { expectedBootTime: Duration.seconds(420) }).template).SchedulingBufferTime).toBe(420);
  });

  test('is absent unless the config asks for it', () => {
    scaling({ predictive: undefined }).template.resourcePropertiesCountIs('AWS::AutoScaling::ScalingPolicy', { PolicyType: 'PredictiveScaling' }, 0);
  });
});

describe('predictive scaling rejects', () => {
  test('an unknown mode', () => {
    expect(() => scaling({ predictive: { mode: 'Scale' as 'ForecastOnly' } })).toThrow(/predictive\.mode \("Scale"\) must be 'ForecastOnly' or 'ForecastAndScale'/);
  });

  test('a target utilization above 1', () => {
    expect(() => scaling({ predictive: { targetUtilization: 1.5 } })).toThrow(/predictive\.targetUtilization \(1\.5\) must be > 0 and <= 1/);
  });

  test('a boot of an hour or more: the scheduling buffer must stay within the forecast\'s hour', () => {
    expect(() => scaling({}, { expectedBootTime: Duration.hours(1), bootBudget: Duration.hours(2) }))
      .toThrow(/schedulingBufferTime \(3600\) must be whole seconds from 0 to under 3600/);
  });
});
