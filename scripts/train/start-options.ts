import { existsSync, statSync } from 'node:fs';
import { EnvironmentConfig } from '../../lib/config';
import { DEFAULT_TRAINING_INSTANCE_TYPE } from '../../lib/constructs/training/training-cluster';
import { RunTarget } from '../../lib/runtime/training/launcher-files';
import { UsageError } from './usage';

/**
 * The run `start` runs: everything checked that can be checked before any AWS call. Every
 * default of a run is stated here.
 */
export interface StartRequest {
  readonly target: RunTarget;
  readonly runId: string;
  readonly nodes: number;
  /** A local directory to pack and upload to training-code/<run>/. */
  readonly code?: string;
  /** A key prefix under datasets/ of the dataset bucket, or that prefix's s3:// URI. */
  readonly data?: string;
  readonly command: string;
  readonly image?: string;
  readonly maxRuntimeSeconds: number;
  /** SageMaker only. */
  readonly instanceType: string;
  /** SageMaker only: managed spot training. */
  readonly spot: boolean;
}

/**
 * torchrun over every GPU of every node, with the c10d rendezvous on the first node
 * (https://docs.pytorch.org/docs/stable/elastic/run.html), `exec`'d so SIGTERM reaches it.
 */
export const DEFAULT_COMMAND = 'exec torchrun --nnodes="$NNODES" --nproc-per-node="$NPROC_PER_NODE" --rdzv-id="$RUN_ID" --rdzv-backend=c10d --rdzv-endpoint="$RDZV_ENDPOINT" train.py';
/** SageMaker's own default MaxRuntimeInSeconds (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StoppingCondition.html). */
export const DEFAULT_MAX_RUNTIME_SECONDS = 86_400;
/** The longest runtime SageMaker accepts: 28 days. */
const MAX_RUNTIME_SECONDS = 2_419_200;
/**
 * SageMaker training's ml.g5.12xlarge: the ml.p3.8xlarge class (4 GPUs) on A10G GPUs, at
 * about half its price (https://aws.amazon.com/sagemaker/pricing/), and the cluster's own type.
 */
export const DEFAULT_SAGEMAKER_INSTANCE_TYPE = `ml.${DEFAULT_TRAINING_INSTANCE_TYPE}`;
/** A SageMaker TrainingJobName (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html); also an S3 prefix and a container name. */
const RUN_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** CreateTrainingJob takes Environment values of at most 512 characters. */
const SAGEMAKER_ENVIRONMENT_VALUE_MAX = 512;

/** The values `start` parsed; strings as typed. */
export interface StartValues {
  readonly on?: string;
  readonly nodes?: string;
  readonly code?: string;
  readonly data?: string;
  readonly command?: string;
  readonly image?: string;
  readonly run?: string;
  readonly 'max-runtime'?: string;
  readonly 'instance-type'?: string;
  readonly 'on-demand'?: boolean;
}

function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} (${value}) must be a whole number from ${min} to ${max}`);
  return n;
}

function defaultRunName(environment: string, now: Date): string {
  return `${environment}-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
}

/** The request of `values`, or a UsageError naming the option, the value and the fix. */
export function startRequestOf(values: StartValues, config: EnvironmentConfig, now: Date): StartRequest {
  const target = (values.on ?? 'spot') as RunTarget;
  if (!['cluster', 'spot', 'sagemaker'].includes(target)) throw new UsageError(`--on (${values.on}) must be cluster, spot or sagemaker`);
  const maxNodes = target === 'cluster' ? config.training.cluster.maxNodes : config.guardrails.maxGpuInstancesPerFleet;
  const nodes = wholeNumber('--nodes', values.nodes, 1, 1, target === 'sagemaker' ? 100 : maxNodes);
  const runId = values.run ?? defaultRunName(config.name, now);
  if (!RUN_NAME.test(runId)) throw new UsageError(`--run ("${runId}") must be 1-63 letters, digits and hyphens, starting and ending with a letter or digit`);
  if (target !== 'sagemaker' && (values['instance-type'] !== undefined || values['on-demand'])) {
    throw new UsageError(`--instance-type and --on-demand are for --on sagemaker: the ${target} has its instance types in lib/config`);
  }
  const instanceType = values['instance-type'] ?? DEFAULT_SAGEMAKER_INSTANCE_TYPE;
  if (!instanceType.startsWith('ml.')) throw new UsageError(`--instance-type ("${instanceType}") must be a SageMaker type starting with "ml.", e.g. ml.g5.12xlarge`);
  const command = values.command ?? DEFAULT_COMMAND;
  if (command.trim() === '') throw new UsageError('--command is empty: give the command that trains, e.g. "exec python train.py"');
  if (target === 'sagemaker' && command.length > SAGEMAKER_ENVIRONMENT_VALUE_MAX) {
    throw new UsageError(`--command is ${command.length} characters: a SageMaker job takes at most ${SAGEMAKER_ENVIRONMENT_VALUE_MAX}; put it in a script in --code`);
  }
  if (values.code !== undefined && !(existsSync(values.code) && statSync(values.code).isDirectory())) {
    throw new UsageError(`--code (${values.code}) is not a directory: give the directory of the training code`);
  }
  if (values.data !== undefined && !/^(s3:\/\/[^/]+\/)?datasets\/./.test(values.data)) {
    throw new UsageError(`--data (${values.data}) must be a prefix under datasets/ of the dataset bucket, e.g. datasets/sentiment/`);
  }
  return {
    target,
    runId,
    nodes,
    code: values.code,
    data: values.data,
    command,
    image: values.image,
    maxRuntimeSeconds: wholeNumber('--max-runtime', values['max-runtime'], DEFAULT_MAX_RUNTIME_SECONDS, 60, MAX_RUNTIME_SECONDS),
    instanceType,
    spot: !values['on-demand'],
  };
}
