import { RunCapacity, TrainingRun } from '../../lib/runtime/training/launcher-files';
import { TrainContext } from './context';
import { allFinal, capacityState, ec2RunStatus, setCapacity } from './ec2-runs';
import { activeRunId, clearActiveRun, nodeReports, readRun, requestStop } from './run-store';
import { stopTrainingJob, trainingJobStatus } from './sagemaker-runs';

/** `status`, `stop` and the lookup of a run by name. */

/** What the status and stop commands need besides AWS. */
export interface RunIo {
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

/** The run called `runId`; an unknown name says where runs are listed. */
export async function findRun(context: TrainContext, runId: string): Promise<TrainingRun> {
  const run = await readRun(context, runId);
  if (run === undefined) {
    throw new Error(`no run ${runId} in ${context.config.name}: runs are recorded under s3://${context.outputs.ArtifactBucketName}/training-runs/; see the active ones with npm run train -- status --env ${context.config.name}`);
  }
  return run;
}

/** The state of a run as JSON; without a name, the active runs of the cluster and the fleet. Exit 1 when it failed. */
export async function status(context: TrainContext, runId: string | undefined, io: RunIo): Promise<number> {
  if (runId === undefined) {
    const active = await Promise.all((['cluster', 'spot'] as const).map(async (target) => {
      const [id, capacity] = await Promise.all([activeRunId(context, target), capacityState(context, target)]);
      return { target, run: id ?? null, capacity };
    }));
    io.print(JSON.stringify({ active }));
    return 0;
  }
  const run = await findRun(context, runId);
  const state = run.capacity === undefined ? await trainingJobStatus(context, run) : await ec2RunStatus(context, run as TrainingRun & { capacity: RunCapacity });
  io.print(JSON.stringify(state));
  return state.state === 'failed' ? 1 : 0;
}

/**
 * Stops a run. On the cluster or the fleet: asks its nodes to stop (they send the job SIGTERM,
 * wait the grace, upload the last checkpoint and report `stopped`), waits up to `timeoutSeconds`
 * for them, then releases the capacity if the run still holds it. On SageMaker: StopTrainingJob.
 */
export async function stop(context: TrainContext, runId: string, timeoutSeconds: number, io: RunIo): Promise<number> {
  const run = await findRun(context, runId);
  const resume = `resume it with npm run train -- start --on ${run.target} --run ${runId} --env ${context.config.name}`;
  if (run.capacity === undefined) {
    await stopTrainingJob(context, run);
    io.printError(`asked SageMaker to stop ${runId}; its checkpoints stay in ${run.checkpointUri}: ${resume}`);
    return 0;
  }
  const target = run.target as 'cluster' | 'spot';
  await requestStop(context, runId);
  const deadline = io.now().getTime() + timeoutSeconds * 1000;
  let reports = await nodeReports(context, runId);
  while (!allFinal(reports) && reports.length > 0 && io.now().getTime() < deadline) {
    await io.sleep(5000);
    reports = await nodeReports(context, runId);
  }
  const unfinished = reports.filter((r) => !allFinal([r])).map((r) => r.instanceId);
  if (unfinished.length > 0) io.printError(`nodes ${unfinished.join(', ')} did not report within ${timeoutSeconds} s; releasing the capacity anyway (they get SIGTERM on termination)`);
  if (await activeRunId(context, target) === runId) {
    await clearActiveRun(context, target);
    await setCapacity(context, target, 0);
    io.printError(`released the ${target}'s capacity`);
  }
  io.printError(`stopped ${runId}; its checkpoints stay in ${run.checkpointUri}: ${resume}`);
  return 0;
}
