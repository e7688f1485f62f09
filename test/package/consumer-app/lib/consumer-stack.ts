import * as cdk from 'aws-cdk-lib/core';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InferenceImage, InferenceService, ModelBucket, ModelCache } from 'ai-infra';
import { Construct } from 'constructs';

/** One model served from a job queue, with what an InferenceService needs around it. */
export class ConsumerStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const service = new InferenceService(this, 'Llama', {
      model: { name: 'llama', version: '1.0.0', image: InferenceImage.fromRegistry('public.ecr.aws/my-org/serving:1.0.0') },
      fleet: { instanceTypes: ['g5.xlarge'], minCapacity: 0, maxCapacity: 2 },
      maxJobDuration: cdk.Duration.minutes(10),
      scaling: { acceptableLatency: cdk.Duration.minutes(2), timePerJob: cdk.Duration.seconds(10), scaleToZeroAfterIdle: cdk.Duration.minutes(15) },
      vpc,
      modelBucket: new ModelBucket(this, 'Models', {}),
      modelCache: new ModelCache(this, 'Cache', { vpc, backupRetentionDays: 7, removalPolicy: cdk.RemovalPolicy.DESTROY }),
      accessLogsBucket: new s3.Bucket(this, 'AccessLogs', { enforceSSL: true }),
      logRetention: logs.RetentionDays.ONE_WEEK,
    });
    service.addOutputs();
  }
}
