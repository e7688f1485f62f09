import { Duration, Tags } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance } from 'cdk-nag';
import { CHECKPOINT_BUCKET_TAG, markAsCheckpointBucket } from '../../../lib/nag/checkpoint-bucket';
import { GpuCostChecks } from '../../../lib/nag/gpu-cost-checks';
import { CheckpointBucketNoncurrentExpiry } from '../../../lib/nag/rules/checkpoint-bucket-noncurrent-expiry';
import { findingsOf, ruleFindingsAt } from '../../helpers/nag';
import { bareStack, FIXTURE_LIMITS, synthWithPack } from '../../helpers/nag-rule';

const marker = [{ key: CHECKPOINT_BUCKET_TAG.key, value: CHECKPOINT_BUCKET_TAG.value }];

describe('CheckpointBucketNoncurrentExpiry, as a function', () => {
  test('an L1 checkpoint bucket expiring noncurrent versions is compliant', () => {
    const { stack } = bareStack();
    const bucket = new s3.CfnBucket(stack, 'Checkpoints', {
      tags: marker,
      lifecycleConfiguration: { rules: [{ status: 'Enabled', noncurrentVersionExpiration: { noncurrentDays: 7 } }] },
    });
    expect(CheckpointBucketNoncurrentExpiry(bucket)).toBe(NagRuleCompliance.COMPLIANT);
  });

  test('an L1 checkpoint bucket without lifecycle is non-compliant', () => {
    const { stack } = bareStack();
    expect(CheckpointBucketNoncurrentExpiry(new s3.CfnBucket(stack, 'Checkpoints', { tags: marker }))).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('a disabled expiry rule does not count', () => {
    const { stack } = bareStack();
    const bucket = new s3.CfnBucket(stack, 'Checkpoints', {
      tags: marker,
      lifecycleConfiguration: { rules: [{ status: 'Disabled', noncurrentVersionExpiration: { noncurrentDays: 7 } }] },
    });
    expect(CheckpointBucketNoncurrentExpiry(bucket)).toBe(NagRuleCompliance.NON_COMPLIANT);
  });

  test('an unmarked bucket is not applicable', () => {
    const { stack } = bareStack();
    expect(CheckpointBucketNoncurrentExpiry(new s3.CfnBucket(stack, 'Data'))).toBe(NagRuleCompliance.NOT_APPLICABLE);
  });
});

describe('CheckpointBucketNoncurrentExpiry, through the pack', () => {
  const { app, stack } = bareStack();
  const kept = new s3.Bucket(stack, 'Kept', { versioned: true });
  markAsCheckpointBucket(kept);
  const expiring = new s3.Bucket(stack, 'Expiring', {
    versioned: true,
    lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(7) }],
  });
  markAsCheckpointBucket(expiring);
  Tags.of(new s3.Bucket(stack, 'Datasets', { versioned: true })).add('bucket_role', 'datasets');
  const result = synthWithPack(app, new GpuCostChecks(undefined, FIXTURE_LIMITS));

  test('markAsCheckpointBucket tags an L2 bucket that keeps noncurrent versions, reported as a warning', () => {
    expect(findingsOf(result, 'GpuCost-CheckpointBucketNoncurrentExpiry', 'Fixtures/Kept/Resource')).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });

  test('passes an L2 checkpoint bucket with noncurrent expiry', () => {
    expect(ruleFindingsAt(result, 'GpuCost-CheckpointBucketNoncurrentExpiry', 'Fixtures/Expiring/Resource')).toEqual([]);
  });

  test('ignores a bucket with another role', () => {
    expect(ruleFindingsAt(result, 'GpuCost-CheckpointBucketNoncurrentExpiry', 'Fixtures/Datasets/Resource')).toEqual([]);
  });
});
