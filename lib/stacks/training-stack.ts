import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config';
import { IdleShutdown } from '../constructs/training/idle-shutdown';
import { SageMakerEndpoint } from '../constructs/training/sagemaker-endpoint';
import { SageMakerExecutionRole } from '../constructs/training/sagemaker-execution-role';
import { SpotTrainingFleet } from '../constructs/training/spot-training-fleet';
import { TrainingBuckets } from '../constructs/training/training-buckets';
import { TrainingCluster } from '../constructs/training/training-cluster';
import { LogsEncryptionKey } from '../constructs/security/logs-encryption-key';

/** Props of {@link TrainingStack}. */
export interface TrainingStackProps extends StackProps {
  /** The environment the stack belongs to. */
  readonly config: EnvironmentConfig;
}

/**
 * GPU training capacity and the SageMaker endpoint of one environment: its own VPC, the
 * checkpoint, dataset and artifact buckets, an on-demand placement-group cluster and a spot
 * EC2 Fleet in one private subnet, idle shutdown of both, and an autoscaled SageMaker endpoint.
 */
export class TrainingStack extends Stack {
  /** The stack's VPC: public and private subnets, an S3 gateway endpoint, rejected-traffic flow logs. */
  public readonly vpc: ec2.Vpc;
  /** Checkpoint, dataset, artifact and access-log buckets. */
  public readonly buckets: TrainingBuckets;
  /** The on-demand placement-group cluster. */
  public readonly cluster: TrainingCluster;
  /** The spot EC2 Fleet, in the cluster's placement group and subnet. */
  public readonly spotFleet: SpotTrainingFleet;
  /** The idle alarm and the Lambda that scales the cluster and the fleet to 0. */
  public readonly idleShutdown: IdleShutdown;
  /** The autoscaled SageMaker endpoint. */
  public readonly sageMakerEndpoint: SageMakerEndpoint;

  constructor(scope: Construct, id: string, props: TrainingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { training, sageMaker } = config;

    this.buckets = new TrainingBuckets(this, 'Buckets', {
      removalPolicy: config.removalPolicy,
      checkpointNoncurrentVersionDays: training.checkpointNoncurrentVersionDays,
      accessLogRetentionDays: config.logRetention,
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: config.network.maxAzs,
      natGateways: config.network.natGateways,
      subnetConfiguration: [
        // Public subnets hold only the NAT gateways, which have their own Elastic IPs (CT.EC2.PR.11).
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      // Restricting the default security group needs a custom resource; nothing uses that group.
      restrictDefaultSecurityGroup: false,
      // Checkpoints and datasets reach S3 without NAT gateway data charges.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
      flowLogs: {
        RejectedTraffic: {
          destination: ec2.FlowLogDestination.toS3(this.buckets.accessLogsBucket, 'vpc-flow-logs/'),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });
    const placementSubnet: ec2.SubnetSelection = { subnets: [this.vpc.privateSubnets[0]] };

    this.cluster = new TrainingCluster(this, 'Cluster', {
      vpc: this.vpc,
      vpcSubnets: placementSubnet,
      instanceType: training.instanceType,
      maxNodes: training.maxNodes,
      efa: training.efa,
      rootVolumeSizeGiB: training.rootVolumeSizeGiB,
      checkpointBucket: this.buckets.checkpointBucket,
      datasetBucket: this.buckets.datasetBucket,
    });

    this.spotFleet = new SpotTrainingFleet(this, 'SpotFleet', {
      vpc: this.vpc,
      vpcSubnets: placementSubnet,
      placementGroup: this.cluster.placementGroup,
      instanceTypes: training.spotFleet.instanceTypes,
      targetCapacity: training.spotFleet.targetCapacity,
      allocationStrategy: training.spotFleet.allocationStrategy,
      role: this.cluster.role,
      securityGroup: this.cluster.securityGroup,
      checkpointBucket: this.buckets.checkpointBucket,
      jobName: training.spotFleet.jobName,
      trainingCommand: training.spotFleet.trainingCommand,
      rootVolumeSizeGiB: training.rootVolumeSizeGiB,
      gpuMetricGroupName: this.cluster.autoScalingGroup.autoScalingGroupName,
    });

    // The stack's one log group gets a key; more log groups here would share it.
    const logEncryptionKey = new LogsEncryptionKey(this, 'LogsKey', { removalPolicy: config.removalPolicy }).key;
    this.idleShutdown = new IdleShutdown(this, 'IdleShutdown', {
      autoScalingGroup: this.cluster.autoScalingGroup,
      fleet: this.spotFleet.fleet,
      gpuUtilizationThresholdPercent: training.idleShutdown.gpuUtilizationThresholdPercent,
      idleMinutes: training.idleShutdown.idleMinutes,
      logRetention: config.logRetention,
      logEncryptionKey,
      removalPolicy: config.removalPolicy,
      notificationEmails: config.budget.notificationEmails,
    });

    const repository = ecr.Repository.fromRepositoryName(this, 'ImageRepository', sageMaker.imageRepositoryName);
    const executionRole = new SageMakerExecutionRole(this, 'SageMakerExecutionRole', {
      artifactBucket: this.buckets.artifactBucket,
      datasetBucket: this.buckets.datasetBucket,
      checkpointBucket: this.buckets.checkpointBucket,
      repository,
    });
    this.sageMakerEndpoint = new SageMakerEndpoint(this, 'SageMaker', {
      role: executionRole.role,
      artifactBucket: this.buckets.artifactBucket,
      modelDataKey: sageMaker.modelDataKey,
      repository,
      imageTag: sageMaker.imageTag,
      variants: sageMaker.variants,
      minCapacity: sageMaker.minCapacity,
      maxCapacity: sageMaker.maxCapacity,
      maxRequestsPerSecond: sageMaker.maxRequestsPerSecond,
      safetyFactor: sageMaker.safetyFactor,
      customerManagedKey: sageMaker.customerManagedKey,
      removalPolicy: config.removalPolicy,
    });

    const outputs: Record<string, [string, string]> = {
      EndpointName: [this.sageMakerEndpoint.endpoint.endpointName, 'SageMaker endpoint to invoke'],
      ExecutionRoleArn: [executionRole.role.roleArn, 'Role for SageMaker models and training jobs'],
      CheckpointBucketName: [this.buckets.checkpointBucket.bucketName, 'Checkpoints: s3://<bucket>/checkpoints/<job>/'],
      DatasetBucketName: [this.buckets.datasetBucket.bucketName, 'Training data: s3://<bucket>/datasets/'],
      ArtifactBucketName: [this.buckets.artifactBucket.bucketName, 'Model data under models/, training output under training-output/'],
      ClusterAutoScalingGroupName: [this.cluster.autoScalingGroup.autoScalingGroupName, 'On-demand training cluster; set its desired capacity to train'],
      SpotFleetId: [this.spotFleet.fleet.attrFleetId, 'Spot training fleet; modify its target capacity to train'],
      IdleShutdownTopicArn: [this.idleShutdown.topic.topicArn, 'Idle shutdown reports; subscribe to it'],
    };
    for (const [outputId, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, outputId, { value, description });
    }
  }
}
