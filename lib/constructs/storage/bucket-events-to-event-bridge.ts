import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Sends the bucket's object events to the account's default EventBridge bus (free for AWS
 * service events; rules decide what to do with them). Set on the L1: the L2's
 * `eventBridgeEnabled` deploys a custom resource and its Lambda to do the same.
 */
export function sendBucketEventsToEventBridge(bucket: s3.Bucket): void {
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}
