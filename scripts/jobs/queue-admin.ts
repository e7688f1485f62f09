import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, QueueAttributeName, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { JobsContext } from './context';

/** Queue depths of one environment. */
export interface JobStats {
  /** Jobs waiting. */
  readonly queued: number;
  /** Jobs received and not yet deleted. */
  readonly inFlight: number;
  /** Age of the oldest job in seconds, from CloudWatch (the last 5 minutes); undefined without data. */
  readonly oldestAgeSeconds: number | undefined;
  /** Jobs in the dead-letter queue. */
  readonly deadLetters: number;
}

async function attributes(context: JobsContext, queueUrl: string, names: QueueAttributeName[]): Promise<Record<string, string>> {
  const { Attributes: values = {} } = await context.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names }));
  return values;
}

/** Depth, jobs in flight, oldest age and dead letters. */
export async function jobStats(context: JobsContext, cloudWatch: CloudWatchClient, now: Date = new Date()): Promise<JobStats> {
  const [queue, deadLetters] = await Promise.all([
    attributes(context, context.queueUrl, ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible']),
    attributes(context, context.deadLetterQueueUrl, ['ApproximateNumberOfMessages']),
  ]);
  const queueName = context.queueUrl.split('/').pop() ?? '';
  const { MetricDataResults: results = [] } = await cloudWatch.send(new GetMetricDataCommand({
    StartTime: new Date(now.getTime() - 5 * 60_000),
    EndTime: now,
    MetricDataQueries: [{
      Id: 'oldest',
      MetricStat: { Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: queueName }] }, Period: 60, Stat: 'Maximum' },
    }],
  }));
  return {
    queued: Number(queue.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(queue.ApproximateNumberOfMessagesNotVisible ?? 0),
    oldestAgeSeconds: results[0]?.Values?.[0],
    deadLetters: Number(deadLetters.ApproximateNumberOfMessages ?? 0),
  };
}

/** How many jobs a redrive would move. */
export async function deadLetterCount(context: JobsContext): Promise<number> {
  return Number((await attributes(context, context.deadLetterQueueUrl, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages ?? 0);
}

/** Moves the dead-letter queue's jobs back to the job queue with SQS's message-move task; returns the task handle. */
export async function startRedrive(context: JobsContext, maxPerSecond?: number): Promise<string> {
  const [source, destination] = await Promise.all([
    attributes(context, context.deadLetterQueueUrl, ['QueueArn']),
    attributes(context, context.queueUrl, ['QueueArn']),
  ]);
  const task = await context.clients.sqs.send(new StartMessageMoveTaskCommand({
    SourceArn: source.QueueArn,
    DestinationArn: destination.QueueArn,
    MaxNumberOfMessagesPerSecond: maxPerSecond,
  }));
  return task.TaskHandle ?? '';
}
