import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config/environment-config';
import { dashboardNameOf, dashboardUrl } from '../dashboard-url';
import { InferenceModel } from '../constructs/inference/inference-runtime';
import { EnvironmentNetwork } from '../constructs/network/environment-network';
import { NotificationSubscriptions } from '../constructs/notifications/notification-subscriptions';
import { NotificationTargets } from '../constructs/notifications/notification-targets';
import { LogsEncryptionKey } from '../constructs/security/logs-encryption-key';
import { IdleShutdown, IdleShutdownSettings } from '../constructs/training/idle-shutdown';
import { SageMakerEndpoint, SageMakerEndpointSettings } from '../constructs/training/sagemaker-endpoint';
import { SageMakerEndpointDashboard } from '../constructs/training/sagemaker-endpoint-dashboard';
import { SageMakerExecutionRole } from '../constructs/training/sagemaker-execution-role';
import { SpotTrainingFleet, SpotTrainingFleetSettings } from '../constructs/training/spot-training-fleet';
import { TrainingBuckets } from '../constructs/training/training-buckets';
import { TrainingCluster, TrainingClusterSettings } from '../constructs/training/training-cluster';
import { TrainingDashboard } from '../constructs/training/training-dashboard';
import { TrainingRuntime } from '../constructs/training/training-runtime';

/** The construct ids of the stack's parts an environment configures, for messages that name their construct paths. */
export const TRAINING_CONSTRUCT_IDS = {
  cluster: 'Cluster',
  spotFleet: 'SpotFleet',
  idleShutdown: 'IdleShutdown',
  sageMakerEndpoint: 'SageMaker',
  sageMakerDashboard: 'SageMakerDashboard',
} as const;

/** What {@link TrainingStack} takes from the environment's config. */
export interface TrainingSettings {
  /** The on-demand placement-group cluster. */
  readonly cluster: TrainingClusterSettings;
  /** The spot EC2 Fleet. */
  readonly spotFleet: SpotTrainingFleetSettings;
  /** Idle shutdown of the cluster and the fleet. */
  readonly idleShutdown: IdleShutdownSettings;
  /** Days a replaced checkpoint version is kept. */
  readonly checkpointNoncurrentVersionDays: number;
  /**
   * The SageMaker endpoint serving `model`.
   * @default - no endpoint (the model is not published yet)
   */
  readonly sageMakerEndpoint?: SageMakerEndpointSettings;
  /** The model the endpoint serves: the image and archive of the inference service `sageMaker.service`. */
  readonly model: InferenceModel;
  /** ECR repository of the teams' training images, which the nodes and SageMaker training jobs may pull. */
  readonly trainingImageRepositoryName: string;
  /** Retention of log groups and access logs. */
  readonly logRetention: logs.RetentionDays;
  /** What happens to buckets, keys and queues when they leave the app. */
  readonly removalPolicy: RemovalPolicy;
  /** Who hears of idle shutdowns. */
  readonly notifications: NotificationTargets;
}

/** Props of {@link TrainingStack}. */
export interface TrainingStackProps extends StackProps, TrainingSettings {
  /** The environment's network: the cluster and the fleet use its placement subnet. */
  readonly network: EnvironmentNetwork;
  /** The inference stack's model bucket, whose `models/` the endpoint serves. */
  readonly modelBucket: s3.IBucket;
}

/** The config's training settings: the endpoint only once the model is published. */
export function trainingSettingsOf(config: EnvironmentConfig): TrainingSettings {
  return {
    ...config.training,
    sageMakerEndpoint: config.modelPublished ? config.sageMaker.endpoint : undefined,
    model: config.inference[config.sageMaker.service].model,
    trainingImageRepositoryName: config.sageMaker.trainingImageRepositoryName,
    logRetention: config.logRetention,
    removalPolicy: config.removalPolicy,
    notifications: config.notifications ?? {},
  };
}

/**
 * GPU training capacity and the SageMaker endpoint of one environment, in the environment's
 * network: the checkpoint, dataset and artifact buckets, an on-demand placement-group cluster and
 * a spot EC2 Fleet in the placement subnet, the training runtime on both (`npm run train`), idle
 * shutdown of both, and an autoscaled endpoint.
 */
export class TrainingStack extends Stack {
  /** Checkpoint, dataset, artifact and access-log buckets. */
  public readonly buckets: TrainingBuckets;
  /** The on-demand placement-group cluster. */
  public readonly cluster: TrainingCluster;
  /** The spot EC2 Fleet, in the cluster's placement group and subnet. */
  public readonly spotFleet: SpotTrainingFleet;
  /** The launcher the cluster's and the fleet's nodes run, and the log group of their jobs. */
  public readonly runtime: TrainingRuntime;
  /** The idle alarm and the Lambda that scales the cluster and the fleet to 0. */
  public readonly idleShutdown: IdleShutdown;
  /** The people subscribed to the idle-shutdown topic. */
  public readonly notifications: NotificationSubscriptions;
  /** The role of SageMaker models and training jobs. */
  public readonly executionRole: SageMakerExecutionRole;
  /** The autoscaled SageMaker endpoint, once the model is published. */
  public readonly sageMakerEndpoint?: SageMakerEndpoint;
  /** The roles training code runs under: the nodes' and SageMaker's (e.g. to log MLflow runs). */
  public readonly trainingRoles: readonly iam.IRole[];
  /** The training capacity's dashboard. */
  public readonly dashboard: TrainingDashboard;
  /** The SageMaker endpoint's dashboard, with the endpoint. */
  public readonly sageMakerDashboard?: SageMakerEndpointDashboard;

  constructor(scope: Construct, id: string, props: TrainingStackProps) {
    super(scope, id, props);
    const { network } = props;

    this.buckets = new TrainingBuckets(this, 'Buckets', {
      removalPolicy: props.removalPolicy,
      checkpointNoncurrentVersionDays: props.checkpointNoncurrentVersionDays,
      accessLogRetentionDays: props.logRetention,
    });
    const placementSubnet: ec2.SubnetSelection = { subnets: [network.placementSubnet] };

    this.cluster = new TrainingCluster(this, TRAINING_CONSTRUCT_IDS.cluster, { ...props.cluster, vpc: network.vpc, vpcSubnets: placementSubnet });
    this.spotFleet = new SpotTrainingFleet(this, TRAINING_CONSTRUCT_IDS.spotFleet, { ...props.spotFleet, cluster: this.cluster });

    // The stack's log groups share one key (CT.CLOUDWATCH.PR.3): see LogsEncryptionKey for why one per stack.
    const logEncryptionKey = new LogsEncryptionKey(this, 'LogsKey', { removalPolicy: props.removalPolicy }).key;
    const repository = ecr.Repository.fromRepositoryName(this, 'ImageRepository', props.trainingImageRepositoryName);
    this.runtime = new TrainingRuntime(this, 'Runtime', {
      buckets: this.buckets,
      imageRepository: repository,
      logRetention: props.logRetention,
      logEncryptionKey,
      removalPolicy: props.removalPolicy,
    });
    this.runtime.bind(this.cluster);
    this.runtime.bind(this.spotFleet);

    this.idleShutdown = new IdleShutdown(this, TRAINING_CONSTRUCT_IDS.idleShutdown, {
      cluster: this.cluster,
      spotFleet: this.spotFleet,
      ...props.idleShutdown,
      logRetention: props.logRetention,
      logEncryptionKey,
      removalPolicy: props.removalPolicy,
    });
    this.notifications = new NotificationSubscriptions(this, 'Notifications', { ...props.notifications, topics: [this.idleShutdown.topic] });

    const executionRole = new SageMakerExecutionRole(this, 'SageMakerExecutionRole', {
      artifactBucket: this.buckets.artifactBucket,
      datasetBucket: this.buckets.datasetBucket,
      checkpointBucket: this.buckets.checkpointBucket,
      repository,
    });
    this.executionRole = executionRole;
    this.trainingRoles = [this.cluster.grantPrincipal, executionRole.grantPrincipal];
    if (props.sageMakerEndpoint) {
      this.sageMakerEndpoint = new SageMakerEndpoint(this, TRAINING_CONSTRUCT_IDS.sageMakerEndpoint, {
        ...props.sageMakerEndpoint,
        role: executionRole.role,
        modelBucket: props.modelBucket,
        model: props.model,
        removalPolicy: props.removalPolicy,
        logRetention: props.logRetention,
        logEncryptionKey,
      });
      new CfnOutput(this, 'EndpointName', { value: this.sageMakerEndpoint.endpoint.endpointName, description: 'SageMaker endpoint to invoke' });
      this.sageMakerDashboard = new SageMakerEndpointDashboard(this, TRAINING_CONSTRUCT_IDS.sageMakerDashboard, {
        endpoint: this.sageMakerEndpoint,
        dashboardName: dashboardNameOf(this, 'SageMaker'),
      });
      new CfnOutput(this, 'SageMakerDashboardUrl', {
        value: dashboardUrl(this.sageMakerDashboard.dashboard),
        description: 'The SageMaker endpoint\'s CloudWatch dashboard: invocations, latency, errors, instances vs scaling bounds',
      });
    }
    this.dashboard = new TrainingDashboard(this, 'Dashboard', { cluster: this.cluster, idleShutdown: this.idleShutdown, dashboardName: dashboardNameOf(this) });

    const outputs: Record<string, [string, string]> = {
      ExecutionRoleArn: [executionRole.role.roleArn, 'Role for SageMaker models and training jobs'],
      CheckpointBucketName: [this.buckets.checkpointBucket.bucketName, 'Checkpoints: s3://<bucket>/checkpoints/<job>/'],
      DatasetBucketName: [this.buckets.datasetBucket.bucketName, 'Training data: s3://<bucket>/datasets/'],
      ArtifactBucketName: [this.buckets.artifactBucket.bucketName, 'Runs under training-runs/, their code under training-code/, their output under training-output/'],
      ClusterAutoScalingGroupName: [this.cluster.autoScalingGroupName, 'On-demand training cluster: npm run train -- start --on cluster'],
      SpotFleetId: [this.spotFleet.fleetId, 'Spot training fleet: npm run train -- start --on spot'],
      IdleShutdownTopicArn: [this.idleShutdown.topic.topicArn, 'Idle shutdown reports; subscribe to it'],
      TrainingLogGroupName: [this.runtime.logGroup.logGroupName, 'Training jobs and launchers: <run>/<instance>/job and <run>/<instance>/launcher'],
      DefaultTrainingImage: [this.runtime.defaultImageUri, 'Image of cluster and spot runs started without --image'],
      DefaultSageMakerTrainingImage: [executionRole.defaultTrainingImageUri, 'Image of SageMaker training jobs started without --image'],
      DashboardUrl: [dashboardUrl(this.dashboard.dashboard), 'The training capacity\'s CloudWatch dashboard: instances, GPU utilization, job heartbeat, idle shutdown'],
    };
    for (const [outputId, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, outputId, { value, description });
    }
  }
}
