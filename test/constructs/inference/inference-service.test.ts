import { CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import {
  InferenceService, InferenceServiceSettings, inferenceServiceSettingsProblems,
} from '../../../lib/constructs/inference/inference-service';
import { problemsOf } from '../../../lib/validation';
import { model, service, serviceResources, settings } from './fixtures';
import { EXAMPLE_STACK, resolve } from '../../helpers/fake-cloudformation';

/** The log group names of the template, resolved in the documented example stack. */
function logGroupNames(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::Logs::LogGroup')).map((r) => resolve(r.Properties.LogGroupName, EXAMPLE_STACK)).sort();
}

describe('InferenceService', () => {
  const resources = serviceResources();
  const svc = service(resources, 'Llama');
  const template = Template.fromStack(resources.stack);

  test.each([
    ['AWS::AutoScaling::AutoScalingGroup', 1],
    ['AWS::ElasticLoadBalancingV2::LoadBalancer', 1],
    ['AWS::ElasticLoadBalancingV2::TargetGroup', 1],
    ['AWS::CloudWatch::Dashboard', 1],
    ['AWS::SNS::Topic', 3],
  ])('has %s x %i', (type, count) => {
    template.resourceCountIs(type, count);
  });

  test('has a job queue and a dead-letter queue of its own (besides the fixture queue pair)', () => {
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { VisibilityTimeout: 600 }, 2);
  });

  test('the log group is named after the model (and, retained, after the deployment)', () => {
    expect(logGroupNames(template)).toEqual(['/ai/inference/llama/51af3dc0-da77-11e4-872e-1234567db123']);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('without a schedule, MinSize is fleet.minCapacity and there is no scheduled action', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '1', MaxSize: '4' });
    template.resourceCountIs('AWS::AutoScaling::ScheduledAction', 0);
  });

  test('the fleet tracks the backlog of its own queue', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      AutoScalingGroupName: { Ref: Match.stringLikeRegexp('^LlamaFleetGroupASG') },
      TargetTrackingConfiguration: Match.objectLike({ TargetValue: 12 }),
    });
  });

  test('scales in on idle GPUs, by default below 40 % for 10 one-minute periods', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 40,
      EvaluationPeriods: 10,
      ComparisonOperator: 'LessThanThreshold',
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'AI/Custom', MetricName: 'GPUUtilization' }), Period: 60 }) })]),
    });
  });

  test('the runtime is bound to the fleet: the instances consume the service queue', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^LlamaFleetLaunchTemplate.*Role') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: Match.arrayWith(['sqs:ReceiveMessage']),
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LlamaJobsQueue'), 'Arn'] },
        })]),
      },
    });
  });

  test('the alarms notify the fleet topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^LlamaFleetNotifications') }],
    });
  });

  test('an archive model is served from its key of the model bucket', () => {
    expect([svc.served.description, svc.served.name, svc.served.version]).toEqual(['models/llama/1.0.0/model.tar.gz', 'llama', '1.0.0']);
  });

  test('addOutputs names each output with the prefix', () => {
    const other = serviceResources();
    service(other, 'Llama').addOutputs('Llama');
    const outputs = Template.fromStack(other.stack).findOutputs('*');
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['LlamaQueueUrl', 'LlamaAutoScalingGroupName', 'LlamaLogGroupName']));
  });

  test('addOutputs names the results bucket, the success and error topics and the alarm topic', () => {
    const other = serviceResources();
    const withOutputs = service(other, 'Llama');
    withOutputs.addOutputs('Llama');
    const outputs = Template.fromStack(other.stack).findOutputs('*');
    const ref = (construct: IConstruct) => ({ Ref: other.stack.getLogicalId(construct.node.defaultChild as CfnElement) });
    expect(outputs.LlamaResultsBucketName.Value).toEqual(ref(withOutputs.results.bucket));
    expect(outputs.LlamaSuccessTopicArn.Value).toEqual(ref(withOutputs.results.successTopic));
    expect(outputs.LlamaErrorTopicArn.Value).toEqual(ref(withOutputs.results.errorTopic));
    expect(outputs.LlamaAlarmTopicArn.Value).toEqual(ref(withOutputs.fleet.notificationTopic));
  });

  test('the results bucket is retained even when the service\'s removal policy is DESTROY', () => {
    const other = serviceResources();
    const destroyed = service(other, 'Llama', { removalPolicy: RemovalPolicy.DESTROY });
    const bucketId = other.stack.getLogicalId(destroyed.results.bucket.node.defaultChild as CfnElement);
    expect(Template.fromStack(other.stack).toJSON().Resources[bucketId]).toEqual(expect.objectContaining({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }));
  });

  test('keeps results for settings.results.retention', () => {
    const other = serviceResources();
    const kept = service(other, 'Llama', { results: { retention: Duration.days(9) } });
    const bucketId = other.stack.getLogicalId(kept.results.bucket.node.defaultChild as CfnElement);
    expect(Template.fromStack(other.stack).toJSON().Resources[bucketId].Properties.LifecycleConfiguration.Rules[0])
      .toEqual(expect.objectContaining({ ExpirationInDays: 9, NoncurrentVersionExpiration: { NoncurrentDays: 9 } }));
  });

  test('the runtime is bound to the fleet: the instances write results and publish to the service topics', () => {
    const topicArns = [svc.results.successTopic, svc.results.errorTopic].map((topic) => ({ Ref: resources.stack.getLogicalId(topic.node.defaultChild as CfnElement) }));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Effect: 'Allow', Resource: topicArns })]) },
      Roles: [{ Ref: resources.stack.getLogicalId(svc.fleet.role.node.defaultChild as CfnElement) }],
    });
  });
});

describe('InferenceService with a logs key and deletion protection', () => {
  const resources = serviceResources();
  const key = new kms.Key(resources.stack, 'LogsKey');
  service(resources, 'Llama', { logEncryptionKey: key, deletionProtection: true });
  const template = Template.fromStack(resources.stack);

  test('encrypts the service\'s log group with the key', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] } });
  });

  test('protects the load balancer from deletion', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  });
});

describe('InferenceService, two in one stack', () => {
  const resources = serviceResources();
  service(resources, 'Llama');
  service(resources, 'Mistral', { model: model({ name: 'mistral', version: '0.3' }) });
  const template = Template.fromStack(resources.stack);

  test('have a fleet each', () => {
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2);
  });

  test('have a log group each', () => {
    expect(logGroupNames(template)).toEqual(['/ai/inference/llama', '/ai/inference/mistral'].map((name) => `${name}/51af3dc0-da77-11e4-872e-1234567db123`));
  });

  test('boot their own model', () => {
    const userData = JSON.stringify(template.findResources('AWS::EC2::LaunchTemplate'));
    expect(userData).toContain("MODEL_NAME='llama'");
    expect(userData).toContain("MODEL_NAME='mistral'\\nMODEL_VERSION='0.3'");
  });
});

describe('InferenceService with a schedule', () => {
  const resources = serviceResources();
  service(resources, 'Llama', { fleet: { ...settings().fleet, minCapacity: 2 }, schedule: { timeZone: 'Europe/Berlin' } });
  const template = Template.fromStack(resources.stack);

  test('deploys the fleet with MinSize 0', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0' });
  });

  test('the morning action restores fleet.minCapacity', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '0 8 * * 1-5', TimeZone: 'Europe/Berlin', MinSize: 2 });
  });

  test('the evening action scales to 0', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '0 22 * * *', MinSize: 0, DesiredCapacity: 0 });
  });
});

describe('inferenceServiceSettingsProblems', () => {
  test('valid settings have no problem', () => {
    expect(problemsOf(inferenceServiceSettingsProblems(settings()))).toEqual([]);
  });

  test.each([
    ['fleet', { fleet: { instanceTypes: ['g5.xlarge'], minCapacity: 0, maxCapacity: 0 } }, /^fleet\.maxCapacity \(0\) must be a whole number >= 1$/],
    ['model', { model: model({ name: '..' }) }, /^model\.name \(".."\) must be 1-128 letters/],
    ['scaling', { scaling: { ...settings().scaling, scaleToZeroAfterIdle: Duration.seconds(90) } }, /^scaling\.scaleToZeroAfterIdle \(1 minute 30 seconds\) must be a whole number of minutes$/],
    ['schedule', { schedule: { timeZone: 'Mars/Olympus' } }, /^schedule\.timeZone \("Mars\/Olympus"\) is not a known IANA time zone/],
    ['the job duration', { maxJobDuration: Duration.hours(13) }, /^maxJobDuration \(13 hours\) must be between 1 second and 12 hours$/],
    ['results', { results: { retention: Duration.hours(12) } }, /^results\.retention \(days\) \(0\.5\) must be a whole number >= 1$/],
    ['the jobs per instance', { maxConcurrentJobs: 1.5 }, /^maxConcurrentJobs \(1\.5\) must be a whole number from 1 to 1000: the jobs one instance runs at once$/],
  ] as Array<[string, Partial<InferenceServiceSettings>, RegExp]>)('prefixes problems of %s with their path', (_what, overrides, message) => {
    const problems = problemsOf(inferenceServiceSettingsProblems(settings(overrides)));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('runs one job per instance unless maxConcurrentJobs says more', () => {
    const userData = (construct: InferenceService) => JSON.stringify(Stack.of(construct).resolve(construct.fleet.userData.render()));
    expect(userData(service(serviceResources(), 'One'))).toContain('\\"maxConcurrentJobs\\":1,');
    expect(userData(service(serviceResources(), 'Four', { maxConcurrentJobs: 4 }))).toContain('\\"maxConcurrentJobs\\":4,');
  });

  test('the construct throws with the same paths', () => {
    expect(() => service(serviceResources(), 'Llama', { fleet: { ...settings().fleet, maxCapacity: 0 } })).toThrow(/fleet\.maxCapacity \(0\) must be a whole number >= 1/);
  });
});

describe('InferenceService before its model is published', () => {
  test('keeps the fleet at MinSize 0, and the morning action too', () => {
    const resources = serviceResources();
    service(resources, 'Llama', { modelPublished: false, fleet: { ...settings().fleet, minCapacity: 2 }, schedule: { timeZone: 'Europe/Berlin' } });
    const template = Template.fromStack(resources.stack);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0' });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '0 8 * * 1-5', MinSize: 0 });
  });

  test('without a schedule, keeps MinSize 0', () => {
    const resources = serviceResources();
    service(resources, 'Llama', { modelPublished: false });
    Template.fromStack(resources.stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0', MaxSize: '4' });
  });

  test('still validates fleet.minCapacity as written: a minimum above the maximum fails now, not once published', () => {
    expect(() => service(serviceResources(), 'Llama', { modelPublished: false, fleet: { ...settings().fleet, minCapacity: 6 } }))
      .toThrow(/fleet\.maxCapacity \(4\) must be >= minCapacity \(6\): lower minCapacity or raise maxCapacity/);
  });
});

describe('InferenceService with warm-up windows, predictive scaling and a baked image', () => {
  const resources = serviceResources();
  service(resources, 'Llama', {
    fleet: { ...settings().fleet, bakedImage: {} },
    schedule: { timeZone: 'Europe/Berlin' },
    warmUpWindows: [{ cron: '45 0 * * *', capacity: 2, duration: Duration.hours(2) }],
    scaling: { ...settings().scaling, predictive: { mode: 'ForecastAndScale' } },
  });
  const template = Template.fromStack(resources.stack);

  test('boots the fleet from the image built in the deploy', () => {
    const [imageId] = Object.keys(template.findResources('AWS::ImageBuilder::Image'));
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ ImageId: { 'Fn::GetAtt': [imageId, 'ImageId'] } }) });
  });

  test('builds on the fleet\'s first instance type', () => {
    template.hasResourceProperties('AWS::ImageBuilder::InfrastructureConfiguration', { InstanceTypes: ['g5.xlarge'] });
  });

  test('tags the group with its boot image and expected boot time, for tools that read the template', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([
        { Key: 'ai-infra:boot-image', Value: 'bakedImage', PropagateAtLaunch: false },
        { Key: 'ai-infra:expected-boot-seconds', Value: '150', PropagateAtLaunch: false },
      ]),
    });
  });

  test('launches the forecast\'s instances one baked boot ahead', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'PredictiveScaling',
      PredictiveScalingConfiguration: Match.objectLike({ Mode: 'ForecastAndScale', SchedulingBufferTime: 150 }),
    });
  });

  test('schedules the window beside the night schedule', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '45 0 * * *', TimeZone: 'Europe/Berlin', MinSize: 2 });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '45 2 * * *', MinSize: 0 });
    template.resourceCountIs('AWS::AutoScaling::ScheduledAction', 4);
  });
});

describe('InferenceService boot image by default', () => {
  const resources = serviceResources();
  service(resources, 'Llama');
  const template = Template.fromStack(resources.stack);

  test('is the Deep Learning AMI, expected to boot in 300 s, with no image build', () => {
    template.resourceCountIs('AWS::ImageBuilder::Image', 0);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      Tags: Match.arrayWith([
        { Key: 'ai-infra:boot-image', Value: 'deepLearningAmi', PropagateAtLaunch: false },
        { Key: 'ai-infra:expected-boot-seconds', Value: '300', PropagateAtLaunch: false },
      ]),
    });
  });
});

describe('InferenceService warm-up windows before the model is published', () => {
  test('start no instance', () => {
    const resources = serviceResources();
    service(resources, 'Llama', { modelPublished: false, warmUpWindows: [{ cron: '45 0 * * *', capacity: 2, duration: Duration.hours(2) }] });
    Template.fromStack(resources.stack).resourceCountIs('AWS::AutoScaling::ScheduledAction', 0);
  });
});

describe('inferenceServiceSettingsProblems of the scaling additions', () => {
  test('names the window that fights the night schedule', () => {
    const problems = problemsOf(inferenceServiceSettingsProblems(settings({
      schedule: { timeZone: 'Europe/Berlin' },
      warmUpWindows: [{ cron: '30 21 * * *', capacity: 2, duration: Duration.hours(1) }],
    })));
    expect(problems).toEqual([expect.stringMatching(/^warmUpWindows\[0\] \(.*\) contains the night schedule's scale-down/)]);
  });

  test('rejects an expected boot of an hour or more with predictive scaling, naming fleet.expectedBootTime', () => {
    const problems = problemsOf(inferenceServiceSettingsProblems(settings({
      fleet: { ...settings().fleet, expectedBootTime: Duration.minutes(60), bootBudget: Duration.minutes(90) },
      scaling: { ...settings().scaling, predictive: {} },
    })));
    expect(problems).toEqual([expect.stringMatching(/^fleet\.expectedBootTime \(1 hour\) must be under 1 hour with scaling\.predictive/)]);
  });

  test('rejects an expected boot longer than the boot budget', () => {
    const problems = problemsOf(inferenceServiceSettingsProblems(settings({ fleet: { ...settings().fleet, expectedBootTime: Duration.minutes(31) } })));
    expect(problems).toEqual([expect.stringMatching(/^fleet\.expectedBootTime \(31 minutes\) must be between 1 second and 30 minutes$/)]);
  });

  test('rejects a baked image built on something that is not an instance type', () => {
    const problems = problemsOf(inferenceServiceSettingsProblems(settings({ fleet: { ...settings().fleet, bakedImage: { buildInstanceType: 'big' } } })));
    expect(problems).toEqual([expect.stringMatching(/^fleet\.bakedImage\.buildInstanceType \("big"\) must be an EC2 instance type/)]);
  });
});
