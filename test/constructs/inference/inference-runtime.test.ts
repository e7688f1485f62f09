import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { InferenceImage, InferenceRuntime, InferenceRuntimeProps } from '../../../lib';
import { AgentConfigFile, ArchiveModel, InferenceModel, isRegistryModel } from '../../../lib/constructs/inference/inference-runtime';
import { archiveServedModel } from '../../../lib/constructs/inference/served-model';
import { parseConfig } from '../../../lib/runtime/inference/agent/config';
import { GpuFleet } from '../../../lib/constructs/inference/gpu-fleet';
import { JobQueue } from '../../../lib/constructs/inference/job-queue';
import { JobResults } from '../../../lib/constructs/inference/job-results';
import { ModelBucket } from '../../../lib/constructs/inference/model-bucket';
import { ModelCache } from '../../../lib/constructs/inference/model-cache';
import { fleetProps } from './fixtures';
import { SERVING_CONTRACT } from '../../../lib/constructs/inference/serving-contract';
import { INSTANCE_METRICS_NAMESPACE } from '../../../lib/gpu/gpu-metrics';

const MODEL = { name: 'llm', version: '7', image: InferenceImage.fromRegistry('public.ecr.aws/acme/llm-server:1.2') };

/** A stack with a fleet and everything the runtime needs beside the model, which `props(model)` adds, served from the model bucket. */
function fleetParts(stack: Stack, instanceTypes?: string[]): { fleet: GpuFleet; modelBucket: ModelBucket; props: (model?: InferenceModel) => InferenceRuntimeProps } {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 1, restrictDefaultSecurityGroup: false });
  const modelBucket = new ModelBucket(stack, 'Models', {});
  const shared = {
    jobs: new JobQueue(stack, 'Jobs', { maxJobDuration: Duration.minutes(15) }),
    results: new JobResults(stack, 'Results', { serverAccessLogsBucket: new s3.Bucket(stack, 'AccessLogs') }),
    modelCache: new ModelCache(stack, 'Cache', { vpc, backupRetentionDays: 7 }),
    logGroup: new logs.LogGroup(stack, 'Logs', { logGroupName: '/ai/inference' }),
    maxJobDuration: Duration.minutes(15),
    maxConcurrentJobs: 1,
  };
  return {
    fleet: new GpuFleet(stack, 'Fleet', { ...fleetProps(vpc), ...(instanceTypes && { instanceTypes }), bootBudget: Duration.minutes(15) }),
    modelBucket,
    props: (model: InferenceModel = MODEL) => ({ ...shared, model, served: archiveServedModel(isRegistryModel(model) ? MODEL : model, modelBucket) }),
  };
}

/** The rendered user data as text, with each CloudFormation token written as its JSON. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  return join ? join[1].map(flatten).join(join[0]) : JSON.stringify(value);
}

/** The content the user data writes to `path` with a quoted heredoc. */
function writtenFile(userData: string, path: string): string {
  const match = new RegExp(`cat > '${path}' <<'AI_INFERENCE_EOF'\\n([\\s\\S]*?)\\nAI_INFERENCE_EOF`).exec(userData);
  if (!match) throw new Error(`user data does not write ${path}`);
  return match[1];
}

describe('InferenceRuntime', () => {
  const app = new App();
  const stack = new Stack(app, 'Fleet');
  const { fleet, modelBucket, props: propsOf } = fleetParts(stack);
  const props = propsOf({ ...MODEL, environment: { MAX_BATCH_SIZE: '8' } });
  const runtime = new InferenceRuntime(stack, 'Runtime', props);
  runtime.bind(fleet);
  const template = Template.fromStack(stack);
  const userData = flatten(stack.resolve(fleet.userData.render()));
  const bootScript = runtime.node.findChild('BootScript') as Asset;
  const agentBundle = runtime.node.findChild('AgentBundle') as Asset;
  const queueRef = JSON.stringify(stack.resolve(props.jobs.queue.queueUrl));
  const fleetRole = { Ref: Match.stringLikeRegexp('^FleetLaunchTemplate.*Role') };
  /** Asserts the fleet role's policy has a statement like `statement`. */
  const fleetMay = (statement: Record<string, unknown>) => template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [fleetRole],
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(statement)]) },
  });

  test('downloads the boot script asset and runs it with its config file', () => {
    expect(userData).toContain(`/${bootScript.s3ObjectKey}' '/opt/ai-inference/boot.sh'`);
    expect(userData).toContain("'/opt/ai-inference/boot.sh' /etc/ai-inference/boot.env");
  });

  test('downloads the agent bundle asset', () => {
    expect(agentBundle.s3ObjectKey).toMatch(/\.js$/);
    expect(userData).toContain(`/${agentBundle.s3ObjectKey}' '/opt/ai-inference/agent.js'`);
  });

  test('ships the agent as one esbuild bundle with its dependencies', () => {
    const assembly = app.synth();
    const bundle = readFileSync(join(assembly.directory, agentBundle.assetPath), 'utf8');
    expect(bundle).toContain('SetInstanceProtectionCommand');
    expect(bundle).not.toMatch(/require\("@aws-sdk\/client-auto-scaling"\)/);
  });

  test('writes the agent config with the queue URL, the model and the termination hook', () => {
    const config = writtenFile(userData, '/etc/ai-inference/agent.json');
    expect(config).toContain(`"queueUrl":"${queueRef}"`);
    expect(config).toContain('"model":{"name":"llm","version":"7","containerImage":"public.ecr.aws/acme/llm-server:1.2","gpuMemoryFraction":0.8}');
    expect(config).toContain('"terminationLifecycleHookName":"drain"');
    expect(config).toContain('"jobTimeoutSeconds":900');
  });

  test('the agent config carries the documented defaults', () => {
    const config = writtenFile(userData, '/etc/ai-inference/agent.json');
    expect(config).toContain('"inferenceUrl":"http://127.0.0.1:8080/invocations"');
    expect(config).toContain('"visibilityTimeoutSeconds":60,"heartbeatIntervalSeconds":20');
    expect(config).toContain('"retryDelaySeconds":30,"drainTimeoutSeconds":960');
    expect(writtenFile(userData, '/etc/ai-inference/boot.env')).toContain("AGENT_STOP_TIMEOUT_SECONDS='990'");
  });

  test('gives the boot the fleet boot budget', () => {
    expect(writtenFile(userData, '/etc/ai-inference/boot.env')).toContain("BOOT_BUDGET_SECONDS='900'");
  });

  test('gives the boot the serving contract\'s port and health check path, the ones the load balancer uses', () => {
    const bootEnv = writtenFile(userData, '/etc/ai-inference/boot.env');
    expect(bootEnv).toContain(`SERVER_PORT='${SERVING_CONTRACT.port}'\nHEALTH_PATH='${SERVING_CONTRACT.healthCheckPath}'`);
  });

  test('writes the boot config with the model, the image, the GPU fraction and the launch hook', () => {
    const bootEnv = writtenFile(userData, '/etc/ai-inference/boot.env');
    expect(bootEnv).toContain("MODEL_NAME='llm'\nMODEL_VERSION='7'\nCONTAINER_IMAGE='public.ecr.aws/acme/llm-server:1.2'\nPROCESSOR='gpu'\nGPU_MEMORY_FRACTION='0.8'");
    expect(bootEnv).toContain("LAUNCH_HOOK_NAME='model-warm'");
    expect(bootEnv).toContain(`MODEL_ARCHIVE_URL='s3://${JSON.stringify(stack.resolve(modelBucket.bucket.bucketName))}/models/llm/7/model.tar.gz'`);
    expect(bootEnv).toContain(`ACCESS_POINT_ID='${JSON.stringify(stack.resolve(props.modelCache.accessPoint.accessPointId))}'`);
  });

  test('writes the container environment', () => {
    expect(writtenFile(userData, '/etc/ai-inference/model.env')).toBe('MAX_BATCH_SIZE=8');
  });

  test('bind lets the fleet read the two asset objects only', () => {
    const objectArn = (asset: Asset) => stack.resolve(asset.bucket.arnForObjects(asset.s3ObjectKey));
    fleetMay({ Action: 's3:GetObject', Effect: 'Allow', Resource: [objectArn(bootScript), objectArn(agentBundle)] });
  });

  test('bind lets the fleet consume jobs', () => {
    fleetMay({
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobsQueue'), 'Arn'] },
    });
  });

  test('bind lets the fleet read models/ of the model bucket', () => {
    fleetMay({ Action: 's3:GetObject', Resource: stack.resolve(modelBucket.bucket.arnForObjects('models/*')) });
  });

  test('bind lets the fleet mount the cache through its access point', () => {
    fleetMay({
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': stack.resolve(props.modelCache.accessPoint.accessPointArn) } },
    });
  });

  test('bind opens NFS from the fleet to the cache', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 2049,
      ToPort: 2049,
      GroupId: stack.resolve((props.modelCache.fileSystem as efs.FileSystem).connections.securityGroups[0].securityGroupId),
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FleetSecurityGroup'), 'GroupId'] },
    });
  });

  test('bind lets the fleet write to the log group', () => {
    fleetMay({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Logs'), 'Arn'] } });
  });

  test('the agent.json the user data writes is accepted by the agent\'s own parser', () => {
    const deployed = {
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs',
      region: 'us-east-1',
      resultsBucketName: 'jobs-results',
      successTopicArn: 'arn:aws:sns:us-east-1:123456789012:job-succeeded',
      errorTopicArn: 'arn:aws:sns:us-east-1:123456789012:job-failed',
    };
    const tokens: [unknown, string][] = [
      [props.jobs.queue.queueUrl, deployed.queueUrl],
      [Stack.of(stack).region, deployed.region],
      [props.results.bucket.bucketName, deployed.resultsBucketName],
      [props.results.successTopic.topicArn, deployed.successTopicArn],
      [props.results.errorTopic.topicArn, deployed.errorTopicArn],
    ];
    const written = tokens.reduce((text, [token, value]) => text.replace(JSON.stringify(stack.resolve(token)), value), writtenFile(userData, '/etc/ai-inference/agent.json'));
    const parsed = parseConfig(JSON.parse(written), { INSTANCE_ID: 'i-0123', AUTOSCALING_GROUP_NAME: 'fleet' });
    expect(parsed).toMatchObject({ ...runtime.agentConfig(fleet), ...deployed, maxAttempts: 3, instanceId: 'i-0123' });
  });

  test('agentConfig() is the parser type, with the fleet termination hook', () => {
    const config: AgentConfigFile = runtime.agentConfig(fleet);
    expect(config).toMatchObject({ terminationLifecycleHookName: 'drain', jobTimeoutSeconds: 900, drainTimeoutSeconds: 960, waitTimeSeconds: 20 });
    expect(config).not.toHaveProperty('instanceId');
    expect(config).not.toHaveProperty('autoScalingGroupName');
  });

  test('the agent publishes its job metrics to the namespace of the GPU metrics, which the dashboard reads', () => {
    expect(runtime.agentConfig(fleet).metricsNamespace).toBe(INSTANCE_METRICS_NAMESPACE);
  });
});

describe('InferenceRuntime concurrency', () => {
  test('the agent runs as many jobs at once as maxConcurrentJobs says', () => {
    const stack = new Stack(new App(), 'Fleet');
    const { fleet, props } = fleetParts(stack);
    const runtime = new InferenceRuntime(stack, 'Runtime', { ...props(), maxConcurrentJobs: 4 });
    expect(runtime.agentConfig(fleet).maxConcurrentJobs).toBe(4);
  });
});

describe('InferenceRuntime with a Deep Learning Container image', () => {
  test('bind lets the fleet pull the image from the AWS registry of the region', () => {
    const stack = new Stack(new App(), 'Fleet');
    const { fleet, props } = fleetParts(stack);
    new InferenceRuntime(stack, 'Runtime', props({ ...MODEL, image: InferenceImage.fromDeepLearningContainer('pytorch-inference', '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker') })).bind(fleet);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^FleetLaunchTemplate.*Role') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
            Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':repository/pytorch-inference$')])] }),
          }),
          Match.objectLike({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
        ]),
      },
    });
  });

  test('the fleet runs the GPU tag of an image with a GPU and a CPU tag', () => {
    const stack = new Stack(new App(), 'Fleet');
    const { fleet, props } = fleetParts(stack);
    const image = InferenceImage.fromDeepLearningContainer('pytorch-inference', {
      gpu: '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker', cpu: '2.6.0-cpu-py312-ubuntu22.04-sagemaker',
    });
    const runtime = new InferenceRuntime(stack, 'Runtime', props({ ...MODEL, image }));
    runtime.bind(fleet);
    const userData = JSON.stringify(Template.fromStack(stack).findResources('AWS::EC2::LaunchTemplate'));
    expect(userData).toContain(':2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker');
    expect(userData).not.toContain('-cpu-');
    expect(runtime.agentConfig(fleet).model.containerImage).toBe('AWS Deep Learning Container pytorch-inference:2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker');
  });

  test('a CPU fleet runs the CPU tag, and its boot config says cpu', () => {
    const stack = new Stack(new App(), 'Fleet');
    const { fleet, props } = fleetParts(stack, ['c6i.large', 'c7i.large']);
    const image = InferenceImage.fromDeepLearningContainer('pytorch-inference', {
      gpu: '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker', cpu: '2.6.0-cpu-py312-ubuntu22.04-sagemaker',
    });
    const runtime = new InferenceRuntime(stack, 'Runtime', props({ ...MODEL, image }));
    runtime.bind(fleet);
    const userData = flatten(stack.resolve(fleet.userData.render()));
    expect(writtenFile(userData, '/etc/ai-inference/boot.env')).toMatch(/CONTAINER_IMAGE='.*\/pytorch-inference:2\.6\.0-cpu-py312-ubuntu22\.04-sagemaker'\nPROCESSOR='cpu'\n/);
    expect(userData).not.toContain('-gpu-');
    expect(runtime.agentConfig(fleet).model.containerImage).toBe('AWS Deep Learning Container pytorch-inference:2.6.0-cpu-py312-ubuntu22.04-sagemaker');
  });

  test.each([
    [undefined, '2.6.0-cpu-py312-ubuntu22.04-sagemaker', /model\.image \(AWS Deep Learning Container pytorch-inference:2\.6\.0-cpu-py312-ubuntu22\.04-sagemaker\) has no NVIDIA GPU \(CUDA\) build for fleet\.instanceTypes\[0\] \("g5\.xlarge"\)/],
    [['c7i.large'], '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker', /model\.image \(.*:2\.6\.0-gpu-py312-cu124-ubuntu22\.04-sagemaker\) has no CPU build for fleet\.instanceTypes\[0\] \("c7i\.large"\): give the image a cpu tag/],
  ])('binding to a fleet of %p an image with the other build only (%s) throws, naming the fleet\'s type', (instanceTypes, tag, message) => {
    const stack = new Stack(new App(), 'Fleet');
    const { fleet, props } = fleetParts(stack, instanceTypes);
    const runtime = new InferenceRuntime(stack, 'Runtime', props({ ...MODEL, image: InferenceImage.fromDeepLearningContainer('pytorch-inference', tag) }));
    expect(() => runtime.bind(fleet)).toThrow(message);
  });
});

describe('InferenceRuntime props validation', () => {
  const build = (override: Partial<InferenceRuntimeProps>, model: Partial<ArchiveModel> = {}) => () => {
    const stack = new Stack(new App(), 'Fleet');
    new InferenceRuntime(stack, 'Runtime', { ...fleetParts(stack).props({ ...MODEL, ...model }), ...override });
  };

  test.each([
    ['a model name with a slash', {}, { name: 'a/b' }, /model.name \("a\/b"\) must be 1-128 letters, digits/],
    ['a model version of ".."', {}, { version: '..' }, /model.version \(".."\) must be 1-128 letters, digits/],
    ['an image without a tag', {}, { image: InferenceImage.fromRegistry('public.ecr.aws/acme/llm-server') }, /model.image \("public.ecr.aws\/acme\/llm-server"\) must be an image reference with a tag or digest/],
    ['a GPU fraction of 0', {}, { gpuMemoryFraction: 0 }, /model.gpuMemoryFraction \(0\) must be > 0 and <= 1/],
    ['a GPU fraction above 1', {}, { gpuMemoryFraction: 1.5 }, /model.gpuMemoryFraction \(1.5\) must be > 0 and <= 1/],
    ['an invalid environment name', {}, { environment: { 'BAD-NAME': 'x' } }, /model.environment key "BAD-NAME" is not a valid variable name/],
    ['a reserved environment name', {}, { environment: { MODEL_PATH: '/x' } }, /model.environment key "MODEL_PATH" is set by the runtime/],
    ['a multi-line environment value', {}, { environment: { A: 'x\ny' } }, /model.environment.A contains a line break/],
    ['a job longer than SQS allows', { maxJobDuration: Duration.hours(13) }, {}, /maxJobDuration \(13 hours\) must be between 1 second and 12 hours/],
    ['a zero drain timeout', { drainTimeout: Duration.seconds(0) }, {}, /drainTimeout \(0 seconds\) must be between 1 second and 2 days/],
    ['a job visibility under a 1 s poll plus two call deadlines', { jobVisibilityTimeout: Duration.seconds(3) }, {},
      /jobVisibilityTimeout \(3 s\) must be at least 21 s: a message received at the end of a long poll must stay hidden through a 1 s poll, the receive's answer and its first heartbeat \(10 s each\); raise it/],
    ['a job visibility over 12 h', { jobVisibilityTimeout: Duration.hours(13) }, {}, /jobVisibilityTimeout \(13 hours\) must be between 0 seconds and 12 hours/],
    ['no job at a time', { maxConcurrentJobs: 0 }, {}, /maxConcurrentJobs \(0\) must be a whole number from 1 to 1000: the jobs one instance runs at once/],
    ['a fraction of a job at a time', { maxConcurrentJobs: 2.5 }, {}, /maxConcurrentJobs \(2.5\) must be a whole number from 1 to 1000/],
    ['more jobs at a time than SageMaker allows', { maxConcurrentJobs: 1001 }, {}, /maxConcurrentJobs \(1001\) must be a whole number from 1 to 1000/],
    ['a retry delay over 12 h', { retryDelay: Duration.hours(13) }, {}, /retryDelay \(13 hours\) must be between 0 seconds and 12 hours/],
  ])('rejects %s', (_name, override, model, message) => {
    expect(build(override, model)).toThrow(message);
  });

  test('accepts the shortest job visibility the agent can hold a message with', () => {
    expect(build({ jobVisibilityTimeout: Duration.seconds(21) })).not.toThrow();
  });
});
