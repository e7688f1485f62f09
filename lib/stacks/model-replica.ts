import { Aws } from 'aws-cdk-lib';
import { ReplicaBucket } from '../constructs/storage/replication-role';

/** Characters of an AWS account id. */
const ACCOUNT_ID_LENGTH = 12;
/** S3 bucket names are 3 to 63 characters (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export const MAX_BUCKET_NAME_LENGTH = 63;

/**
 * The name of an environment's model bucket in its standby Region, `<env>-models-<account>-<region>`:
 * known to both Regions' stacks, so the primary's replication rule names it without a reference
 * across Regions (CloudFormation exports and stack outputs do not cross Regions; CDK's
 * `crossRegionReferences` would put a Lambda-backed custom resource and SSM parameters into both
 * stacks, https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.StackProps.html#crossregionreferences).
 * Bucket names are global, hence the account and the Region in it. The bucket holds a copy, so it
 * goes with its stack and its fixed name never outlives it (see `retainedName`).
 */
export function modelReplicaBucketName(environment: string, region: string): string {
  return `${environment}-models-${Aws.ACCOUNT_ID}-${region}`;
}

/** Characters of modelReplicaBucketName(environment, region) once the account id is in it. */
export function modelReplicaBucketNameLength(environment: string, region: string): number {
  return `${environment}-models--${region}`.length + ACCOUNT_ID_LENGTH;
}

/** The standby Region's model bucket, as the primary's replication rule names it. */
export function modelReplicaOf(environment: string, region: string): ReplicaBucket {
  return { bucketName: modelReplicaBucketName(environment, region), region };
}
