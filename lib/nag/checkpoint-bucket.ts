import { Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The tag that marks an S3 bucket as holding training checkpoints, for the
 * `CheckpointBucketNoncurrentExpiry` rule: `bucket_role = checkpoints`. A tag (not construct
 * metadata) so it reaches the L1 bucket from an L2 and stays visible in the console.
 */
export const CHECKPOINT_BUCKET_TAG = { key: 'bucket_role', value: 'checkpoints' } as const;

/** Marks `bucket` (an L2 or L1 S3 bucket) as a checkpoint bucket by its tag. */
export function markAsCheckpointBucket(bucket: IConstruct): void {
  Tags.of(bucket).add(CHECKPOINT_BUCKET_TAG.key, CHECKPOINT_BUCKET_TAG.value);
}
