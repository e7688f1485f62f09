import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

/** One message on the success or error topic: one per job outcome, a repeat flagged as such. */
export interface JobNotification {
  /** Version of this message's shape: 1. */
  readonly version: 1;
  readonly jobId: string;
  readonly status: 'succeeded' | 'failed';
  /**
   * True when an earlier attempt had already recorded this outcome (a redelivered message,
   * a crash between the write and the delete): the consumer has probably seen it already.
   */
  readonly repeat: boolean;
  /** `s3://` location of the result (succeeded) or of the error document (failed). */
  readonly location: string;
  /** Duration of the `/invocations` request that produced the result. @default - absent for a repeat or a malformed job */
  readonly durationMs?: number;
  readonly attempt: number;
  readonly model: { readonly name: string; readonly version: string };
  readonly instanceId: string;
  /** Why the job failed, one line per problem. @default - absent on success */
  readonly problems?: readonly string[];
  /** When the message was published, ISO 8601. */
  readonly notifiedAt: string;
}

/**
 * Publishes job outcomes: successes to one topic, failures to the other, with `status` and
 * `repeat` as message attributes so subscriptions can filter repeats out.
 */
export class Notifier {
  constructor(private readonly sns: SNSClient, private readonly successTopicArn: string, private readonly errorTopicArn: string) {}

  async publish(notification: JobNotification): Promise<void> {
    await this.sns.send(new PublishCommand({
      TopicArn: notification.status === 'succeeded' ? this.successTopicArn : this.errorTopicArn,
      Message: JSON.stringify(notification),
      MessageAttributes: {
        status: { DataType: 'String', StringValue: notification.status },
        repeat: { DataType: 'String', StringValue: String(notification.repeat) },
        jobId: { DataType: 'String', StringValue: notification.jobId },
      },
    }));
  }
}
