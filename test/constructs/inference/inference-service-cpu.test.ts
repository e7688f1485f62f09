import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InferenceImage } from '../../../lib/constructs/inference/inference-image';
import {
  InferenceService, InferenceServiceSettings, inferenceServiceSettingsProblems,
} from '../../../lib/constructs/inference/inference-service';
import { AMAZON_LINUX_2023_PARAMETER } from '../../../lib/gpu/fleet-ami';
import { problemsOf } from '../../../lib/validation';
import { model, serviceResources } from './fixtures';

const BOTH_BUILDS = InferenceImage.fromDeepLearningContainer('pytorch-inference', {
  gpu: '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker', cpu: '2.6.0-cpu-py312-ubuntu22.04-sagemaker',
});

/** A service on two small CPU types, serving an image with a CPU build. */
function cpuSettings(overrides: Partial<InferenceServiceSettings> = {}): InferenceServiceSettings {
  return {
    model: model({ image: BOTH_BUILDS }),
    fleet: { instanceTypes: ['c6i.large', 'c7i.large'], minCapacity: 0, maxCapacity: 2 },
    maxJobDuration: Duration.minutes(10),
    scaling: { acceptableLatency: Duration.minutes(2), timePerJob: Duration.seconds(10), scaleToZeroAfterIdle: Duration.minutes(15) },
    ...overrides,
  };
}

function templateOf(settings: InferenceServiceSettings): { service: InferenceService; template: Template } {
  const { stack, vpc, modelBucket, modelCache } = serviceResources();
  const service = new InferenceService(stack, 'Sentiment', {
    ...settings, vpc, modelBucket, modelCache, accessLogsBucket: new s3.Bucket(stack, 'AccessLogs'), logRetention: RetentionDays.ONE_WEEK,
  });
  service.addOutputs();
  return { service, template: Template.fromStack(stack) };
}

/** Logical ids of the alarms of the template. */
function alarmIds(template: Template): string[] {
  return Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
}

describe('InferenceService on CPU instance types', () => {
  const { service, template } = templateOf(cpuSettings());

  test('its fleet is a CPU fleet', () => {
    expect(service.fleet.processor).toBe('cpu');
  });

  test('scales idle instances in on CPU utilization (its own construct id), and reads no GPU metric anywhere', () => {
    expect(alarmIds(template).filter((id) => id.startsWith('SentimentCpuUtilization'))).toHaveLength(1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AWS/EC2', MetricName: 'CPUUtilization' }) }) })]),
      Threshold: 40,
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('GPUUtilization');
  });

  test('shows CPU utilization on its dashboard', () => {
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    expect(body).toContain('\\"title\\":\\"CPU utilization (%)\\"');
    expect(body).toContain('\\"AWS/EC2\\",\\"CPUUtilization\\",\\"AutoScalingGroupName\\"');
  });

  test('says it is the CPU fleet in the group\'s output', () => {
    template.hasOutput('AutoScalingGroupName', { Description: 'The CPU fleet' });
  });

  test('takes its scale-in settings from gpuScaleIn, the name configs already use', () => {
    const { template: tuned } = templateOf(cpuSettings({ gpuScaleIn: { thresholdPercent: 25 } }));
    tuned.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp('^CPU utilization .* below 25 %'), Threshold: 25 });
  });
});

describe('InferenceService on GPU instance types', () => {
  test('keeps the scale-in construct id it always had, so its alarm is not replaced', () => {
    const { template } = templateOf(cpuSettings({ fleet: { instanceTypes: ['g5.xlarge'], minCapacity: 0, maxCapacity: 2 } }));
    expect(alarmIds(template).filter((id) => id.startsWith('SentimentGpuUtilization'))).toHaveLength(1);
    expect(alarmIds(template).filter((id) => id.startsWith('SentimentCpuUtilization'))).toEqual([]);
  });
});

describe('InferenceService on CPU instance types with a baked image', () => {
  test('bakes from Amazon Linux 2023 on the fleet\'s first type', () => {
    const { template } = templateOf(cpuSettings({ fleet: { ...cpuSettings().fleet, bakedImage: {} } }));
    template.hasResourceProperties('AWS::ImageBuilder::ImageRecipe', { ParentImage: `ssm:${AMAZON_LINUX_2023_PARAMETER}` });
    template.hasResourceProperties('AWS::ImageBuilder::InfrastructureConfiguration', { InstanceTypes: ['c6i.large'] });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([{ Key: 'ai-infra:boot-image', Value: 'bakedImage', PropagateAtLaunch: false }]),
    });
  });
});

describe('inferenceServiceSettingsProblems of a CPU fleet', () => {
  test('valid CPU settings have no problem', () => {
    expect(problemsOf(inferenceServiceSettingsProblems(cpuSettings()))).toEqual([]);
  });

  test('an image without a CPU build, naming the fleet\'s first type and the fix', () => {
    const gpuOnly = InferenceImage.fromDeepLearningContainer('pytorch-inference', '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker');
    expect(problemsOf(inferenceServiceSettingsProblems(cpuSettings({ model: model({ image: gpuOnly }) })))).toEqual([
      expect.stringMatching(/^model\.image \(AWS Deep Learning Container pytorch-inference:2\.6\.0-gpu-.*\) has no CPU build for fleet\.instanceTypes\[0\] \("c6i\.large"\): give the image a cpu tag/),
    ]);
  });

  test('GPU and CPU types in one fleet, under the fleet\'s path', () => {
    expect(problemsOf(inferenceServiceSettingsProblems(cpuSettings({ fleet: { ...cpuSettings().fleet, instanceTypes: ['c6i.large', 'g5.xlarge'] } })))).toEqual([
      expect.stringMatching(/^fleet\.instanceTypes mixes NVIDIA GPU types \(g5\.xlarge\) and CPU types \(c6i\.large\)/),
    ]);
  });

  test('the construct throws the same problem', () => {
    const gpuOnly = InferenceImage.fromDeepLearningContainer('pytorch-inference', '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker');
    expect(() => templateOf(cpuSettings({ model: model({ image: gpuOnly }) }))).toThrow(/model\.image .* has no CPU build for fleet\.instanceTypes\[0\] \("c6i\.large"\)/);
  });
});
