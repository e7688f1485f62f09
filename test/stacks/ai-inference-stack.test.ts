import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { ENVIRONMENTS, mergeConfig } from '../../lib/config';
import { prod } from '../../lib/config/prod';
import { EXAMPLE_STACK, resolve } from '../helpers/fake-cloudformation';
import { synthStage } from '../helpers/synth-stage';

const synthesized = Object.fromEntries(ENVIRONMENTS.map((config) => [config.name, { config, ...synthStage(config) }]));
const inference = (env: string): Template => synthesized[env].templates.AiInference;
const prodPublished = synthStage(mergeConfig(prod, { modelPublished: true })).templates.AiInference;

describe.each(ENVIRONMENTS.map((c) => c.name))('%s AiInference stack', (env) => {
  const { config } = synthesized[env];
  const template = inference(env);

  test('outputs exactly what the smoke check and users read', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(
      [
        'AlarmTopicArn', 'AutoScalingGroupName', 'DeadLetterQueueUrl', 'ErrorTopicArn', 'FileSystemId', 'LoadBalancerDnsName', 'LogGroupName', 'ModelBucketName',
        'ModelCacheBackupVaultName', 'QueueUrl',
        'ResultsBucketName', 'SuccessTopicArn', 'TargetGroupArn',
      ].sort(),
    );
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

  test('stateful resources follow the configured removal policy', () => {
    const policy = config.removalPolicy === RemovalPolicy.RETAIN ? 'Retain' : 'Delete';
    for (const id of ['JobsQueue24944186', 'JobsDeadLetterQueue8CC426EE', 'ModelsBucket970C6ADA', 'ModelCacheFileSystemC75099E4']) {
      expect(template.toJSON().Resources[id].DeletionPolicy).toBe(policy);
    }
  });

  test('the results bucket is retained whatever the configured removal policy: a stack update never deletes job results', () => {
    expect(template.toJSON().Resources.ServiceJobResultsBucketB43DFBDC).toEqual(expect.objectContaining({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }));
  });

  test('results expire after the configured retention', () => {
    const days = config.inference.results?.retention?.toDays();
    expect(template.toJSON().Resources.ServiceJobResultsBucketB43DFBDC.Properties.LifecycleConfiguration.Rules[0]).toEqual(expect.objectContaining({ ExpirationInDays: days }));
  });

  test('the fleet never carries a DesiredCapacity', () => {
    const groups = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0].Properties.DesiredCapacity).toBeUndefined();
  });

  test('MaxSize and the instance types come from the config', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MaxSize: String(config.inference.fleet.maxCapacity),
      MixedInstancesPolicy: Match.objectLike({
        LaunchTemplate: Match.objectLike({ Overrides: config.inference.fleet.instanceTypes.map((t) => ({ InstanceType: t })) }),
      }),
    });
  });

  test('the log group /ai/inference/<env>/<model> keeps logs as configured; retained, its name ends with the deployment\'s stack UUID', () => {
    const [logGroup] = Object.values(template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: config.logRetention } }));
    const name = `/ai/inference/${env}/${config.inference.model.name}`;
    expect(resolve(logGroup.Properties.LogGroupName, EXAMPLE_STACK)).toBe(
      config.removalPolicy === RemovalPolicy.RETAIN ? `${name}/51af3dc0-da77-11e4-872e-1234567db123` : name,
    );
  });

  test('the service\'s log group is encrypted with the stack\'s own logs key', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] } });
  });

  test('the ALB is protected from deletion exactly where the config retains resources', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: String(config.removalPolicy === 'retain') }]),
    });
  });

  test('access logs expire with the configured log retention', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: config.logRetention })] },
    });
  });

  test('the queue hides a job for the longest job duration', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: config.inference.maxJobDuration.toSeconds() });
  });

  test('the backlog target is acceptable latency / time per job', () => {
    const { acceptableLatency, timePerJob } = config.inference.scaling;
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({ TargetValue: acceptableLatency.toSeconds() / timePerJob.toSeconds() }),
    });
  });

  test('needs no context lookup: the AMI is an SSM parameter resolved at deploy', () => {
    expect(synthesized[env].stage.synth().manifest.missing).toBeUndefined();
    expect(Object.values(template.findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' }))).toHaveLength(1);
  });

  test('no Lambda function or custom resource', () => {
    template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"Type":"Custom::/);
  });

  test('the launch template boots the instance runtime: both assets downloaded, the boot script run', () => {
    const runtime = synthesized[env].stage.inference.service.node.findChild('Runtime');
    const [bootScript, agentBundle] = ['BootScript', 'AgentBundle'].map((id) => runtime.node.findChild(id) as Asset);
    const userData = JSON.stringify(Object.values(template.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData.UserData);
    expect(userData).toContain(`/${bootScript.s3ObjectKey}' '/opt/ai-inference/boot.sh'`);
    expect(userData).toContain(`/${agentBundle.s3ObjectKey}' '/opt/ai-inference/agent.js'`);
    expect(userData).toContain("'/opt/ai-inference/boot.sh' /etc/ai-inference/boot.env");
  });

  test('the runtime is configured with this environment\'s model and the fleet\'s lifecycle hooks', () => {
    const userData = JSON.stringify(Object.values(template.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData.UserData);
    expect(userData).toContain(`MODEL_NAME='${config.inference.model.name}'`);
    expect(userData).toContain(`MODEL_VERSION='${config.inference.model.version}'`);
    expect(userData).toContain("LAUNCH_HOOK_NAME='model-warm'");
    expect(userData).toMatch(/terminationLifecycleHookName\W+drain\W/);
  });

  test('the instance role can do exactly what the runtime needs', () => {
    const [role] = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: 'GPU inference instance' } }));
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]));
    const actions = policy?.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()).sort();
    expect(actions).toEqual(
      [
        'autoscaling:CompleteLifecycleAction',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:RecordLifecycleActionHeartbeat',
        'autoscaling:SetInstanceProtection',
        'cloudwatch:PutMetricData',
        'ec2:DescribeTags',
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
        's3:ListBucket', // results/ and errors/ only: finding an earlier attempt's result
        's3:PutObject', // results/ and errors/
        'sns:Publish', // the success and error topics
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ].sort(),
    );
  });
});

describe('night schedule', () => {
  test.each(['dev', 'staging'])('%s deploys the fleet with MinSize 0 and restores the config minimum in the morning', (env) => {
    const { config } = synthesized[env];
    const template = inference(env);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0' });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 8 * * 1-5',
      TimeZone: 'Europe/Berlin',
      // The config's minimum once the model is published, 0 before.
      MinSize: config.modelPublished ? config.inference.fleet.minCapacity : 0,
    });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 22 * * *',
      TimeZone: 'Europe/Berlin',
      MinSize: 0,
      DesiredCapacity: 0,
    });
  });

  test('prod has no schedule', () => {
    inference('prod').resourceCountIs('AWS::AutoScaling::ScheduledAction', 0);
  });

  test('prod keeps MinSize 0 until its model is published: a new environment starts no instance that cannot load it', () => {
    inference('prod').hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0' });
  });

  test('prod deploys with the config minimum once the model is published', () => {
    prodPublished.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: String(prod.inference.fleet.minCapacity) });
  });
});
