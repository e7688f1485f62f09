import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { NodeReport, RUN_KEYS, RunCapacity, TrainingRun, runRecordFile } from '../../lib/runtime/training/launcher-files';
import { TrainContext } from './context';

/**
 * The runs of an environment in its artifact bucket (`training-runs/`): each run's record, the
 * active run of each EC2 target (what booting nodes run), the nodes' reports and stop requests.
 */

function isNotFound(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}

async function getText(context: TrainContext, bucket: string, key: string): Promise<string | undefined> {
  try {
    const { Body } = await context.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await Body?.transformToString();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Whether `s3://bucket/key` exists. */
export async function objectExists(context: TrainContext, bucket: string, key: string): Promise<boolean> {
  try {
    await context.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** The bucket and key of an `s3://` URI. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  if (!match) throw new Error(`"${uri}" is not an s3:// URI`);
  return { bucket: match[1], key: match[2] };
}

const artifacts = (context: TrainContext) => context.outputs.ArtifactBucketName;

/** The record of `runId`, or undefined when no run has that name. */
export async function readRun(context: TrainContext, runId: string): Promise<TrainingRun | undefined> {
  const body = await getText(context, artifacts(context), RUN_KEYS.record(runId));
  return body === undefined ? undefined : JSON.parse(body) as TrainingRun;
}

/** Records `run`; an EC2 run also becomes the active run of its target, which its nodes run. */
export async function recordRun(context: TrainContext, run: TrainingRun): Promise<void> {
  const put = (key: string, body: string, contentType: string) => context.clients.s3.send(new PutObjectCommand({ Bucket: artifacts(context), Key: key, Body: body, ContentType: contentType }));
  await put(RUN_KEYS.record(run.runId), JSON.stringify(run, undefined, 2), 'application/json');
  if (run.capacity !== undefined) {
    const env = runRecordFile({ ...run, capacity: run.capacity as RunCapacity });
    await put(RUN_KEYS.recordEnv(run.runId), env, 'text/plain');
    // A run started again (to resume it) is no longer stopped.
    await context.clients.s3.send(new DeleteObjectCommand({ Bucket: artifacts(context), Key: RUN_KEYS.stop(run.runId) }));
    await put(RUN_KEYS.active(run.target), env, 'text/plain');
  }
}

/** The run id the nodes of `target` run, from the active pointer. */
export async function activeRunId(context: TrainContext, target: string): Promise<string | undefined> {
  const body = await getText(context, artifacts(context), RUN_KEYS.active(target));
  return body === undefined ? undefined : /^RUN_ID='([^']*)'$/m.exec(body)?.[1];
}

/** Clears the active run of `target`, so nodes that boot later wait for the next one. */
export async function clearActiveRun(context: TrainContext, target: string): Promise<void> {
  await context.clients.s3.send(new DeleteObjectCommand({ Bucket: artifacts(context), Key: RUN_KEYS.active(target) }));
}

/** Asks the nodes of `runId` to stop the job, flush a checkpoint and report `stopped`. */
export async function requestStop(context: TrainContext, runId: string): Promise<void> {
  await context.clients.s3.send(new PutObjectCommand({ Bucket: artifacts(context), Key: RUN_KEYS.stop(runId), Body: '' }));
}

/** Every node's latest report of `runId`. */
export async function nodeReports(context: TrainContext, runId: string): Promise<NodeReport[]> {
  const { Contents: objects = [] } = await context.clients.s3.send(new ListObjectsV2Command({ Bucket: artifacts(context), Prefix: RUN_KEYS.nodes(runId) }));
  const bodies = await Promise.all(objects.map((o) => getText(context, artifacts(context), o.Key ?? '')));
  return bodies.filter((b): b is string => b !== undefined).map((b) => JSON.parse(b) as NodeReport);
}

/** Whether the run's output (`training-output/<run>/output/model.tar.gz`) exists. */
export async function hasOutput(context: TrainContext, run: TrainingRun): Promise<boolean> {
  const { bucket, key } = parseS3Uri(run.outputUri);
  return objectExists(context, bucket, key);
}
