import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { TrainingBuckets } from '../../../lib/constructs/training/training-buckets';
import { TrainingCluster } from '../../../lib/constructs/training/training-cluster';

/** A bare stack with a two-AZ VPC and the training buckets, for one construct under test. */
export function bareStack(): { stack: Stack; vpc: ec2.Vpc; buckets: TrainingBuckets } {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: false });
  const buckets = new TrainingBuckets(stack, 'Buckets', { removalPolicy: RemovalPolicy.RETAIN, checkpointNoncurrentVersionDays: 7 });
  return { stack, vpc, buckets };
}

/** A bare stack with the buckets and a two-node training cluster in the VPC's first private subnet. */
export function stackWithCluster(): { stack: Stack; vpc: ec2.Vpc; buckets: TrainingBuckets; cluster: TrainingCluster } {
  const { stack, vpc, buckets } = bareStack();
  const cluster = new TrainingCluster(stack, 'Cluster', { vpc, maxNodes: 2 });
  return { stack, vpc, buckets, cluster };
}
