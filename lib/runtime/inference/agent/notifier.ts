import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CallName, RetriedCalls } from './retried-call';

const PUBLISH: CallName = { streak: 'sns_publish', what: 'SNS Publish' };

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
 * `repeat` as message attributes so subscriptions can filter repeats out. Each publish is
 * bounded and retried (see RetriedCalls) until `stop` aborts.
 */
export class Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly successTopicArn: string,
    private readonly errorTopicArn: string,
    private readonly calls: RetriedCalls,
  ) {}

  async publish(notification: JobNotification, stop: AbortSignal): Promise<void> {
    await this.calls.run(PUBLISH, stop, (abortSignal) => this.sns.send(new PublishCommand({
      TopicArn: notification.status === 'succeeded' ? this.successTopicArn : this.errorTopicArn,
      Message: JSON.stringify(notification),
      MessageAttributes: {
        status: { DataType: 'String', StringValue: notification.status },
        repeat: { DataType: 'String', StringValue: String(notification.repeat) },
        jobId: { DataType: 'String', StringValue: notification.jobId },
      },
    }), { abortSignal }), { jobId: notification.jobId });
  }
}
