import { join } from 'node:path';
import { BundlingOutput, DockerImage, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { INSTANCE_METRICS_NAMESPACE } from '../../gpu/gpu-metrics';
import { AGENT_CONFIG_DEFAULTS, AgentConfigFile, MAX_CONCURRENT_JOBS, visibilityTimeoutProblem } from '../../runtime/inference/agent/config';
import {
  Problem, SQS_MAX_VISIBILITY, checkDurationBetween, checkFraction, checkS3KeySegment, checkWholeDuration, throwIfProblems, withPath,
} from '../../validation';
import { grantReadAssetObjects } from '../storage/grant-read-assets';
import { AGENT_NODE_MAJOR, LocalAgentBundling } from './agent-bundling';
import { GpuFleet } from './gpu-fleet';
import { InferenceImage, checkImageRunsOn } from './inference-image';
import { JobQueue } from './job-queue';
import { JobResults } from './job-results';
import { ModelCache } from './model-cache';
import { ModelPackageReference, modelPackageReferenceProblems } from './registered-model';
import { RUNTIME_PATHS, bootEnvFile, modelEnvFile } from './runtime-files';
import { ServedModel } from './served-model';
import { SERVING_CONTRACT } from './serving-contract';

/** The serving options of a model, whichever way it is given. */
export interface InferenceModelOptions {
  /**
   * Fraction of GPU memory the server may take, passed as GPU_MEMORY_FRACTION to the fleet's container
   * and the SageMaker model; the image leaves it to the handler (see docs/model-archive.md).
   * @default 0.8
   */
  readonly gpuMemoryFraction?: number;
  /**
   * Extra environment variables of the inference container.
   * @default - only the runtime's own (MODEL_PATH, GPU_MEMORY_FRACTION)
   */
  readonly environment?: Readonly<Record<string, string>>;
}

/** A model served from an archive of the model bucket, with the image named here. */
export interface ArchiveModel extends InferenceModelOptions {
  /** Model name: the archive is `models/{name}/{version}/model.tar.gz` in the model bucket. */
  readonly name: string;
  /** Model version; the cache keeps one directory per version, and a new version rolls the fleet. */
  readonly version: string;
  /**
   * The serving image, honouring the SageMaker inference contract (`SERVING_CONTRACT`:
   * `/ping`, `/invocations` on 8080). The fleet runs the build of its processor (the NVIDIA GPU
   * (CUDA) build on GPU types, the CPU build on CPU types); a SageMaker variant runs the build of its
   * instance type's processor (a Deep Learning Container's `cpu` tag on `ml.m5`).
   */
  readonly image: InferenceImage;
  /** Not given with an archive: a model is an archive or a registered model package. */
  readonly modelPackage?: undefined;
}

/**
 * A model version of the SageMaker Model Registry: its archive and serving image are the
 * version's inference specification (`InferenceSpecification.Containers[0]`), resolved at deploy
 * (`RegisteredModel`). Its one image serves every instance type: register the build of the fleet's processor.
 */
export interface RegistryModel extends InferenceModelOptions {
  /** The model package group and the version to serve. */
  readonly modelPackage: ModelPackageReference;
  /** Not given with a registered model: the group names it. */
  readonly name?: undefined;
  /** Not given with a registered model: `modelPackage.version` chooses it. */
  readonly version?: undefined;
  /** Not given with a registered model: the version names its image. */
  readonly image?: undefined;
}

/** The model an inference service serves: an archive of the model bucket, or a registered model package version. */
export type InferenceModel = ArchiveModel | RegistryModel;

/** Whether `model` is a registered model package version. */
export function isRegistryModel(model: InferenceModel): model is RegistryModel {
  return model.modelPackage !== undefined;
}

/** The defaults of {@link InferenceModelOptions}. */
export const INFERENCE_MODEL_DEFAULTS: Defaults<InferenceModelOptions> = { gpuMemoryFraction: 0.8, environment: {} };

/** Props of {@link InferenceRuntime}. */
export interface InferenceRuntimeProps {
  /** The job queue the agent consumes. */
  readonly jobs: JobQueue;
  /** Where the agent writes each job's result or error, and the topics it notifies. */
  readonly results: JobResults;
  /**
   * Where the instances get `model`'s archive and image: `archiveServedModel(model, modelBucket)`
   * for an archive, a `RegisteredModel` for a registered model package version.
   */
  readonly served: ServedModel;
  /** The EFS model cache. */
  readonly modelCache: ModelCache;
  /** The log group of boot, agent, CloudWatch agent and container logs. */
  readonly logGroup: logs.ILogGroup;
  /** The model served: its rules and its serving options. */
  readonly model: InferenceModel;
  /** Longest one job may run; a longer one is aborted and retried. */
  readonly maxJobDuration: Duration;
  /** Jobs one instance runs at once (whole, 1 to 1000): see InferenceServiceSettings.maxConcurrentJobs. */
  readonly maxConcurrentJobs: number;
  /**
   * How long a drain may take when the notice sets no deadline (SIGTERM, scale-in, rebalance).
   * Keep the termination hook's heartbeat timeout at least this long.
   * @default - maxJobDuration plus one minute
   */
  readonly drainTimeout?: Duration;
  /**
   * Visibility the agent gives a job it holds, renewed every third of it while the job runs;
   * a job held by an instance that vanished reappears this soon (whole seconds, up to 12 h, and
   * at least a 1 s long poll plus two API call deadlines: 21 s). Below 40 s the agent shortens
   * its 20 s long poll to fit.
   * @default Duration.minutes(1)
   */
  readonly jobVisibilityTimeout?: Duration;
  /**
   * How long a failed job stays hidden before another attempt (whole seconds, up to 12 h).
   * @default Duration.seconds(30)
   */
  readonly retryDelay?: Duration;
}

/** A boot step that shows no progress (output, bytes written, health) for this long is stuck and abandoned. */
const BOOT_STALL_TIMEOUT = Duration.minutes(10);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV = ['MODEL_PATH', 'GPU_MEMORY_FRACTION'];

function checkEnvironment(environment: Readonly<Record<string, string>> | undefined): Problem[] {
  return Object.entries(environment ?? {}).map(([name, value]) => {
    if (!ENV_NAME.test(name)) return `environment key "${name}" is not a valid variable name: use letters, digits and '_'`;
    if (RESERVED_ENV.includes(name)) return `environment key "${name}" is set by the runtime: remove it (use gpuMemoryFraction for the fraction)`;
    if (/[\r\n]/.test(value)) return `environment.${name} contains a line break: docker env files take one line per variable`;
    return undefined;
  });
}

/** The rule of maxConcurrentJobs: whole, 1 to 1000 (SageMaker's range for MaxConcurrentInvocationsPerInstance). */
export function maxConcurrentJobsProblem(field: string, value: number): Problem {
  if (Token.isUnresolved(value) || (Number.isInteger(value) && value >= 1 && value <= MAX_CONCURRENT_JOBS)) return undefined;
  return `${field} (${value}) must be a whole number from 1 to ${MAX_CONCURRENT_JOBS}: the jobs one instance runs at once`;
}

/** The fields an archive gives and a registered model leaves to its model package. */
const ARCHIVE_FIELDS = ['name', 'version', 'image'] as const;

/** What the user wrote of an archive field, for messages. */
function written(model: InferenceModel, field: (typeof ARCHIVE_FIELDS)[number]): string {
  const value = model[field];
  return typeof value === 'string' ? `${field} ("${value}")` : `${field} (${value?.description})`;
}

function archiveModelProblems(model: ArchiveModel): Problem[] {
  const missing = ARCHIVE_FIELDS.filter((field) => model[field] === undefined);
  if (missing.length > 0) {
    return [`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing: give name, version and image (an archive of the model bucket), `
      + 'or modelPackage (a version of the SageMaker Model Registry)'];
  }
  return [
    checkS3KeySegment('name', model.name),
    checkS3KeySegment('version', model.version),
    model.image.problem('image'),
  ];
}

function registryModelProblems(model: RegistryModel): Problem[] {
  const given = ARCHIVE_FIELDS.filter((field) => model[field] !== undefined);
  return [
    given.length === 0 ? undefined : `modelPackage (group "${model.modelPackage.groupName}") cannot be given with ${given.map((field) => written(model, field)).join(', ')}: `
      + `a service serves an archive (name, version, image) or a registered model (modelPackage); remove ${given.join(', ')} `
      + `(in an environment override: ${given.map((field) => `${field}: undefined`).join(', ')})`,
    ...withPath('modelPackage', modelPackageReferenceProblems(model.modelPackage)),
  ];
}

/** The rules of {@link InferenceModel}, each problem naming its field (the image's build for the fleet's instance types: `fleetImageProblem`). */
export function inferenceModelProblems(model: InferenceModel): Problem[] {
  return [
    ...(isRegistryModel(model) ? registryModelProblems(model) : archiveModelProblems(model)),
    checkFraction('gpuMemoryFraction', model.gpuMemoryFraction),
    ...checkEnvironment(model.environment),
  ];
}

/**
 * The fleet runs the image's build for its processor: a problem naming `imageField` and the first of
 * the fleet's instance types (every type has the same processor), `instanceTypesField[0]`, when the
 * image has none.
 */
export function fleetImageProblem(imageField: string, image: InferenceImage, instanceTypesField: string, instanceTypes: readonly string[]): Problem {
  return instanceTypes.length === 0 ? undefined : checkImageRunsOn(imageField, image, `${instanceTypesField}[0]`, instanceTypes[0]);
}

/** The agent's config file as the runtime writes it, typed by the agent's own parser. */
export type { AgentConfigFile };

/**
 * The software of an inference instance, shipped as two S3 assets (the boot script and
 * the esbuild bundle of the queue agent) plus the config files the user data writes. Bind it
 * to a fleet (`bind(fleet)`): it appends its commands to the fleet's user data and grants the
 * fleet what the software needs (its assets, the queue, the models, the cache, the logs, the image).
 */
export class InferenceRuntime extends Construct {
  private readonly props: InferenceRuntimeProps;
  private readonly bootScript: Asset;
  private readonly agentBundle: Asset;

  constructor(scope: Construct, id: string, props: InferenceRuntimeProps) {
    super(scope, id);
    this.props = props;
    throwIfProblems(
      ...withPath('model', inferenceModelProblems(props.model)),
      checkDurationBetween('maxJobDuration', props.maxJobDuration, Duration.seconds(1), SQS_MAX_VISIBILITY),
      checkDurationBetween('drainTimeout', this.drainTimeout, Duration.seconds(1), Duration.days(2)),
      maxConcurrentJobsProblem('maxConcurrentJobs', props.maxConcurrentJobs),
      checkDurationBetween('jobVisibilityTimeout', this.jobVisibilityTimeout, Duration.seconds(0), SQS_MAX_VISIBILITY),
      checkWholeDuration('jobVisibilityTimeout', this.jobVisibilityTimeout, 'seconds'),
      this.visibilityProblem(),
      checkDurationBetween('retryDelay', this.retryDelay, Duration.seconds(0), SQS_MAX_VISIBILITY),
      checkWholeDuration('retryDelay', this.retryDelay, 'seconds'),
    );
    this.bootScript = new Asset(this, 'BootScript', { path: join(__dirname, '../../runtime/inference/boot.sh') });
    this.agentBundle = new Asset(this, 'AgentBundle', {
      path: join(__dirname, '../../runtime/inference/agent'),
      bundling: {
        local: new LocalAgentBundling(),
        // Required by the API but never used: local bundling either succeeds or throws.
        image: DockerImage.fromRegistry(`public.ecr.aws/sam/build-nodejs${AGENT_NODE_MAJOR}.x`),
        outputType: BundlingOutput.SINGLE_FILE,
      },
    });
  }

  /** The agent's rule, with its default API call deadline: a message delivered at the end of a long poll must outlast its first heartbeat. */
  private visibilityProblem(): Problem {
    const seconds = this.jobVisibilityTimeout.toSeconds({ integral: false });
    return Token.isUnresolved(seconds) ? undefined : visibilityTimeoutProblem('jobVisibilityTimeout', seconds, AGENT_CONFIG_DEFAULTS.apiTimeoutSeconds);
  }

  private get drainTimeout(): Duration {
    return this.props.drainTimeout ?? this.props.maxJobDuration.plus(Duration.minutes(1));
  }

  private get jobVisibilityTimeout(): Duration {
    return this.props.jobVisibilityTimeout ?? Duration.minutes(1);
  }

  private get retryDelay(): Duration {
    return this.props.retryDelay ?? Duration.seconds(30);
  }

  /** The agent's config for an instance of `fleet`. */
  public agentConfig(fleet: GpuFleet): AgentConfigFile {
    const { gpuMemoryFraction } = withDefaults(this.props.model, INFERENCE_MODEL_DEFAULTS);
    const { served } = this.props;
    const visibilitySeconds = this.jobVisibilityTimeout.toSeconds();
    return {
      queueUrl: this.props.jobs.queue.queueUrl,
      region: Stack.of(this).region,
      inferenceUrl: `http://127.0.0.1:${SERVING_CONTRACT.port}${SERVING_CONTRACT.invocationsPath}`,
      model: { name: served.name, version: served.version, containerImage: served.image.buildFor(fleet.processor) ?? served.image.description, gpuMemoryFraction },
      jobTimeoutSeconds: this.props.maxJobDuration.toSeconds(),
      maxConcurrentJobs: this.props.maxConcurrentJobs,
      visibilityTimeoutSeconds: visibilitySeconds,
      heartbeatIntervalSeconds: Math.max(1, Math.floor(visibilitySeconds / 3)),
      waitTimeSeconds: 20,
      retryDelaySeconds: this.retryDelay.toSeconds(),
      drainTimeoutSeconds: this.drainTimeout.toSeconds(),
      drainMarginSeconds: 15,
      imdsEndpoint: 'http://169.254.169.254',
      imdsPollIntervalSeconds: 5,
      protectionReleaseDelaySeconds: 10,
      lifecycleRetryIntervalSeconds: 10,
      terminationLifecycleHookName: fleet.terminationLifecycleHookName,
      resultsBucketName: this.props.results.bucket.bucketName,
      successTopicArn: this.props.results.successTopic.topicArn,
      errorTopicArn: this.props.results.errorTopic.topicArn,
      maxAttempts: this.props.jobs.maxReceiveCount,
      metricsNamespace: INSTANCE_METRICS_NAMESPACE,
    };
  }

  /**
   * Installs the runtime on `fleet`: user data that downloads the assets, writes the config
   * files and runs the boot script (for the fleet's processor: the image's build, the GPUs, the
   * metrics), and the grants the instances need. Throws when the image has no build for the
   * fleet's processor.
   */
  public bind(fleet: GpuFleet): void {
    const { served, modelCache, logGroup, jobs } = this.props;
    const model = withDefaults(this.props.model, INFERENCE_MODEL_DEFAULTS);
    const stack = Stack.of(this);
    throwIfProblems(fleetImageProblem('model.image', served.image, 'fleet.instanceTypes', fleet.instanceTypes));
    const image = served.image.bind(this, fleet, fleet.processor);
    const bootEnv = bootEnvFile({
      modelArchiveUrl: served.archiveUrl,
      modelName: served.name,
      modelVersion: served.version,
      containerImage: image.imageUri,
      processor: fleet.processor,
      gpuMemoryFraction: model.gpuMemoryFraction,
      serverPort: SERVING_CONTRACT.port,
      healthCheckPath: SERVING_CONTRACT.healthCheckPath,
      modelEnvFile: RUNTIME_PATHS.modelEnv,
      fileSystemId: modelCache.fileSystem.fileSystemId,
      accessPointId: modelCache.accessPoint.accessPointId,
      logGroupName: logGroup.logGroupName,
      launchLifecycleHookName: fleet.launchLifecycleHookName,
      metricsNamespace: INSTANCE_METRICS_NAMESPACE,
      bootBudgetSeconds: fleet.bootBudget.toSeconds(),
      // Five heartbeats per hook timeout: one lost call never lets a progressing boot lapse.
      heartbeatIntervalSeconds: fleet.bootHeartbeatTimeout.toSeconds() / 5,
      stallTimeoutSeconds: BOOT_STALL_TIMEOUT.toSeconds(),
      healthCheckTimeoutSeconds: BOOT_STALL_TIMEOUT.toSeconds(),
      agentBundle: RUNTIME_PATHS.agentBundle,
      agentConfig: RUNTIME_PATHS.agentConfig,
      agentStopTimeoutSeconds: this.drainTimeout.toSeconds() + 30,
    });

    const userData = fleet.userData;
    const bootScriptPath = userData.addS3DownloadCommand({
      bucket: this.bootScript.bucket, bucketKey: this.bootScript.s3ObjectKey, localFile: RUNTIME_PATHS.bootScript, region: stack.region,
    });
    userData.addS3DownloadCommand({
      bucket: this.agentBundle.bucket, bucketKey: this.agentBundle.s3ObjectKey, localFile: RUNTIME_PATHS.agentBundle, region: stack.region,
    });
    userData.addCommands(
      'mkdir -p /etc/ai-inference',
      ...writeFile(RUNTIME_PATHS.agentConfig, stack.toJsonString(this.agentConfig(fleet))),
      ...writeFile(RUNTIME_PATHS.bootEnv, bootEnv),
      ...writeFile(RUNTIME_PATHS.modelEnv, modelEnvFile(model.environment)),
    );
    userData.addExecuteFileCommand({ filePath: bootScriptPath, arguments: RUNTIME_PATHS.bootEnv });

    this.grantReadAssets(fleet);
    jobs.grantConsumeJobs(fleet);
    this.props.results.grantWriteResults(fleet);
    this.props.results.grantReadInputs(fleet);
    served.grantReadArchive(fleet);
    modelCache.grantMount(fleet);
    logGroup.grantWrite(fleet);
  }

  /** Lets `grantee` download the boot script and the agent bundle, and nothing else. */
  private grantReadAssets(grantee: iam.IGrantable): iam.Grant {
    return grantReadAssetObjects(grantee, [this.bootScript, this.agentBundle]);
  }
}

/** Shell lines that write `content` verbatim (no expansion) to `path`. */
function writeFile(path: string, content: string): string[] {
  return [`cat > '${path}' <<'AI_INFERENCE_EOF'`, content, 'AI_INFERENCE_EOF'];
}
