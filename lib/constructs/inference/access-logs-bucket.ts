import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { ACCESS_LOG_DESTINATION } from '../../compliance/shared-exemptions';
import { checkWholeNumberAtLeast, throwIfProblems } from '../../validation';
import { sendBucketEventsToEventBridge } from '../storage/bucket-events-to-event-bridge';

/** Props of {@link AccessLogsBucket}. */
export interface AccessLogsBucketProps {
  /** Days a log object is kept. */
  readonly expirationDays: number;
  /**
   * What happens to the bucket when it leaves the app. A retained bucket keeps its logs.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The destination of the ALB access logs and the model bucket's server access logs:
 * SSE-S3 (the only encryption ALB log delivery supports), TLS only, no public access, versioned,
 * objects expired after `expirationDays`, object events sent to EventBridge.
 */
export class AccessLogsBucket extends Construct {
  /** The log bucket. */
  public readonly bucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: AccessLogsBucketProps) {
    super(scope, id);
    throwIfProblems(checkWholeNumberAtLeast('expirationDays', props.expirationDays, 1));
    // Accept server access logs through the bucket policy, as AWS recommends, not an ACL, whatever the app's flags.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioned, so a log cannot be overwritten; replaced and expired versions go a day later (CT.S3.PR.11).
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(props.expirationDays), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // Object events reach EventBridge, where a rule can watch the logs arrive (CT.S3.PR.4).
    sendBucketEventsToEventBridge(bucket);
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket is the access log destination; logging its own access would write a log for every log write.',
    });
    for (const exemption of ACCESS_LOG_DESTINATION) exemptFromControlTower(this, bucket, exemption);
    this.bucket = bucket;
  }
}
