import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { sendBucketEventsToEventBridge } from '../storage/bucket-events-to-event-bridge';
import { resourceFinding } from '../training/nag-findings';

/** Prefix under which every model lives. */
export const MODELS_PREFIX = 'models/';

/** Props of {@link ModelBucket}. */
export interface ModelBucketProps {
  /**
   * What happens to the bucket and its models when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Bucket that receives the server access logs, under `model-bucket/`.
   * @default - no server access logging
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/** The key of one model version's archive: `models/{name}/{version}/model.tar.gz`. */
export function modelArchiveKey(model: { readonly name: string; readonly version: string }): string {
  return `${MODELS_PREFIX}${model.name}/${model.version}/model.tar.gz`;
}

/**
 * The versioned bucket holding the models (`models/{name}/{version}/model.tar.gz`): no public
 * access, TLS only, SSE-KMS with the aws/s3 key, incomplete uploads aborted after 7 days, object
 * events sent to EventBridge, retained by default so a deploy never deletes a model.
 */
export class ModelBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: ModelBucketProps) {
    super(scope, id);
    const bucket = new s3.Bucket(this, 'Bucket', {
      versioned: true,
      // SSE-KMS with the AWS managed aws/s3 key: no key to pay for, bucket keys cut the KMS requests (CT.S3.PR.10).
      encryption: s3.BucketEncryption.KMS_MANAGED,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? 'model-bucket/' : undefined,
      // Multi-GB model uploads that never complete are billed until aborted (CT.S3.PR.3, CT.S3.PR.6).
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // Object events reach EventBridge, where a rule can react to a new model (CT.S3.PR.4).
    sendBucketEventsToEventBridge(bucket);
    this.bucket = bucket;
  }

  /** Lets `grantee` download models: s3:GetObject on `models/*`, nothing else. */
  public grantReadModels(grantee: iam.IGrantable): iam.Grant {
    const arn = this.bucket.arnForObjects(`${MODELS_PREFIX}*`);
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [arn] });
    const principal = grantee.grantPrincipal as Partial<IConstruct>;
    if (principal.node) {
      Validations.of(principal as IConstruct).acknowledge({
        id: `AwsSolutions-IAM5[${resourceFinding(principal as IConstruct, arn)}]`,
        reason: 'Instances download models by name and version (models/{name}/{version}/model.tar.gz); s3:GetObject is limited to the models/ prefix.',
      });
    }
    return grant;
  }
}
