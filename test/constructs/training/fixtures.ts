import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { TrainingBuckets } from '../../../lib/constructs/training/training-buckets';

/** A bare stack with a two-AZ VPC and the training buckets, for one construct under test. */
export function bareStack(): { stack: Stack; vpc: ec2.Vpc; buckets: TrainingBuckets } {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const buckets = new TrainingBuckets(stack, 'Buckets', { removalPolicy: RemovalPolicy.RETAIN, checkpointNoncurrentVersionDays: 7 });
  return { stack, vpc, buckets };
}
