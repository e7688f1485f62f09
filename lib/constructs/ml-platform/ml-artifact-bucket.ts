import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

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
 * runs under `pipelines/`. Versioned, no public access, TLS only, SSE-S3, retained by default.
 */
export class MlArtifactBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: MlArtifactBucketProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? 'ml-artifacts/' : undefined,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
