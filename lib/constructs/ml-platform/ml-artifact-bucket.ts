import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DataBucket } from '../storage/data-bucket';

/** Props of {@link MlArtifactBucket}. */
export interface MlArtifactBucketProps {
  /**
   * What happens to the bucket and its artifacts when it leaves the app.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Bucket that receives the server access logs, under `ml-artifacts/`.
   * @default - no server access logging
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * The ML platform's artifact store: MLflow runs and models under `mlflow/`, Kubeflow Pipelines
 * runs under `pipelines/`. Versioned, no public access, TLS only, SSE-KMS with the aws/s3 key,
 * incomplete uploads aborted after 7 days, object events sent to EventBridge, retained by default.
 */
export class MlArtifactBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: MlArtifactBucketProps = {}) {
    super(scope, id);
    this.bucket = new DataBucket(this, 'Bucket', {
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? 'ml-artifacts/' : undefined,
      // Large model uploads that never complete are billed until aborted.
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: props.removalPolicy,
    });
  }
}
