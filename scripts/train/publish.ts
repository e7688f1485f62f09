import { cpSync, createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { STACK_IDS } from '../../lib/stacks/stack-names';
import { TrainingRun } from '../../lib/runtime/training/launcher-files';
import { filesIn, packDirectory, unpackArchive } from './archive';
import { TrainContext, environmentOutputs } from './context';
import { RunIo, findRun } from './run-commands';
import { objectExists, parseS3Uri } from './run-store';
import { servingLayoutProblem } from './serving-layout';

/** What `publish` publishes. */
export interface PublishRequest {
  readonly runId: string;
  /** The inference service that serves the model (a key of the environment's `inference`). */
  readonly service: string;
  /** The model's name: `models/<name>/<version>/`. */
  readonly model: string;
  readonly version: string;
  /** A directory holding inference.py (and requirements.txt), added as code/ to the archive. */
  readonly inferenceCode?: string;
}

/** The run's model archive: a finished EC2 run's output, or a completed SageMaker job's ModelArtifacts. */
async function outputOf(context: TrainContext, run: TrainingRun): Promise<string> {
  if (run.capacity === undefined) {
    const job = await context.clients.sageMaker.send(new DescribeTrainingJobCommand({ TrainingJobName: run.runId }));
    if (job.TrainingJobStatus !== 'Completed' || !job.ModelArtifacts?.S3ModelArtifacts) {
      throw new Error(`run ${run.runId} has no model yet: its SageMaker job is ${job.TrainingJobStatus}${job.FailureReason ? ` (${job.FailureReason})` : ''}`);
    }
    return job.ModelArtifacts.S3ModelArtifacts;
  }
  const { bucket, key } = parseS3Uri(run.outputUri);
  if (!(await objectExists(context, bucket, key))) {
    throw new Error(`run ${run.runId} has no model yet (${run.outputUri}): see npm run train -- status ${run.runId} --env ${context.config.name}`);
  }
  return run.outputUri;
}

/**
 * Publishes a run's model to serving: downloads its model.tar.gz, adds the inference handler
 * under code/ (--inference-code), checks the serving layout, and uploads it to
 * `models/<name>/<version>/model.tar.gz` in the environment's model bucket with
 * `If-None-Match: *`, so a published version is never replaced (S3 answers 412 when the key
 * exists: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html), with
 * `source.json` beside it recording the run. Prints the archive's URI, then the config line and
 * the deploy that roll the fleet and the endpoint to it. One PUT: archives up to 5 GB.
 */
export async function publish(context: TrainContext, request: PublishRequest, io: RunIo): Promise<number> {
  const { config, clients } = context;
  const run = await findRun(context, request.runId);
  const source = await outputOf(context, run);
  const { ModelBucketName: modelBucket } = await environmentOutputs(clients, config.name, STACK_IDS.inference, ['ModelBucketName']);
  const prefix = `models/${request.model}/${request.version}/`;
  if (await objectExists(context, modelBucket, `${prefix}model.tar.gz`)) {
    throw new Error(`s3://${modelBucket}/${prefix}model.tar.gz exists: a published version is never replaced; pick another --version`);
  }

  const scratch = mkdtempSync(join(tmpdir(), 'train-publish-'));
  try {
    const { bucket, key } = parseS3Uri(source);
    const { Body } = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(Body as Readable, createWriteStream(join(scratch, 'output.tar.gz')));
    const model = join(scratch, 'model');
    mkdirSync(model);
    unpackArchive(join(scratch, 'output.tar.gz'), model);
    if (request.inferenceCode !== undefined) cpSync(request.inferenceCode, join(model, 'code'), { recursive: true });
    const problem = servingLayoutProblem(filesIn(model));
    if (problem !== undefined) throw new Error(`the model of ${run.runId} cannot be served: ${problem}`);
    const archive = join(scratch, 'model.tar.gz');
    packDirectory(model, archive);
    const body = createReadStream(archive);
    await once(body, 'ready');
    try {
      await clients.s3.send(new PutObjectCommand({
        Bucket: modelBucket, Key: `${prefix}model.tar.gz`, Body: body, ContentLength: statSync(archive).size, IfNoneMatch: '*',
      }));
    } catch (error) {
      if ((error as Error).name === 'PreconditionFailed') throw new Error(`s3://${modelBucket}/${prefix}model.tar.gz was published meanwhile: pick another --version`, { cause: error });
      throw error;
    } finally {
      // A request that failed before reading the file would leave its descriptor open.
      body.destroy();
    }
    await clients.s3.send(new PutObjectCommand({
      Bucket: modelBucket, Key: `${prefix}source.json`, ContentType: 'application/json',
      Body: JSON.stringify({ run: run.runId, target: run.target, trainingOutput: source, image: run.image, publishedAt: io.now().toISOString() }, undefined, 2),
    }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  io.print(`s3://${modelBucket}/${prefix}model.tar.gz`);
  const model = config.inference[request.service].model;
  if (model.modelPackage !== undefined) {
    io.printError(`published ${run.runId} as ${request.model} ${request.version}. Service ${request.service} serves model package group ${model.modelPackage.groupName}: `
      + `register s3://${modelBucket}/${prefix}model.tar.gz as its next version with the serving image, approve it, then deploy (docs/registered-models.md)`);
    return 0;
  }
  const modelLine = model.name === request.model ? `version: '${request.version}'` : `name: '${request.model}', version: '${request.version}'`;
  io.printError(`published ${run.runId} as ${request.model} ${request.version}. To serve it, set in lib/config/${config.name}.ts:`);
  io.printError(`  ${config.modelPublished ? '' : 'modelPublished: true, '}inference: { ${request.service}: { model: { ${modelLine} } } },`);
  io.printError(`then deploy, which rolls the fleet (instance refresh) and the SageMaker endpoint to it: npx cdk deploy -c env=${config.name} '${config.name}/*'`);
  return 0;
}
