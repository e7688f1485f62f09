import { FilterLogEventsCommand, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { RunCapacity, TrainingRun } from '../../lib/runtime/training/launcher-files';
import { TrainContext } from './context';
import { ec2RunStatus } from './ec2-runs';
import { RunIo, findRun } from './run-commands';
import { trainingJobStatus } from './sagemaker-runs';

/** SageMaker writes a training job's logs to this group, one stream per instance named `<job>/algo-<n>-<time>`. */
const SAGEMAKER_TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';
const FOLLOW_INTERVAL_MS = 5000;
const ENDED = ['completed', 'failed', 'stopped', 'interrupted'];

async function events(context: TrainContext, logGroupName: string, prefix: string, startTime: number): Promise<FilteredLogEvent[]> {
  const found: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await context.clients.logs.send(new FilterLogEventsCommand({ logGroupName, logStreamNamePrefix: prefix, startTime, nextToken }));
    found.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return found.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
}

async function ended(context: TrainContext, run: TrainingRun): Promise<boolean> {
  const state = run.capacity === undefined ? await trainingJobStatus(context, run) : await ec2RunStatus(context, run as TrainingRun & { capacity: RunCapacity });
  return ENDED.includes(state.state);
}

/**
 * Prints the run's log events, `<stream> <message>` a line: on the cluster and the fleet the
 * jobs' output (`<run>/<instance>/job`) and the launchers' states (`<run>/<instance>/launcher`),
 * on SageMaker the job's streams. With `follow`, polls until the run has ended.
 */
export async function logs(context: TrainContext, runId: string, options: { follow: boolean; node?: string }, io: RunIo): Promise<number> {
  const run = await findRun(context, runId);
  const logGroup = run.capacity === undefined ? SAGEMAKER_TRAINING_LOG_GROUP : context.outputs.TrainingLogGroupName;
  const prefix = options.node === undefined ? `${runId}/` : `${runId}/${options.node}/`;
  const seen = new Set<string>();
  let startTime = Date.parse(run.startedAt);
  for (;;) {
    const finished = options.follow && await ended(context, run);
    for (const event of await events(context, logGroup, prefix, startTime)) {
      if (seen.has(event.eventId ?? '')) continue;
      seen.add(event.eventId ?? '');
      io.print(`${event.logStreamName} ${event.message?.trimEnd() ?? ''}`);
      startTime = Math.max(startTime, event.timestamp ?? startTime);
    }
    if (!options.follow || finished) return 0;
    await io.sleep(FOLLOW_INTERVAL_MS);
  }
}
