import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ControlTowerExemption } from './control-tower-exemption';

/**
 * CT.CLOUDWATCH.PR.2 (log groups kept at least a year) for a log group kept `retention`: holds
 * where the retention is under a year, which the control's Guard rule rejects
 * (`RetentionInDays >= 365`).
 */
export function logRetentionUnderAYear(retention: RetentionDays): ControlTowerExemption {
  return {
    control: 'CT.CLOUDWATCH.PR.2',
    reason: 'The log group keeps its logs for the retention it is given, to keep log storage cheap where logs are not kept as records; '
      + 'with a retention of a year or more it meets the control.',
    condition: { description: 'log retention under one year', holds: retention < RetentionDays.ONE_YEAR },
  };
}

/**
 * What a bucket that receives server access logs (and ALB access logs) cannot meet, from the
 * delivery services' own requirements:
 * - S3 server access logging: "You can use default bucket encryption on the target bucket only if
 *   you use server-side encryption with Amazon S3 managed keys (SSE-S3)", "You can't enable S3
 *   Object Lock on the target bucket", and logging a target into itself loops
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html);
 * - ALB access logs: "The only server-side encryption option that's supported is Amazon
 *   S3-managed keys (SSE-S3)"
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
 */
export const ACCESS_LOG_DESTINATION: readonly ControlTowerExemption[] = [
  {
    control: 'CT.S3.PR.2',
    reason: 'This bucket is the server access log destination; logging it into itself would loop and logging it elsewhere only moves the problem.',
  },
  {
    control: 'CT.S3.PR.10',
    reason: 'The log destination bucket: ALB access log delivery and S3 server access log delivery support only SSE-S3 default encryption on the destination bucket, not SSE-KMS.',
  },
  {
    control: 'CT.S3.PR.9',
    reason: 'S3 server access logs cannot be delivered to a bucket with Object Lock enabled.',
  },
];

/** CT.S3.PR.9 (Object Lock) for a bucket of working data: models, checkpoints, datasets, results, artifacts. */
export const WORKING_DATA_WITHOUT_OBJECT_LOCK: ControlTowerExemption = {
  control: 'CT.S3.PR.9',
  reason: 'Object Lock is for records that must not change. This bucket holds working data that users replace and delete and that '
    + 'lifecycle rules expire to bound storage cost; retention locks would block both. Versioning keeps overwritten objects recoverable.',
};
