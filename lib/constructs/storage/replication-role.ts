import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcards, resourceFinding } from '../training/nag-findings';

/** A bucket of another Region objects are replicated to, named in advance. */
export interface ReplicaBucket {
  /** The destination bucket's name. */
  readonly bucketName: string;
  /** The destination bucket's Region. */
  readonly region: string;
}

/** Props of {@link ReplicationRole}. */
export interface ReplicationRoleProps {
  /** Where the objects go. */
  readonly destination: ReplicaBucket;
  /** The key prefix replicated, e.g. `models/`. */
  readonly prefix: string;
}

/**
 * The role S3 Replication assumes to copy one key prefix of an SSE-KMS bucket (the aws/s3 key,
 * S3 Bucket Keys on) to a bucket of another Region, with the permissions of AWS's example policy
 * for encrypted objects (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html):
 * read the source's replication configuration and list it; read the prefix's object versions
 * (`s3:GetObjectVersionForReplication`, the one action that covers SSE-KMS objects), ACLs and tags;
 * replicate objects, deletes and tags under the prefix of the destination; `kms:Decrypt` through S3
 * in the source Region and `kms:Encrypt` through S3 in the destination Region, each limited by the
 * encryption context to its bucket's ARN (with S3 Bucket Keys the context is the bucket ARN, not
 * the object's). The source bucket is attached after it exists: it needs the role first.
 */
export class ReplicationRole extends Construct {
  /** The role, for the bucket's `replicationRole`. */
  public readonly role: iam.Role;
  private readonly props: ReplicationRoleProps;

  constructor(scope: Construct, id: string, props: ReplicationRoleProps) {
    super(scope, id);
    this.props = props;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
      description: `S3 Replication of ${props.prefix} to ${props.destination.bucketName} in ${props.destination.region}`,
    });
  }

  /** The destination bucket's ARN (`arn:<partition>:s3:::<name>`: bucket ARNs name no Region or account). */
  public destinationArn(): string {
    return Stack.of(this).formatArn({ service: 's3', region: '', account: '', resource: this.props.destination.bucketName });
  }

  /** Lets the role replicate `source`'s prefix to the destination. */
  public allowReplicationFrom(source: s3.IBucket): void {
    const stack = Stack.of(this);
    const { prefix, destination } = this.props;
    const destinationArn = this.destinationArn();
    const sourceObjects = source.arnForObjects(`${prefix}*`);
    const destinationObjects = `${destinationArn}/${prefix}*`;
    const keysIn = (region: string) => stack.formatArn({ service: 'kms', region, resource: 'key', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const statements = [
      new iam.PolicyStatement({ actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'], resources: [source.bucketArn] }),
      new iam.PolicyStatement({ actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'], resources: [sourceObjects] }),
      new iam.PolicyStatement({ actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'], resources: [destinationObjects] }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [keysIn(stack.region)],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.${stack.urlSuffix}` }, StringLike: { 'kms:EncryptionContext:aws:s3:arn': [source.bucketArn] } },
      }),
      new iam.PolicyStatement({
        actions: ['kms:Encrypt'],
        resources: [keysIn(destination.region)],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${destination.region}.${stack.urlSuffix}` }, StringLike: { 'kms:EncryptionContext:aws:s3:arn': [destinationArn] } },
      }),
    ];
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
    acknowledgeWildcards(
      this.role,
      [resourceFinding(this.role, sourceObjects), resourceFinding(this.role, destinationObjects)],
      `S3 Replication copies every object version under ${prefix}; the role reads and writes that prefix of the two buckets only.`,
    );
    acknowledgeWildcards(
      this.role,
      [resourceFinding(this.role, keysIn(stack.region)), resourceFinding(this.role, keysIn(destination.region))],
      'The buckets use the AWS managed aws/s3 key, whose id is not known at synth; kms:ViaService and the encryption context limit each grant to S3 on its one bucket.',
    );
  }
}
