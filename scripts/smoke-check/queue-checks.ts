import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Outcome, fail, pass } from './check-result';

/** The job queue exists (GetQueueAttributes fails for a missing queue). */
export async function checkQueueExists(sqs: SQSClient, queueUrl: string): Promise<Outcome> {
  const { Attributes: attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return pass(`exists (${attributes?.QueueArn ?? queueUrl})`);
}

/** The dead-letter queue exists and is empty: a message there is a job that failed for good. */
export async function checkDeadLetterQueueEmpty(sqs: SQSClient, queueUrl: string): Promise<Outcome> {
  const { Attributes: attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  const messages = Number(attributes?.ApproximateNumberOfMessages ?? 'NaN');
  if (messages === 0) {
    return pass('exists and is empty');
  }
  return Number.isNaN(messages)
    ? fail(`${queueUrl} did not report ApproximateNumberOfMessages`)
    : fail(`${messages} failed jobs in ${queueUrl}: inspect them, fix the cause, then redrive or purge`);
}
