/**
 * Controls the app used to fail and now meets, with what changed: the compliance report marks
 * them "fixed" so an auditor sees the decision, not only the result.
 */
export const CONTROL_TOWER_FIXES: Readonly<Record<string, string>> = {
  'CT.AUTOSCALING.PR.1': 'The inference fleet names the Availability Zones of its subnets (two or more).',
  'CT.CLOUDWATCH.PR.2': 'Log groups kept a year or more (logRetention ONE_YEAR or longer) meet it; the others are exempted by the construct that owns them.',
  'CT.CLOUDWATCH.PR.3': 'Every log group is encrypted with a customer managed key, one per stack that has log groups (1 USD a month each).',
  'CT.EC2.PR.2': 'Launch templates set the IMDS hop limit to 1: only the host reads instance metadata.',
  'CT.EC2.PR.10': 'Training launch templates turn on detailed monitoring.',
  'CT.EC2.PR.11': 'Public subnets (NAT gateways only) do not assign public IPs.',
  'CT.EC2.PR.15': 'The training cluster defaults to g5.12xlarge instead of p3.8xlarge (Xen, not Nitro, and Volta GPUs the Deep Learning AMI does not run); no environment allows p3.',
  'CT.ELASTICLOADBALANCING.PR.5': 'The ALB has deletion protection where the removal policy is RETAIN.',
  'CT.KMS.PR.3': 'Every customer managed key denies kms:CreateGrant unless the grant is for an AWS resource.',
  'CT.S3.PR.3': 'The versioned model bucket has a lifecycle rule (incomplete uploads aborted after 7 days).',
  'CT.S3.PR.4': 'Every bucket sends its object events to EventBridge.',
  'CT.S3.PR.6': 'Every bucket has a lifecycle rule.',
  'CT.S3.PR.10': 'Model, job result, checkpoint, dataset and artifact buckets use SSE-KMS with the aws/s3 key and bucket keys.',
  'CT.S3.PR.11': 'The inference access-log bucket is versioned.',
  'CT.SQS.PR.1': 'Dead-letter queues declare themselves with a redrive allow policy.',
};
