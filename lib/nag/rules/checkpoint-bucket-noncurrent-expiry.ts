import { CfnResource } from 'aws-cdk-lib';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { CHECKPOINT_BUCKET_TAG } from '../checkpoint-bucket';
import { resolved, synthesizedTagsOf } from '../resource-lookup';

type LifecycleRule = Pick<CfnBucket.RuleProperty, 'status' | 'noncurrentVersionExpiration' | 'noncurrentVersionExpirationInDays'>;

/**
 * A checkpoint bucket (tagged with `CHECKPOINT_BUCKET_TAG`, see `markAsCheckpointBucket`)
 * has an enabled lifecycle rule expiring noncurrent versions: every checkpoint overwrite keeps
 * the old version, and a versioned bucket otherwise grows by one model size per save.
 */
export function CheckpointBucketNoncurrentExpiry(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnBucket) || synthesizedTagsOf(node)?.[CHECKPOINT_BUCKET_TAG.key] !== CHECKPOINT_BUCKET_TAG.value) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const lifecycle = resolved<{ rules?: LifecycleRule[] } | undefined>(node, node.lifecycleConfiguration);
  const expires = (lifecycle?.rules ?? []).some(
    (rule) => rule.status === 'Enabled' && (rule.noncurrentVersionExpiration !== undefined || rule.noncurrentVersionExpirationInDays !== undefined),
  );
  return expires ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
