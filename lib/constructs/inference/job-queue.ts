import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Defaults, withDefaults } from '../../defaults';
import { Problem, SQS_MAX_VISIBILITY, checkDurationBetween, checkWholeDuration, checkWholeNumberAtLeast, throwIfProblems } from '../../validation';

/** Props of {@link JobQueue}. */
export interface JobQueueProps {
  /** Longest a single job may run; becomes the visibility timeout (whole seconds, at most 12 h, SQS's limit). */
  readonly maxJobDuration: Duration;
  /**
   * Receives after which a job moves to the dead-letter queue.
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /**
   * How long an unprocessed job stays in the queue.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
  /**
   * What happens to both queues (and the jobs in them) when they leave the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The defaults of {@link JobQueueProps}. */
export const JOB_QUEUE_DEFAULTS: Defaults<JobQueueProps> = {
  maxReceiveCount: 3,
  retentionPeriod: Duration.days(4),
  removalPolicy: RemovalPolicy.RETAIN,
};

/** The rules of {@link JobQueueProps}, each problem naming its field. */
export function jobQueueProblems(props: Pick<JobQueueProps, 'maxJobDuration' | 'maxReceiveCount'>): Problem[] {
  return [
    checkDurationBetween('maxJobDuration', props.maxJobDuration, Duration.seconds(1), SQS_MAX_VISIBILITY),
    checkWholeDuration('maxJobDuration', props.maxJobDuration, 'seconds'),
    checkWholeNumberAtLeast('maxReceiveCount', props.maxReceiveCount, 1),
  ];
}

/**
 * The inference job queue and its dead-letter queue: SQS-managed encryption, TLS-only access,
 * a visibility timeout of the longest job so a job in progress is never handed out twice, and
 * failed jobs kept 14 days in the dead-letter queue instead of being dropped.
 */
export class JobQueue extends Construct {
  /** The job queue the fleet consumes. */
  public readonly queue: sqs.IQueue;
  /** Jobs received `maxReceiveCount` times without being deleted. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** Receives after which a job moves to the dead-letter queue: the agent's last attempt. */
  public readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: JobQueueProps) {
    super(scope, id);
    throwIfProblems(...jobQueueProblems(props));
    const { maxReceiveCount, retentionPeriod, removalPolicy } = withDefaults(props, JOB_QUEUE_DEFAULTS);
    this.maxReceiveCount = maxReceiveCount;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // Declares it a dead-letter queue; byQueue would need the job queue's ARN, a cycle (CT.SQS.PR.1).
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.maxJobDuration,
      retentionPeriod,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
      removalPolicy,
    });
  }

  /** Lets `grantee` send jobs (producers). */
  public grantSubmitJobs(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantSendMessages(grantee);
  }

  /** Lets `grantee` take, extend and finish jobs: exactly what a fleet worker needs, no more. */
  public grantConsumeJobs(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grant(
      grantee,
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
    );
  }
}
