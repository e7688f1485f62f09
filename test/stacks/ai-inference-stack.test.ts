import { CfnElement, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { ENVIRONMENTS, inferenceServicesOf, mergeConfig } from '../../lib/config';
import { INFERENCE_SERVICE_OUTPUTS } from '../../lib/constructs/inference/inference-service';
import { JOB_RESULTS_DEFAULTS } from '../../lib/constructs/inference/job-results';
import { fleetAmiParameter } from '../../lib/gpu/fleet-ami';
import { aiInferenceSettingsOf } from '../../lib/stacks/ai-inference-stack';
import { DEFAULT_SERVICE, serviceLogGroupPrefix, serviceOutputKey } from '../../lib/stacks/service-names';
import { logicalIdOf, renderDashboards, widgetTitled } from '../helpers/dashboard';
import { EXAMPLE_STACK, REGION, resolve } from '../helpers/fake-cloudformation';
import { synthStage } from '../helpers/synth-stage';

const synthesized = Object.fromEntries(ENVIRONMENTS.map((config) => [config.name, { config, ...synthStage(config) }]));
const inference = (env: string): Template => synthesized[env].templates.AiInference;
/** Every environment's services, as `[env, service]`. */
const services = ENVIRONMENTS.flatMap((config) => inferenceServicesOf(config).map(([service]) => [config.name, service] as const));

type Resource = { readonly Type: string; readonly Properties: Record<string, unknown>; readonly DeletionPolicy?: string };
type TemplateJson = { Outputs: Record<string, { Value: { Ref?: string; 'Fn::GetAtt'?: string[] } }>; Resources: Record<string, Resource> };

/** The logical id of the resource a stack output of the service references (`Ref` or `Fn::GetAtt`). */
function idOf(template: Template, service: string, output: (typeof INFERENCE_SERVICE_OUTPUTS)[number]): string {
  const { Value: value } = (template.toJSON() as TemplateJson).Outputs[serviceOutputKey(service, output)];
  return value.Ref ?? value['Fn::GetAtt']![0];
}

/** The resource a stack output of the service references. */
function resourceOf(template: Template, service: string, output: (typeof INFERENCE_SERVICE_OUTPUTS)[number]): Resource {
  return (template.toJSON() as TemplateJson).Resources[idOf(template, service, output)];
}

/** The user data of the service's launch template, as JSON text. */
function userDataOf(template: Template, service: string): string {
  const group = resourceOf(template, service, 'AutoScalingGroupName');
  const launchTemplate = (group.Properties.MixedInstancesPolicy as { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: string } } } })
    .LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateId.Ref;
  return JSON.stringify((template.toJSON() as TemplateJson).Resources[launchTemplate].Properties.LaunchTemplateData);
}

describe.each(ENVIRONMENTS.map((c) => c.name))('%s AiInference stack', (env) => {
  const { config } = synthesized[env];
  const template = inference(env);
  const names = inferenceServicesOf(config).map(([name]) => name);

  test('outputs exactly what the smoke check and users read: the stack\'s and every service\'s', () => {
    const serviceOutputs = names.flatMap((service) => INFERENCE_SERVICE_OUTPUTS.map((output) => serviceOutputKey(service, output)));
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(['FileSystemId', 'ModelBucketName', 'ModelCacheBackupVaultName', ...serviceOutputs].sort());
  });

  test.each([
    ['JobsQueue24944186', 'AWS::SQS::Queue'],
    ['JobsDeadLetterQueue8CC426EE', 'AWS::SQS::Queue'],
    ['ModelsBucket970C6ADA', 'AWS::S3::Bucket'],
    ['ModelCacheFileSystemC75099E4', 'AWS::EFS::FileSystem'],
    ['ServiceJobResultsBucketB43DFBDC', 'AWS::S3::Bucket'],
  ])('stateful resource %s keeps its logical id', (logicalId, type) => {
    expect(template.toJSON().Resources[logicalId]?.Type).toBe(type);
  });

  test('the default service\'s queue and results bucket are those logical ids', () => {
    expect([idOf(template, DEFAULT_SERVICE, 'QueueUrl'), idOf(template, DEFAULT_SERVICE, 'ResultsBucketName')]).toEqual(['JobsQueue24944186', 'ServiceJobResultsBucketB43DFBDC']);
  });

  test('stateful resources follow the configured removal policy', () => {
    const policy = config.removalPolicy === RemovalPolicy.RETAIN ? 'Retain' : 'Delete';
    for (const id of ['JobsQueue24944186', 'JobsDeadLetterQueue8CC426EE', 'ModelsBucket970C6ADA', 'ModelCacheFileSystemC75099E4']) {
      expect(template.toJSON().Resources[id].DeletionPolicy).toBe(policy);
    }
  });

  test('every fleet is a service\'s, and none carries a DesiredCapacity', () => {
    const groups = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(groups).toHaveLength(names.length);
    expect(groups.map((group) => group.Properties.DesiredCapacity)).toEqual(names.map(() => undefined));
  });

  test('every log group is a service\'s, encrypted with the stack\'s own logs key', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', names.length);
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] } });
  });

  test('the ALBs are protected from deletion exactly where the config retains resources', () => {
    template.allResourcesProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: String(config.removalPolicy === 'retain') }]),
    });
  });

  test('access logs expire with the configured log retention', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: config.logRetention })] },
    });
  });

  test('needs no context lookup: the Deep Learning AMI is an SSM parameter, resolved at deploy, or by Image Builder for a baked image', () => {
    expect(synthesized[env].stage.synth().manifest.missing).toBeUndefined();
    const baked = inferenceServicesOf(config).filter(([, service]) => service.fleet.bakedImage !== undefined).length;
    const resolvedAtDeploy = inferenceServicesOf(config).length - baked;
    expect(Object.values(template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' }))).toHaveLength(resolvedAtDeploy > 0 ? 1 : 0);
    template.resourcePropertiesCountIs('AWS::ImageBuilder::ImageRecipe', { ParentImage: Match.stringLikeRegexp('^ssm:') }, baked);
  });

  test('no Lambda function or custom resource', () => {
    template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"Type":"Custom::/);
  });
});

describe.each(services)('%s service %s', (env, service) => {
  const { config, stage } = synthesized[env];
  const settings = aiInferenceSettingsOf(config).services[service];
  const template = inference(env);

  test('the results bucket is retained whatever the configured removal policy: a stack update never deletes job results', () => {
    expect(resourceOf(template, service, 'ResultsBucketName')).toEqual(expect.objectContaining({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }));
  });

  test('results expire after the configured retention', () => {
    const days = (settings.results?.retention ?? JOB_RESULTS_DEFAULTS.retention).toDays();
    const rules = (resourceOf(template, service, 'ResultsBucketName').Properties.LifecycleConfiguration as { Rules: unknown[] }).Rules;
    expect(rules[0]).toEqual(expect.objectContaining({ ExpirationInDays: days }));
  });

  test('MaxSize and the instance types come from the config', () => {
    expect(resourceOf(template, service, 'AutoScalingGroupName').Properties).toEqual(expect.objectContaining({
      MaxSize: String(settings.fleet.maxCapacity),
      MixedInstancesPolicy: expect.objectContaining({
        LaunchTemplate: expect.objectContaining({ Overrides: settings.fleet.instanceTypes.map((t) => ({ InstanceType: t })) }),
      }),
    }));
  });

  test('the log group is named by the service and its model and keeps logs as configured; retained, its name ends with the deployment\'s stack UUID', () => {
    const { LogGroupName: logGroupName, RetentionInDays: retention } = resourceOf(template, service, 'LogGroupName').Properties;
    const name = `${serviceLogGroupPrefix(env, service)}/${settings.model.name}`;
    expect([resolve(logGroupName, EXAMPLE_STACK), retention]).toEqual([
      config.removalPolicy === RemovalPolicy.RETAIN ? `${name}/51af3dc0-da77-11e4-872e-1234567db123` : name,
      config.logRetention,
    ]);
  });

  test('its dashboard is named <stack>-<service>-<Region>, linked by DashboardUrl, and draws the service\'s queue and fleet', () => {
    const url = String(resolve(template.toJSON().Outputs[serviceOutputKey(service, 'DashboardUrl')].Value, EXAMPLE_STACK));
    const dashboard = renderDashboards(template)[url.split('#dashboards:name=')[1]];
    expect(dashboard.name).toBe(`${env}-AiInference-${service}-${config.region ?? REGION}`);
    const queues = widgetTitled(dashboard, 'Jobs waiting and in flight').metrics.map((m) => logicalIdOf(m.dimensions.QueueName));
    expect(queues.slice(0, 2)).toEqual([idOf(template, service, 'QueueUrl'), idOf(template, service, 'QueueUrl')]);
    const groups = widgetTitled(dashboard, 'Instances: desired vs InService').metrics.map((m) => m.dimensions.AutoScalingGroupName);
    expect(new Set(groups)).toEqual(new Set([idOf(template, service, 'AutoScalingGroupName')]));
  });

  test('the queue hides a job for the longest job duration', () => {
    expect(resourceOf(template, service, 'QueueUrl').Properties.VisibilityTimeout).toBe(settings.maxJobDuration.toSeconds());
  });

  test('the backlog target is acceptable latency / time per job', () => {
    const { acceptableLatency, timePerJob } = settings.scaling;
    const group = idOf(template, service, 'AutoScalingGroupName');
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      AutoScalingGroupName: { Ref: group },
      TargetTrackingConfiguration: Match.objectLike({ TargetValue: acceptableLatency.toSeconds() / timePerJob.toSeconds() }),
    });
  });

  test('the fleet boots its processor\'s AMI and runs the image build of it', () => {
    const fleet = stage.inference.services[service].fleet;
    const userData = userDataOf(template, service);
    expect(userData).toContain(`PROCESSOR='${fleet.processor}'`);
    // The build's tag: a Deep Learning Container's per processor, a registry image's own.
    expect(userData).toContain(`:${settings.model.image?.buildFor(fleet.processor)?.split(':').pop()}'`);
    // A baked image is built by Image Builder from the processor's AMI; otherwise the fleet resolves it at deploy.
    if (settings.fleet.bakedImage) {
      template.hasResourceProperties('AWS::ImageBuilder::ImageRecipe', { ParentImage: `ssm:${fleetAmiParameter(fleet.processor)}` });
    } else {
      const amis = Object.values(template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' })).map((p) => p.Default);
      expect(amis).toContain(fleetAmiParameter(fleet.processor));
    }
  });

  test('the launch template boots the instance runtime: both assets downloaded, the boot script run', () => {
    const runtime = stage.inference.services[service].node.findChild('Runtime');
    const [bootScript, agentBundle] = ['BootScript', 'AgentBundle'].map((id) => runtime.node.findChild(id) as Asset);
    const userData = userDataOf(template, service);
    expect(userData).toContain(`/${bootScript.s3ObjectKey}' '/opt/ai-inference/boot.sh'`);
    expect(userData).toContain(`/${agentBundle.s3ObjectKey}' '/opt/ai-inference/agent.js'`);
    expect(userData).toContain("'/opt/ai-inference/boot.sh' /etc/ai-inference/boot.env");
  });

  test('the runtime is configured with this service\'s model and the fleet\'s lifecycle hooks', () => {
    const userData = userDataOf(template, service);
    expect(userData).toContain(`MODEL_NAME='${settings.model.name}'`);
    expect(userData).toContain(`MODEL_VERSION='${settings.model.version}'`);
    expect(userData).toContain("LAUNCH_HOOK_NAME='model-warm'");
    expect(userData).toMatch(/terminationLifecycleHookName\W+drain\W/);
  });

  test('the instance role can do exactly what the runtime needs', () => {
    const fleet = stage.inference.services[service].fleet;
    const role = fleet.role.node.defaultChild as CfnElement;
    const roleId = stage.inference.resolve(role.logicalId) as string;
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
    const actions = policy?.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()).sort();
    expect(actions).toEqual(
      [
        'autoscaling:CompleteLifecycleAction',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:RecordLifecycleActionHeartbeat',
        'autoscaling:SetInstanceProtection',
        'cloudwatch:PutMetricData',
        // The CloudWatch agent's group dimension of the GPU metrics; a CPU fleet publishes none.
        ...(fleet.processor === 'gpu' ? ['ec2:DescribeTags'] : []),
        'ecr:BatchCheckLayerAvailability', // the serving image's repository
        'ecr:BatchGetImage',
        'ecr:GetAuthorizationToken',
        'ecr:GetDownloadUrlForLayer',
        'elasticfilesystem:ClientMount',
        'elasticfilesystem:ClientWrite',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:GetObject', // the models/ prefix
        's3:GetObject', // the runtime's two assets
        's3:GetObject', // the results bucket's inputs/ prefix
        's3:GetObject', // the results bucket's attempts/ prefix: where a malformed message's job has its result
        's3:ListBucket', // results/, errors/ and attempts/ only: finding an earlier attempt's result, record or announcement
        's3:PutObject', // results/ and errors/ (once: the bucket policy), attempts/
        'sns:Publish', // the success and error topics
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ].sort(),
    );
  });

  test('a night schedule deploys the fleet with MinSize 0 and restores the mapped minimum in the morning; without one MinSize is the mapped minimum', () => {
    const group = idOf(template, service, 'AutoScalingGroupName');
    const schedules = Object.values(template.findResources('AWS::AutoScaling::ScheduledAction', { Properties: { AutoScalingGroupName: { Ref: group } } }));
    // The mapped minimum: the config's once the model is published, 0 before.
    const minCapacity = config.modelPublished ? settings.fleet.minCapacity : 0;
    if (settings.schedule) {
      expect(resourceOf(template, service, 'AutoScalingGroupName').Properties.MinSize).toBe('0');
      expect(schedules.map((action) => action.Properties.MinSize).sort()).toEqual([0, minCapacity].sort());
      expect(schedules.every((action) => action.Properties.TimeZone === settings.schedule?.timeZone)).toBe(true);
    } else {
      expect(resourceOf(template, service, 'AutoScalingGroupName').Properties.MinSize).toBe(String(minCapacity));
      expect(schedules).toEqual([]);
    }
  });
});

describe('the model published', () => {
  // Any environment, its default service with a daytime minimum and no schedule.
  const config = mergeConfig(ENVIRONMENTS[0], { inference: { [DEFAULT_SERVICE]: { fleet: { minCapacity: 1 }, schedule: undefined } } });

  test('an unpublished model keeps every fleet at MinSize 0: a new environment starts no instance that cannot load it', () => {
    const unpublished = synthStage({ ...config, modelPublished: false }).templates.AiInference;
    const groups = Object.values(unpublished.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(groups.map((group) => group.Properties.MinSize)).toEqual(groups.map(() => '0'));
  });

  test('a published model deploys the config minimum', () => {
    const published = synthStage({ ...config, modelPublished: true }).templates.AiInference;
    expect(resourceOf(published, DEFAULT_SERVICE, 'AutoScalingGroupName').Properties.MinSize).toBe('1');
  });
});
