import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { DataBucket } from '../storage/data-bucket';
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
    this.bucket = new DataBucket(this, 'Bucket', {
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? 'model-bucket/' : undefined,
      // Multi-GB model uploads that never complete are billed until aborted.
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: props.removalPolicy,
    });
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
