import {
  CreateTrainingJobCommand, CreateTrainingJobRequest, DescribeTrainingJobCommand, StopTrainingJobCommand, TrainingInstanceType,
} from '@aws-sdk/client-sagemaker';
import { TrainingBuckets } from '../../lib/constructs/training/training-buckets';
import { CONTAINER_CHECKPOINT_DIR, TrainingRun } from '../../lib/runtime/training/launcher-files';
import { TrainContext } from './context';
import { StartRequest } from './start-options';

/** Where the code channel puts the entry script in the container. */
export const SAGEMAKER_ENTRY = '/opt/ml/input/data/code/sagemaker-entry.sh';
/** Storage of each training instance: room for the image, the data channel and checkpoints. */
const VOLUME_SIZE_GIB = 100;

/**
 * The CreateTrainingJob request of `run` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html):
 * the training contract through the entry script (`lib/runtime/training/sagemaker-entry.sh`,
 * ContainerEntrypoint), the code under training-code/<run>/ as the `code` channel, the data as
 * the `training` channel, the output under training-output/ (SageMaker writes
 * <S3OutputPath>/<job>/output/model.tar.gz, the EC2 runs' layout), checkpoints synced with
 * checkpoints/<run>/, and, unless --on-demand, managed spot training, whose
 * MaxWaitTimeInSeconds must be at least MaxRuntimeInSeconds
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/model-managed-spot-training.html); SageMaker
 * restores the checkpoints after an interruption (https://docs.aws.amazon.com/sagemaker/latest/dg/model-checkpoints.html).
 */
export function trainingJobRequest(context: TrainContext, run: TrainingRun, request: StartRequest): CreateTrainingJobRequest {
  const { outputs, config } = context;
  const channel = (name: string, uri: string) => ({
    ChannelName: name,
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: uri, S3DataDistributionType: 'FullyReplicated' as const } },
  });
  return {
    TrainingJobName: run.runId,
    RoleArn: outputs.ExecutionRoleArn,
    AlgorithmSpecification: { TrainingImage: run.image, TrainingInputMode: 'File', ContainerEntrypoint: ['bash', SAGEMAKER_ENTRY] },
    Environment: { TRAINING_COMMAND: run.command, RUN_ID: run.runId },
    InputDataConfig: [
      channel('code', `s3://${outputs.ArtifactBucketName}/${TrainingBuckets.TRAINING_CODE_PREFIX}${run.runId}/`),
      ...(run.dataUri ? [channel('training', run.dataUri)] : []),
    ],
    OutputDataConfig: { S3OutputPath: `s3://${outputs.ArtifactBucketName}/${TrainingBuckets.TRAINING_OUTPUT_PREFIX}` },
    // A type SageMaker does not know is its ValidationException, in its own words.
    ResourceConfig: { InstanceType: request.instanceType as TrainingInstanceType, InstanceCount: run.nodes, VolumeSizeInGB: VOLUME_SIZE_GIB },
    StoppingCondition: {
      MaxRuntimeInSeconds: run.maxRuntimeSeconds,
      ...(request.spot ? { MaxWaitTimeInSeconds: 2 * run.maxRuntimeSeconds } : {}),
    },
    EnableManagedSpotTraining: request.spot,
    CheckpointConfig: { S3Uri: run.checkpointUri, LocalPath: CONTAINER_CHECKPOINT_DIR },
    Tags: [
      { Key: 'environment', Value: config.name },
      { Key: 'team', Value: config.tags.team },
      { Key: 'cost_center', Value: config.tags.costCenter },
      { Key: 'project', Value: config.tags.project },
    ],
  };
}

/** Creates the training job of `run`; SageMaker's quota error names the quota to raise. */
export async function startTrainingJob(context: TrainContext, run: TrainingRun, request: StartRequest): Promise<void> {
  try {
    await context.clients.sageMaker.send(new CreateTrainingJobCommand(trainingJobRequest(context, run, request)));
  } catch (error) {
    if ((error as Error).name === 'ResourceLimitExceeded') {
      throw new Error(`${(error as Error).message}: request an increase of that quota in Service Quotas (service SageMaker, ${context.region}), or start with another --instance-type or fewer --nodes`, { cause: error });
    }
    throw error;
  }
}

/** The SageMaker job of a run as the status command prints it. */
export async function trainingJobStatus(context: TrainContext, run: TrainingRun): Promise<{ state: string; [key: string]: unknown }> {
  const job = await context.clients.sageMaker.send(new DescribeTrainingJobCommand({ TrainingJobName: run.runId }));
  const state = ({ InProgress: 'running', Completed: 'completed', Failed: 'failed', Stopping: 'stopping', Stopped: 'stopped' } as Record<string, string>)[job.TrainingJobStatus ?? ''] ?? 'starting';
  return {
    run: run.runId,
    target: 'sagemaker',
    state,
    nodes: run.nodes,
    secondaryStatus: job.SecondaryStatus,
    ...(job.FailureReason ? { failureReason: job.FailureReason } : {}),
    instanceType: job.ResourceConfig?.InstanceType,
    spot: job.EnableManagedSpotTraining ?? false,
    billableSeconds: job.BillableTimeInSeconds,
    output: job.ModelArtifacts?.S3ModelArtifacts ?? run.outputUri,
    checkpoints: run.checkpointUri,
  };
}

/** Stops the run's job: SageMaker sends SIGTERM and keeps the checkpoints and the output so far. */
export async function stopTrainingJob(context: TrainContext, run: TrainingRun): Promise<void> {
  await context.clients.sageMaker.send(new StopTrainingJobCommand({ TrainingJobName: run.runId }));
}
