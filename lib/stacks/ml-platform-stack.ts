import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AccessLogsBucket } from '../constructs/inference/access-logs-bucket';
import { AutoModeNodePool, AutoModeNodePoolProps } from '../constructs/ml-platform/auto-mode-node-pool';
import { KubeflowPipelines } from '../constructs/ml-platform/kubeflow-pipelines';
import { MlArtifactBucket } from '../constructs/ml-platform/ml-artifact-bucket';
import { MlPlatformCluster } from '../constructs/ml-platform/ml-platform-cluster';
import { MlflowTrackingServer, MlflowTrackingServerProps } from '../constructs/ml-platform/mlflow-tracking-server';

/** A NodePool of the platform, as the environment configures it. */
export type MlNodePoolSettings = Omit<AutoModeNodePoolProps, 'cluster' | 'nodePoolName' | 'gpu'>;

/** The managed MLflow server, as the environment configures it. */
export type MlflowSettings = Omit<MlflowTrackingServerProps, 'artifactBucket'>;

/** Props of {@link MlPlatformStack}. */
export interface MlPlatformStackProps extends StackProps {
  /** The environment's shared network: the cluster, its nodes and the kubectl Lambda use its private subnets (with egress). */
  readonly vpc: ec2.IVpc;
  /** The Kubernetes version of the cluster, pinned. */
  readonly kubernetesVersion: eks.KubernetesVersion;
  /** The `gpu` NodePool (tainted `nvidia.com/gpu`), for training and pipeline steps that request GPUs. */
  readonly gpuNodePool: MlNodePoolSettings;
  /** The `cpu` NodePool, for Kubeflow Pipelines itself and CPU steps. */
  readonly cpuNodePool: MlNodePoolSettings;
  /**
   * The managed MLflow tracking server.
   * @default - Small, maintenance window chosen by SageMaker, latest MLflow
   */
  readonly mlflow?: MlflowSettings;
  /** What happens to the artifact bucket, the access-log bucket and the control-plane logs when they leave the app. */
  readonly removalPolicy: RemovalPolicy;
  /** Retention of the control-plane logs, and of the artifact bucket's access logs. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Roles that may log MLflow runs: e.g. the training cluster's instance role and the SageMaker
   * execution role. Pipeline pods may always.
   * @default - none besides pipeline pods
   */
  readonly mlflowRunLoggers?: readonly iam.IRole[];
  /**
   * IAM role ARNs given cluster-admin access entries, for kubectl (and the Pipelines UI through port-forward).
   * @default - none
   */
  readonly clusterAdminPrincipalArns?: readonly string[];
  /**
   * Who may reach the Kubernetes API server.
   * @default eks.EndpointAccess.PRIVATE
   */
  readonly endpointAccess?: eks.EndpointAccess;
}

/**
 * The ML platform of one environment (seed 001): SageMaker managed MLflow for experiment
 * tracking, an EKS Auto Mode cluster with a GPU and a CPU NodePool that scale to zero, and
 * Kubeflow Pipelines standalone with artifacts in S3 through EKS Pod Identity.
 */
export class MlPlatformStack extends Stack {
  /** Artifacts of MLflow (`mlflow/`) and Kubeflow Pipelines (`pipelines/`). */
  public readonly artifactBucket: MlArtifactBucket;
  /** The managed MLflow tracking server. */
  public readonly mlflow: MlflowTrackingServer;
  /** The EKS cluster. */
  public readonly cluster: MlPlatformCluster;
  /** The GPU NodePool. */
  public readonly gpuNodePool: AutoModeNodePool;
  /** The CPU NodePool. */
  public readonly cpuNodePool: AutoModeNodePool;
  /** Kubeflow Pipelines. */
  public readonly pipelines: KubeflowPipelines;

  constructor(scope: Construct, id: string, props: MlPlatformStackProps) {
    super(scope, id, props);
    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', { expirationDays: props.logRetention, removalPolicy: props.removalPolicy });
    this.artifactBucket = new MlArtifactBucket(this, 'Artifacts', {
      removalPolicy: props.removalPolicy,
      serverAccessLogsBucket: accessLogs.bucket,
    });

    this.mlflow = new MlflowTrackingServer(this, 'Mlflow', { ...props.mlflow, artifactBucket: this.artifactBucket.bucket });

    this.cluster = new MlPlatformCluster(this, 'Cluster', {
      vpc: props.vpc,
      kubernetesVersion: props.kubernetesVersion,
      logRetention: props.logRetention,
      endpointAccess: props.endpointAccess,
      adminPrincipalArns: props.clusterAdminPrincipalArns,
      removalPolicy: props.removalPolicy,
    });
    const { cluster } = this.cluster;
    this.gpuNodePool = new AutoModeNodePool(this, 'GpuNodePool', { ...props.gpuNodePool, cluster, nodePoolName: 'gpu', gpu: true });
    this.cpuNodePool = new AutoModeNodePool(this, 'CpuNodePool', { ...props.cpuNodePool, cluster, nodePoolName: 'cpu' });

    this.pipelines = new KubeflowPipelines(this, 'Pipelines', { cluster, artifactBucket: this.artifactBucket.bucket });
    this.pipelines.node.addDependency(this.cpuNodePool);
    for (const role of [this.pipelines.pipelineRunnerRole, ...(props.mlflowRunLoggers ?? [])]) {
      this.mlflow.grantLogRuns(role);
    }

    new CfnOutput(this, 'MlflowTrackingServerArn', {
      value: this.mlflow.trackingServerArn,
      description: 'mlflow.set_tracking_uri(<this ARN>) with the sagemaker-mlflow plugin installed',
    });
    new CfnOutput(this, 'MlflowTrackingServerName', {
      value: this.mlflow.trackingServerName,
      description: 'aws sagemaker create-presigned-mlflow-tracking-server-url --tracking-server-name <this> opens the MLflow UI',
    });
    new CfnOutput(this, 'ArtifactBucketName', { value: this.artifactBucket.bucket.bucketName });
    new CfnOutput(this, 'ClusterName', { value: cluster.clusterName });
    new CfnOutput(this, 'KubeconfigCommand', {
      value: `aws eks update-kubeconfig --name ${cluster.clusterName} --region ${this.region}`,
      description: 'Then: kubectl port-forward -n kubeflow svc/ml-pipeline-ui 8080:80',
    });
  }
}
