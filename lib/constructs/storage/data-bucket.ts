import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { WORKING_DATA_WITHOUT_OBJECT_LOCK } from '../../compliance/shared-exemptions';
import { sendBucketEventsToEventBridge } from './bucket-events-to-event-bridge';

/** Props of {@link DataBucket}: what differs between the project's data buckets. */
export interface DataBucketProps {
  /**
   * Bucket that receives this bucket's server access logs.
   * @default - no server access logging
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /**
   * Key prefix of this bucket's logs in `serverAccessLogsBucket`, ending in `/`.
   * @default - no prefix
   */
  readonly serverAccessLogsPrefix?: string;
  /**
   * Lifecycle rules: at least one, so that no storage grows unbounded (CT.S3.PR.3, CT.S3.PR.6).
   */
  readonly lifecycleRules: s3.LifecycleRule[];
  /**
   * What happens to the bucket and its data when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The bucket's name.
   * @default - a name CloudFormation generates
   */
  readonly bucketName?: string;
  /**
   * Replication rules (the bucket is versioned, as S3 Replication requires of source and destination).
   * @default - no replication
   */
  readonly replicationRules?: s3.ReplicationRule[];
  /**
   * The role S3 Replication assumes, with `replicationRules`.
   * @default - none (no replication)
   */
  readonly replicationRole?: iam.IRole;
}

/**
 * A bucket of the project's data (models, checkpoints, datasets, job results, ML artifacts):
 * versioned, no public access, TLS only, objects owned by the bucket owner, SSE-KMS with the AWS
 * managed aws/s3 key (no key to pay for, usable through S3 by every role of the account; bucket
 * keys cut the KMS requests: CT.S3.PR.10), object events sent to EventBridge (CT.S3.PR.4).
 */
export class DataBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: DataBucketProps) {
    super(scope, id, {
      bucketName: props.bucketName,
      replicationRules: props.replicationRules,
      replicationRole: props.replicationRole,
      versioned: true,
      encryption: s3.BucketEncryption.KMS_MANAGED,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsPrefix,
      lifecycleRules: props.lifecycleRules,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    sendBucketEventsToEventBridge(this);
    exemptFromControlTower(this, this, WORKING_DATA_WITHOUT_OBJECT_LOCK);
  }
}
