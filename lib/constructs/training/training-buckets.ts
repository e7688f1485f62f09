import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { exemptFromControlTower } from '../../compliance/control-tower-exemption';
import { ACCESS_LOG_DESTINATION } from '../../compliance/shared-exemptions';
import { markAsCheckpointBucket } from '../../nag/checkpoint-bucket';
import { checkWholeNumberAtLeast, throwIfProblems } from '../../validation';
import { sendBucketEventsToEventBridge } from '../storage/bucket-events-to-event-bridge';
import { DataBucket } from '../storage/data-bucket';

/** Props of {@link TrainingBuckets}. */
export interface TrainingBucketsProps {
  /** What happens to the buckets when they leave the app: RETAIN in prod. */
  readonly removalPolicy: RemovalPolicy;
  /** Days a replaced or deleted checkpoint version is kept before it expires. */
  readonly checkpointNoncurrentVersionDays: number;
  /**
   * Days server access logs (and VPC flow logs written to the log bucket) are kept.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
  /**
   * Days after which an incomplete multipart upload is aborted in every bucket.
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
}

/**
 * The training stack's S3 buckets: checkpoints (`checkpoints/{run}/`), datasets (`datasets/`),
 * artifacts (training code under `training-code/{run}/`, run records under `training-runs/`,
 * training output under `training-output/{run}/output/model.tar.gz`, SageMaker's own layout),
 * and the bucket their server access logs go to. The grants below are the whole of what training
 * code may touch. All versioned, SSL only, public access
 * blocked, object events sent to EventBridge, never emptied by CloudFormation (no
 * autoDeleteObjects); the data buckets are SSE-KMS with the aws/s3 key, the log bucket SSE-S3.
 */
export class TrainingBuckets extends Construct {
  /** Key prefix of checkpoints: `checkpoints/{run}/`. */
  public static readonly CHECKPOINT_PREFIX = 'checkpoints/';
  /** Key prefix of training data in the dataset bucket. */
  public static readonly DATASET_PREFIX = 'datasets/';
  /** Key prefix of SageMaker model data in the artifact bucket. */
  public static readonly MODEL_PREFIX = 'models/';
  /** Key prefix training runs write their output to in the artifact bucket: `training-output/{run}/output/model.tar.gz`. */
  public static readonly TRAINING_OUTPUT_PREFIX = 'training-output/';
  /** Key prefix of the code of each run in the artifact bucket: `training-code/{run}/sourcedir.tar.gz`. */
  public static readonly TRAINING_CODE_PREFIX = 'training-code/';
  /** Key prefix of run records in the artifact bucket: `training-runs/{run}/run.json`, nodes' reports under `nodes/`. */
  public static readonly TRAINING_RUNS_PREFIX = 'training-runs/';

  /** Checkpoints of running and interrupted training jobs. */
  public readonly checkpointBucket: s3.Bucket;
  /** Training data. */
  public readonly datasetBucket: s3.Bucket;
  /** Model artifacts and training output. */
  public readonly artifactBucket: s3.Bucket;
  /** Destination of the other buckets' server access logs (and of VPC flow logs). */
  public readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: TrainingBucketsProps) {
    super(scope, id);
    // Access logs are delivered under a bucket policy, never an ACL (the buckets enforce
    // bucket-owner object ownership), whatever the app's feature flags say.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const accessLogRetentionDays = props.accessLogRetentionDays ?? 90;
    const abortDays = props.abortIncompleteMultipartUploadDays ?? 7;
    throwIfProblems(
      checkWholeNumberAtLeast('checkpointNoncurrentVersionDays', props.checkpointNoncurrentVersionDays, 1),
      checkWholeNumberAtLeast('accessLogRetentionDays', accessLogRetentionDays, 1),
      checkWholeNumberAtLeast('abortIncompleteMultipartUploadDays', abortDays, 1),
    );
    const abortIncompleteMultipartUploadAfter = Duration.days(abortDays);
    const common: s3.BucketProps = {
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
    };

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      lifecycleRules: [
        {
          id: 'expire-logs',
          expiration: Duration.days(accessLogRetentionDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter,
        },
      ],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log destination of the training buckets; logging it into itself would loop and logging it elsewhere only moves the problem.',
    });
    for (const exemption of ACCESS_LOG_DESTINATION) exemptFromControlTower(this, this.accessLogsBucket, exemption);

    const logged = (prefix: string) => ({
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: `${prefix}/`,
      removalPolicy: props.removalPolicy,
    });

    this.checkpointBucket = new DataBucket(this, 'Checkpoints', {
      ...logged('checkpoints'),
      lifecycleRules: [
        {
          id: 'expire-replaced-checkpoints',
          noncurrentVersionExpiration: Duration.days(props.checkpointNoncurrentVersionDays),
          abortIncompleteMultipartUploadAfter,
        },
      ],
    });
    // The GpuCost pack checks that checkpoint buckets expire replaced versions.
    markAsCheckpointBucket(this.checkpointBucket);
    this.datasetBucket = new DataBucket(this, 'Datasets', {
      ...logged('datasets'),
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter }],
    });
    this.artifactBucket = new DataBucket(this, 'Artifacts', {
      ...logged('artifacts'),
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter }],
    });
    // Object events reach EventBridge, like the data buckets' (CT.S3.PR.4).
    sendBucketEventsToEventBridge(this.accessLogsBucket);
  }

  /** Lets `grantee` read, write and clean up checkpoints under `checkpoints/`. */
  public grantReadWriteCheckpoints(grantee: iam.IGrantable): iam.Grant {
    return this.checkpointBucket.grantReadWrite(grantee, `${TrainingBuckets.CHECKPOINT_PREFIX}*`);
  }

  /** Lets `grantee` read training data under `datasets/`. */
  public grantReadDatasets(grantee: iam.IGrantable): iam.Grant {
    return this.datasetBucket.grantRead(grantee, `${TrainingBuckets.DATASET_PREFIX}*`);
  }

  /** Lets `grantee` read the runs' code under `training-code/`. */
  public grantReadTrainingCode(grantee: iam.IGrantable): iam.Grant {
    return this.artifactBucket.grantRead(grantee, `${TrainingBuckets.TRAINING_CODE_PREFIX}*`);
  }

  /** Lets a training node read run records under `training-runs/` and write its own reports under `training-runs/{run}/nodes/`. */
  public grantRunNode(grantee: iam.IGrantable): iam.Grant {
    this.artifactBucket.grantRead(grantee, `${TrainingBuckets.TRAINING_RUNS_PREFIX}*`);
    return this.artifactBucket.grantPut(grantee, `${TrainingBuckets.TRAINING_RUNS_PREFIX}*/nodes/*`);
  }

  /** Lets `grantee` write training output under `training-output/`. */
  public grantWriteTrainingOutput(grantee: iam.IGrantable): iam.Grant {
    return this.artifactBucket.grantPut(grantee, `${TrainingBuckets.TRAINING_OUTPUT_PREFIX}*`);
  }
}
