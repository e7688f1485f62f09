import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { JobNotification } from '../job-notification';
import { CallName, RetriedCalls } from './retried-call';

const PUBLISH: CallName = { streak: 'sns_publish', what: 'SNS Publish' };

/**
 * Publishes job outcomes: successes to one topic, failures and expiries to the other, with
 * `status`, `repeat`, `jobId` and `notificationId` also as message attributes for
 * subscription filter policies. Each publish is bounded and retried (see RetriedCalls) until
 * `stop` aborts. A notification's problems are bounded (boundedProblems), so every message
 * stays below SNS's 256 KiB limit.
 */
export class Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly successTopicArn: string,
    private readonly errorTopicArn: string,
    private readonly calls: RetriedCalls,
  ) {}

  async publish(notification: JobNotification, stop: AbortSignal): Promise<void> {
    const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
    await this.calls.run(PUBLISH, stop, (abortSignal) => this.sns.send(new PublishCommand({
      TopicArn: notification.status === 'succeeded' ? this.successTopicArn : this.errorTopicArn,
      Message: JSON.stringify(notification),
      MessageAttributes: {
        status: attribute(notification.status),
        repeat: attribute(String(notification.repeat)),
        jobId: attribute(notification.jobId),
        notificationId: attribute(notification.notificationId),
      },
    }), { abortSignal }), { jobId: notification.jobId });
  }
}
