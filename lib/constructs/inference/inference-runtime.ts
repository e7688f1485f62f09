import { join } from 'node:path';
import { BundlingOutput, DockerImage, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  Problem, SQS_MAX_VISIBILITY_SECONDS, checkFraction, checkInRange, checkNotEmpty, checkPositive, checkWholeNumberAtLeast, throwIfProblems,
} from '../../validation';
import { LocalAgentBundling } from './agent-bundling';
import { RUNTIME_PATHS, bootEnvFile, modelEnvFile } from './runtime-files';

/** The model an inference instance serves. */
export interface InferenceModel {
  /** Model name: the archive is `models/{name}/{version}/model.tar.gz` in the model bucket. */
  readonly name: string;
  /** Model version; the cache keeps one directory per version. */
  readonly version: string;
  /** Image of the inference server; it listens on 8080 and answers `/health`. */
  readonly containerImage: string;
  /**
   * Fraction of GPU memory the server may take, passed as GPU_MEMORY_FRACTION.
   * @default 0.8
   */
  readonly gpuMemoryFraction?: number;
  /**
   * Extra environment variables of the inference container.
   * @default - only MODEL_PATH and GPU_MEMORY_FRACTION
   */
  readonly environment?: Record<string, string>;
}

/** Where the agent writes each job's outcome and whom it tells: a {@link JobResults} fits. */
export interface JobOutcomeTargets {
  /** Bucket of `results/`, `errors/` and uploaded `inputs/`. */
  readonly bucket: s3.IBucket;
  /** Told of each job that succeeded. */
  readonly successTopic: sns.ITopic;
  /** Told of each job that failed for good or was malformed. */
  readonly errorTopic: sns.ITopic;
}

/** Props of {@link InferenceRuntime}. */
export interface InferenceRuntimeProps {
  /** The job queue the agent consumes. */
  readonly queue: sqs.IQueue;
  /** Where the agent writes results and errors, and the topics it notifies. */
  readonly results: JobOutcomeTargets;
  /**
   * The job queue's maxReceiveCount: a job failing on this attempt gets `errors/<jobId>.json`
   * and an error notification before the queue dead-letters it.
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /** The bucket holding `models/{name}/{version}/model.tar.gz`. */
  readonly modelBucket: s3.IBucket;
  /** The EFS model cache. */
  readonly fileSystem: efs.IFileSystem;
  /** The access point the instances mount the cache through. */
  readonly accessPoint: efs.IAccessPoint;
  /** The `/ai/inference` log group: boot, agent, CloudWatch agent and container logs. */
  readonly logGroup: logs.ILogGroup;
  /** The model served. */
  readonly model: InferenceModel;
  /** Name of the group's launch lifecycle hook, CONTINUEd once `/health` answers. */
  readonly launchLifecycleHookName: string;
  /** Name of the group's termination lifecycle hook, completed once the instance has drained. */
  readonly terminationLifecycleHookName: string;
  /** Longest one job may run; a longer one is aborted and retried. */
  readonly maxJobDuration: Duration;
  /**
   * How long boot waits for `/health` to answer 200 after starting the container.
   * @default Duration.minutes(15)
   */
  readonly healthCheckTimeout?: Duration;
  /**
   * How long a drain may take when the notice sets no deadline (SIGTERM, scale-in, rebalance).
   * Keep the termination hook's heartbeat timeout at least this long.
   * @default - maxJobDuration plus one minute
   */
  readonly drainTimeout?: Duration;
  /**
   * Path of the inference server the agent POSTs each job's body to.
   * @default '/invocations'
   */
  readonly invocationPath?: string;
  /**
   * Visibility the agent gives a job it holds, renewed every third of it while the job runs;
   * a job held by an instance that vanished reappears this soon (whole seconds, 3 s to 12 h).
   * @default Duration.minutes(1)
   */
  readonly jobVisibilityTimeout?: Duration;
  /**
   * How long a failed job stays hidden before another attempt.
   * @default Duration.seconds(30)
   */
  readonly retryDelay?: Duration;
  /**
   * User data to append the runtime's commands to, e.g. one the fleet's launch template
   * already holds (launch templates render their user data at synthesis).
   * @default - a new Linux user data
   */
  readonly userData?: ec2.UserData;
}

const SEGMENT = /^(?!\.{1,2}$)[A-Za-z0-9._-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV = ['MODEL_PATH', 'GPU_MEMORY_FRACTION'];

function checkSegment(field: string, value: string): Problem {
  if (Token.isUnresolved(value) || SEGMENT.test(value)) return undefined;
  return `${field} ("${value}") must be letters, digits, '.', '_' or '-': it names an S3 prefix and a cache directory`;
}

function checkEnvironment(environment: Readonly<Record<string, string>>): Problem[] {
  return Object.entries(environment).map(([name, value]) => {
    if (!ENV_NAME.test(name)) return `model.environment key "${name}" is not a valid variable name: use letters, digits and '_'`;
    if (RESERVED_ENV.includes(name)) return `model.environment key "${name}" is set by the runtime: remove it (use gpuMemoryFraction for the fraction)`;
    if (/[\r\n]/.test(value)) return `model.environment.${name} contains a line break: docker env files take one line per variable`;
    return undefined;
  });
}

/**
 * The software of a GPU inference instance, shipped as two S3 assets (the boot script and
 * the esbuild bundle of the queue agent) and the user data that downloads them, writes their
 * config files and runs the boot script. Give the fleet's launch template `userData` and the
 * instance role `grantRead`.
 */
export class InferenceRuntime extends Construct {
  /** User data that boots an instance into the fleet. */
  readonly userData: ec2.UserData;
  private readonly bootScript: Asset;
  private readonly agentBundle: Asset;

  constructor(scope: Construct, id: string, props: InferenceRuntimeProps) {
    super(scope, id);
    const gpuMemoryFraction = props.model.gpuMemoryFraction ?? 0.8;
    const maxJobSeconds = props.maxJobDuration.toSeconds();
    const visibilitySeconds = (props.jobVisibilityTimeout ?? Duration.minutes(1)).toSeconds();
    const healthSeconds = (props.healthCheckTimeout ?? Duration.minutes(15)).toSeconds();
    const drainSeconds = (props.drainTimeout ?? props.maxJobDuration.plus(Duration.minutes(1))).toSeconds();
    const retrySeconds = (props.retryDelay ?? Duration.seconds(30)).toSeconds();
    const invocationPath = props.invocationPath ?? '/invocations';
    const maxReceiveCount = props.maxReceiveCount ?? 3;
    throwIfProblems(
      checkSegment('model.name', props.model.name),
      checkSegment('model.version', props.model.version),
      checkNotEmpty('model.containerImage', props.model.containerImage),
      checkFraction('model.gpuMemoryFraction', gpuMemoryFraction),
      ...checkEnvironment(props.model.environment ?? {}),
      checkNotEmpty('launchLifecycleHookName', props.launchLifecycleHookName),
      checkNotEmpty('terminationLifecycleHookName', props.terminationLifecycleHookName),
      checkInRange('maxJobDuration (seconds)', maxJobSeconds, 1, SQS_MAX_VISIBILITY_SECONDS),
      checkPositive('healthCheckTimeout (seconds)', healthSeconds),
      checkPositive('drainTimeout (seconds)', drainSeconds),
      checkInRange('jobVisibilityTimeout (seconds)', visibilitySeconds, 3, SQS_MAX_VISIBILITY_SECONDS),
      checkInRange('retryDelay (seconds)', retrySeconds, 0, SQS_MAX_VISIBILITY_SECONDS),
      checkWholeNumberAtLeast('maxReceiveCount', maxReceiveCount, 1),
      invocationPath.startsWith('/') ? undefined : `invocationPath ("${invocationPath}") must start with "/"`,
    );

    this.bootScript = new Asset(this, 'BootScript', { path: join(__dirname, '../../runtime/inference/boot.sh') });
    this.agentBundle = new Asset(this, 'AgentBundle', {
      path: join(__dirname, '../../runtime/inference/agent'),
      bundling: {
        local: new LocalAgentBundling(),
        // Required by the API but never used: local bundling either succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs20.x'),
        outputType: BundlingOutput.SINGLE_FILE,
      },
    });

    const stack = Stack.of(this);
    const agentConfig = {
      queueUrl: props.queue.queueUrl,
      region: stack.region,
      inferenceUrl: `http://127.0.0.1:8080${invocationPath}`,
      model: { name: props.model.name, version: props.model.version, containerImage: props.model.containerImage, gpuMemoryFraction },
      jobTimeoutSeconds: maxJobSeconds,
      visibilityTimeoutSeconds: visibilitySeconds,
      heartbeatIntervalSeconds: Math.max(1, Math.floor(visibilitySeconds / 3)),
      waitTimeSeconds: 20,
      retryDelaySeconds: retrySeconds,
      drainTimeoutSeconds: drainSeconds,
      drainMarginSeconds: 15,
      imdsEndpoint: 'http://169.254.169.254',
      imdsPollIntervalSeconds: 5,
      protectionReleaseDelaySeconds: 10,
      lifecycleRetryIntervalSeconds: 10,
      terminationLifecycleHookName: props.terminationLifecycleHookName,
      resultsBucketName: props.results.bucket.bucketName,
      successTopicArn: props.results.successTopic.topicArn,
      errorTopicArn: props.results.errorTopic.topicArn,
      maxAttempts: maxReceiveCount,
    };
    const bootEnv = bootEnvFile({
      modelBucketName: props.modelBucket.bucketName,
      modelName: props.model.name,
      modelVersion: props.model.version,
      containerImage: props.model.containerImage,
      gpuMemoryFraction,
      modelEnvFile: RUNTIME_PATHS.modelEnv,
      fileSystemId: props.fileSystem.fileSystemId,
      accessPointId: props.accessPoint.accessPointId,
      logGroupName: props.logGroup.logGroupName,
      launchLifecycleHookName: props.launchLifecycleHookName,
      healthCheckTimeoutSeconds: healthSeconds,
      agentBundle: RUNTIME_PATHS.agentBundle,
      agentConfig: RUNTIME_PATHS.agentConfig,
      agentStopTimeoutSeconds: drainSeconds + 30,
    });

    this.userData = props.userData ?? ec2.UserData.forLinux();
    const bootScriptPath = this.userData.addS3DownloadCommand({
      bucket: this.bootScript.bucket, bucketKey: this.bootScript.s3ObjectKey, localFile: RUNTIME_PATHS.bootScript, region: stack.region,
    });
    this.userData.addS3DownloadCommand({
      bucket: this.agentBundle.bucket, bucketKey: this.agentBundle.s3ObjectKey, localFile: RUNTIME_PATHS.agentBundle, region: stack.region,
    });
    this.userData.addCommands(
      'mkdir -p /etc/ai-inference',
      ...writeFile(RUNTIME_PATHS.agentConfig, stack.toJsonString(agentConfig)),
      ...writeFile(RUNTIME_PATHS.bootEnv, bootEnv),
      ...writeFile(RUNTIME_PATHS.modelEnv, modelEnvFile(props.model.environment ?? {})),
    );
    this.userData.addExecuteFileCommand({ filePath: bootScriptPath, arguments: RUNTIME_PATHS.bootEnv });
  }

  /** Lets `grantee` (the instance role) download the boot script and the agent bundle, and nothing else. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    const assets = [this.bootScript, this.agentBundle];
    for (const asset of assets) asset.bucket.encryptionKey?.grantDecrypt(grantee);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: assets.map((asset) => asset.bucket.arnForObjects(asset.s3ObjectKey)),
    });
  }
}

/** Shell lines that write `content` verbatim (no expansion) to `path`. */
function writeFile(path: string, content: string): string[] {
  return [`cat > '${path}' <<'AI_INFERENCE_EOF'`, content, 'AI_INFERENCE_EOF'];
}
