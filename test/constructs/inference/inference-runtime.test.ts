import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { InferenceRuntime, InferenceRuntimeProps } from '../../../lib';

/** A stack with everything the runtime needs from the fleet. */
function fleetParts(stack: Stack): Omit<InferenceRuntimeProps, 'model'> {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
  const fileSystem = new efs.FileSystem(stack, 'ModelCache', { vpc });
  return {
    queue: new sqs.Queue(stack, 'Jobs'),
    modelBucket: new s3.Bucket(stack, 'Models'),
    fileSystem,
    accessPoint: fileSystem.addAccessPoint('Models', { path: '/models' }),
    logGroup: new logs.LogGroup(stack, 'Logs', { logGroupName: '/ai/inference' }),
    launchLifecycleHookName: 'launch-hook',
    terminationLifecycleHookName: 'termination-hook',
    maxJobDuration: Duration.minutes(15),
  };
}

const MODEL = { name: 'llm', version: '7', containerImage: 'public.ecr.aws/acme/llm-server:1.2' };

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
  const parts = fleetParts(stack);
  const runtime = new InferenceRuntime(stack, 'Runtime', {
    ...parts,
    model: { ...MODEL, environment: { MAX_BATCH_SIZE: '8' } },
  });
  const role = new iam.Role(stack, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  runtime.grantRead(role);
  const template = Template.fromStack(stack);
  const userData = flatten(stack.resolve(runtime.userData.render()));
  const bootScript = runtime.node.findChild('BootScript') as Asset;
  const agentBundle = runtime.node.findChild('AgentBundle') as Asset;
  const queueRef = JSON.stringify(stack.resolve(parts.queue.queueUrl));

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
    expect(bundle).not.toMatch(/require\("sqs-consumer"\)/);
  });

  test('writes the agent config with the queue URL, the model and the termination hook', () => {
    const config = writtenFile(userData, '/etc/ai-inference/agent.json');
    expect(config).toContain(`"queueUrl":"${queueRef}"`);
    expect(config).toContain('"model":{"name":"llm","version":"7","containerImage":"public.ecr.aws/acme/llm-server:1.2","gpuMemoryFraction":0.8}');
    expect(config).toContain('"terminationLifecycleHookName":"termination-hook"');
    expect(config).toContain('"jobTimeoutSeconds":900');
  });

  test('the agent config carries the documented defaults', () => {
    const config = writtenFile(userData, '/etc/ai-inference/agent.json');
    expect(config).toContain('"inferenceUrl":"http://127.0.0.1:8080/invocations"');
    expect(config).toContain('"visibilityTimeoutSeconds":60,"heartbeatIntervalSeconds":20');
    expect(config).toContain('"retryDelaySeconds":30,"drainTimeoutSeconds":960');
    expect(writtenFile(userData, '/etc/ai-inference/boot.env')).toContain("HEALTH_TIMEOUT_SECONDS='900'");
  });

  test('writes the boot config with the model, the image, the GPU fraction and the launch hook', () => {
    const bootEnv = writtenFile(userData, '/etc/ai-inference/boot.env');
    expect(bootEnv).toContain("MODEL_NAME='llm'\nMODEL_VERSION='7'\nCONTAINER_IMAGE='public.ecr.aws/acme/llm-server:1.2'\nGPU_MEMORY_FRACTION='0.8'");
    expect(bootEnv).toContain("LAUNCH_HOOK_NAME='launch-hook'");
    expect(bootEnv).toContain(`MODEL_BUCKET='${JSON.stringify(stack.resolve(parts.modelBucket.bucketName))}'`);
    expect(bootEnv).toContain(`ACCESS_POINT_ID='${JSON.stringify(stack.resolve(parts.accessPoint.accessPointId))}'`);
  });

  test('writes the container environment', () => {
    expect(writtenFile(userData, '/etc/ai-inference/model.env')).toBe('MAX_BATCH_SIZE=8');
  });

  test('grantRead allows s3:GetObject on the two asset objects only', () => {
    const objectArn = (asset: Asset) => stack.resolve(asset.bucket.arnForObjects(asset.s3ObjectKey));
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^InstanceRole') }],
      PolicyDocument: {
        Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: [objectArn(bootScript), objectArn(agentBundle)] }],
      },
    });
  });
});

describe('InferenceRuntime props validation', () => {
  const build = (override: Partial<InferenceRuntimeProps>, model: Partial<InferenceRuntimeProps['model']> = {}) => () => {
    const stack = new Stack(new App(), 'Fleet');
    new InferenceRuntime(stack, 'Runtime', { ...fleetParts(stack), model: { ...MODEL, ...model }, ...override });
  };

  test.each([
    ['a model name with a slash', {}, { name: 'a/b' }, /model.name \("a\/b"\) must be letters, digits/],
    ['a model version of ".."', {}, { version: '..' }, /model.version \(".."\) must be letters, digits/],
    ['an empty container image', {}, { containerImage: ' ' }, /model.containerImage is empty/],
    ['a GPU fraction of 0', {}, { gpuMemoryFraction: 0 }, /model.gpuMemoryFraction \(0\) must be > 0 and <= 1/],
    ['a GPU fraction above 1', {}, { gpuMemoryFraction: 1.5 }, /model.gpuMemoryFraction \(1.5\) must be > 0 and <= 1/],
    ['an invalid environment name', {}, { environment: { 'BAD-NAME': 'x' } }, /model.environment key "BAD-NAME" is not a valid variable name/],
    ['a reserved environment name', {}, { environment: { MODEL_PATH: '/x' } }, /model.environment key "MODEL_PATH" is set by the runtime/],
    ['a multi-line environment value', {}, { environment: { A: 'x\ny' } }, /model.environment.A contains a line break/],
    ['an empty launch hook name', { launchLifecycleHookName: '' }, {}, /launchLifecycleHookName is empty/],
    ['an empty termination hook name', { terminationLifecycleHookName: '' }, {}, /terminationLifecycleHookName is empty/],
    ['a job longer than SQS allows', { maxJobDuration: Duration.hours(13) }, {}, /maxJobDuration \(seconds\) \(46800\) must be between 1 and 43200/],
    ['a zero health check timeout', { healthCheckTimeout: Duration.seconds(0) }, {}, /healthCheckTimeout \(seconds\) \(0\) must be > 0/],
    ['a zero drain timeout', { drainTimeout: Duration.seconds(0) }, {}, /drainTimeout \(seconds\) \(0\) must be > 0/],
    ['a job visibility under 3 s', { jobVisibilityTimeout: Duration.seconds(2) }, {}, /jobVisibilityTimeout \(seconds\) \(2\) must be between 3 and 43200/],
    ['a retry delay over 12 h', { retryDelay: Duration.hours(13) }, {}, /retryDelay \(seconds\) \(46800\) must be between 0 and 43200/],
    ['an invocation path without a slash', { invocationPath: 'infer' }, {}, /invocationPath \("infer"\) must start with "\/"/],
  ])('rejects %s', (_name, override, model, message) => {
    expect(build(override, model)).toThrow(message);
  });
});
