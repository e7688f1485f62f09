import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { Problem, throwIfProblems } from '../../validation';
import { DataBucket } from '../storage/data-bucket';
import { ReplicaBucket, ReplicationRole } from '../storage/replication-role';
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
  /**
   * A name given in advance, for the replica another Region's replication rule names (the
   * standby Region's model bucket). Only where the bucket goes with its stack
   * (RemovalPolicy.DESTROY): a retained bucket would keep the name, and the next creation of the
   * stack would fail with AlreadyExists (see `retainedName`).
   * @default - a name CloudFormation generates
   */
  readonly bucketName?: string;
  /**
   * Replicate `models/` to this bucket of another Region with S3 Replication (the standby
   * Region's model bucket, which must exist first and be versioned): every model version
   * uploaded from then on is copied there, encrypted with that Region's aws/s3 key.
   * @default - no replication
   */
  readonly replicateModelsTo?: ReplicaBucket;
}

/** The rules of {@link ModelBucketProps}, each problem naming its field. */
export function modelBucketProblems(props: ModelBucketProps): Problem[] {
  const { bucketName, removalPolicy = RemovalPolicy.RETAIN } = props;
  return [
    bucketName === undefined || removalPolicy === RemovalPolicy.DESTROY ? undefined
      : `bucketName ("${Token.isUnresolved(bucketName) ? '<token>' : bucketName}") needs removalPolicy DESTROY (got ${removalPolicy}): a retained bucket keeps its name and the next deploy of the stack would fail with AlreadyExists; leave the name to CloudFormation`,
  ];
}

/** The key of one model version's archive: `models/{name}/{version}/model.tar.gz`. */
export function modelArchiveKey(model: { readonly name: string; readonly version: string }): string {
  return `${MODELS_PREFIX}${model.name}/${model.version}/model.tar.gz`;
}

/**
 * The versioned bucket holding the models (`models/{name}/{version}/model.tar.gz`): no public
 * access, TLS only, SSE-KMS with the aws/s3 key, incomplete uploads aborted after 7 days, object
 * events sent to EventBridge, retained by default so a deploy never deletes a model; optionally
 * replicating `models/` to another Region.
 */
export class ModelBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.IBucket;
  /** The role S3 Replication assumes, where `replicateModelsTo` is set. */
  public readonly replicationRole?: ReplicationRole;

  constructor(scope: Construct, id: string, props: ModelBucketProps) {
    super(scope, id);
    throwIfProblems(...modelBucketProblems(props));
    const replica = props.replicateModelsTo;
    this.replicationRole = replica && new ReplicationRole(this, 'Replication', { destination: replica, prefix: MODELS_PREFIX });
    const bucket = new DataBucket(this, 'Bucket', {
      bucketName: props.bucketName,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket ? 'model-bucket/' : undefined,
      // Multi-GB model uploads that never complete are billed until aborted.
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: props.removalPolicy,
      replicationRole: this.replicationRole?.role,
      replicationRules: replica && this.replicationRole ? [this.replicationRule(replica, this.replicationRole)] : undefined,
    });
    this.replicationRole?.allowReplicationFrom(bucket);
    this.bucket = bucket;
  }

  /**
   * The rule that copies `models/` (S3 Replication: https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html):
   * SSE-KMS objects opted in and their replicas encrypted with the destination Region's aws/s3
   * key (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html;
   * ReplicaKmsKeyID takes a key or alias ARN: https://docs.aws.amazon.com/AmazonS3/latest/API/API_EncryptionConfiguration.html),
   * delete markers not replicated (a model deleted here stays in the standby Region). Live
   * replication copies objects written after the rule exists only; models already in the bucket
   * need S3 Batch Replication once (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html,
   * docs/multi-region.md).
   */
  private replicationRule(replica: ReplicaBucket, role: ReplicationRole): s3.ReplicationRule {
    const replicaKey = Stack.of(this).formatArn({ service: 'kms', region: replica.region, resource: 'alias', resourceName: 'aws/s3', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    return {
      id: `models-to-${replica.region}`,
      destination: s3.Bucket.fromBucketAttributes(this, 'Replica', { bucketArn: role.destinationArn(), bucketName: replica.bucketName, region: replica.region }),
      filter: { prefix: MODELS_PREFIX },
      sseKmsEncryptedObjects: true,
      kmsKey: kms.Key.fromKeyArn(this, 'ReplicaKey', replicaKey),
      deleteMarkerReplication: false,
    };
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
