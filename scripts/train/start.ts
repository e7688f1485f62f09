import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { TrainingBuckets } from '../../lib/constructs/training/training-buckets';
import { TrainingRun } from '../../lib/runtime/training/launcher-files';
import { packDirectory } from './archive';
import { TrainContext } from './context';
import { capacityOf, checkEc2Capacity, setCapacity } from './ec2-runs';
import { checkImage } from './images';
import { hasOutput, readRun, recordRun } from './run-store';
import { startTrainingJob } from './sagemaker-runs';
import { StartRequest } from './start-options';

/** Times a node starts a failed job again (a lost peer, a crash) before it reports the run failed. */
const MAX_ATTEMPTS = 3;
const SAGEMAKER_ENTRY_SCRIPT = join(__dirname, '../../lib/runtime/training/sagemaker-entry.sh');

/** What `start` needs besides AWS. */
export interface StartIo {
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
  readonly now: () => Date;
}

/** The data prefix of the request as an s3:// URI in the dataset bucket; another bucket is an error. */
function dataUriOf(context: TrainContext, data: string | undefined): string | undefined {
  if (data === undefined) return undefined;
  const bucket = context.outputs.DatasetBucketName;
  const uri = data.startsWith('s3://') ? data : `s3://${bucket}/${data}`;
  if (!uri.startsWith(`s3://${bucket}/${TrainingBuckets.DATASET_PREFIX}`)) {
    throw new Error(`--data (${data}) is not in the dataset bucket ${bucket}: the training roles read datasets/ there only; copy the data (aws s3 sync <source> s3://${bucket}/datasets/<name>/)`);
  }
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** Packs the code directory (and, for SageMaker, the entry script) into training-code/<run>/; returns the archive's URI. */
async function uploadCode(context: TrainContext, request: StartRequest): Promise<string | undefined> {
  const bucket = context.outputs.ArtifactBucketName;
  const prefix = `${TrainingBuckets.TRAINING_CODE_PREFIX}${request.runId}/`;
  const put = (key: string, body: Buffer) => context.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${key}`, Body: body }));
  if (request.target === 'sagemaker') await put('sagemaker-entry.sh', readFileSync(SAGEMAKER_ENTRY_SCRIPT));
  if (request.code === undefined) return undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'train-code-'));
  try {
    packDirectory(request.code, join(scratch, 'sourcedir.tar.gz'));
    await put('sourcedir.tar.gz', readFileSync(join(scratch, 'sourcedir.tar.gz')));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return `s3://${bucket}/${prefix}sourcedir.tar.gz`;
}

/**
 * Starts the run: checks what can fail before anything changes (the run's name, the image, the
 * data, the capacity and the quota), uploads the code, records the run, then raises the capacity
 * (its nodes pick the run up) or creates the SageMaker training job. A run started again under
 * its name resumes from its checkpoints.
 */
export async function startRun(context: TrainContext, request: StartRequest, io: StartIo): Promise<TrainingRun> {
  const { outputs, config } = context;
  const { runId, target } = request;
  const existing = await readRun(context, runId);
  if (existing !== undefined && existing.target !== target) {
    throw new Error(`run ${runId} ran on ${existing.target}: resume it there (--on ${existing.target}) or pick another --run`);
  }
  if (existing !== undefined && await hasOutput(context, existing)) {
    throw new Error(`run ${runId} has completed (${existing.outputUri}): publish it (npm run train -- publish ${runId} --env ${config.name} --version <v>) or pick another --run`);
  }
  const defaultImage = target === 'sagemaker' ? outputs.DefaultSageMakerTrainingImage : outputs.DefaultTrainingImage;
  const image = request.image ?? defaultImage;
  await checkImage(context, image, defaultImage);
  const dataUri = dataUriOf(context, request.data);
  if (target !== 'sagemaker') await checkEc2Capacity(context, target, runId, request.nodes);

  const run: TrainingRun = {
    runId,
    target,
    image,
    command: request.command,
    codeUri: await uploadCode(context, request),
    dataUri,
    checkpointUri: `s3://${outputs.CheckpointBucketName}/${TrainingBuckets.CHECKPOINT_PREFIX}${runId}/`,
    outputUri: `s3://${outputs.ArtifactBucketName}/${TrainingBuckets.TRAINING_OUTPUT_PREFIX}${runId}/output/model.tar.gz`,
    nodes: request.nodes,
    maxRuntimeSeconds: request.maxRuntimeSeconds,
    maxAttempts: MAX_ATTEMPTS,
    ...(target === 'sagemaker' ? { sageMaker: { instanceType: request.instanceType, spot: request.spot } } : { capacity: capacityOf(context, target) }),
    startedAt: io.now().toISOString(),
  };
  await recordRun(context, run);
  if (target === 'sagemaker') {
    await startTrainingJob(context, run, request);
  } else {
    await setCapacity(context, target, request.nodes);
  }
  io.print(runId);
  io.printError(`${existing ? 'resumed' : 'started'} ${runId} on ${target === 'sagemaker' ? `SageMaker (${request.instanceType} x ${request.nodes}${request.spot ? ', managed spot' : ''})` : `the ${target} (${request.nodes} node(s))`}; `
    + `follow it with: npm run train -- logs ${runId} --env ${config.name} --follow`);
  return run;
}
