import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config/environment-config';
import { dashboardNameOf, dashboardUrl } from '../dashboard-url';
import { AccessLogsBucket } from '../constructs/inference/access-logs-bucket';
import { AutoModeNodePool, AutoModeNodePoolSettings } from '../constructs/ml-platform/auto-mode-node-pool';
import { KubeflowPipelines } from '../constructs/ml-platform/kubeflow-pipelines';
import { MlArtifactBucket } from '../constructs/ml-platform/ml-artifact-bucket';
import { MlPlatformDashboard } from '../constructs/ml-platform/ml-platform-dashboard';
import { MlPlatformCluster, MlPlatformClusterSettings } from '../constructs/ml-platform/ml-platform-cluster';
import { MlflowTrackingServer, MlflowTrackingServerSettings } from '../constructs/ml-platform/mlflow-tracking-server';
import { EnvironmentNetwork } from '../constructs/network/environment-network';
import { LogsEncryptionKey } from '../constructs/security/logs-encryption-key';

/** A NodePool of the platform, as the environment configures it: whether it is the GPU pool is the stack's choice. */
export type MlNodePoolSettings = Omit<AutoModeNodePoolSettings, 'gpu'>;

/** The construct ids of the stack's parts an environment configures, for messages that name their construct paths. */
export const ML_PLATFORM_CONSTRUCT_IDS = { cluster: 'Cluster', gpuNodePool: 'GpuNodePool', cpuNodePool: 'CpuNodePool', mlflow: 'Mlflow' } as const;

/** What {@link MlPlatformStack} takes from the environment's config. */
export interface MlPlatformSettings {
  /** The EKS cluster: Kubernetes version (with the bundled kubectl layer) and admins. */
  readonly cluster: Omit<MlPlatformClusterSettings, 'kubectlLayer'>;
  /** The `gpu` NodePool (tainted `nvidia.com/gpu`), for training and pipeline steps that request GPUs. */
  readonly gpuNodePool: MlNodePoolSettings;
  /** The `cpu` NodePool, for Kubeflow Pipelines itself and CPU steps. */
  readonly cpuNodePool: MlNodePoolSettings;
  /** The managed MLflow tracking server. */
  readonly mlflow: MlflowTrackingServerSettings;
  /** Retention of the control-plane logs, and of the artifact bucket's access logs. */
  readonly logRetention: logs.RetentionDays;
  /** What happens to the artifact bucket, the access-log bucket and the control-plane logs when they leave the app. */
  readonly removalPolicy: RemovalPolicy;
}

/** Props of {@link MlPlatformStack}. */
export interface MlPlatformStackProps extends StackProps, MlPlatformSettings {
  /** The environment's network: the cluster, its nodes and the kubectl Lambda use its private subnets. */
  readonly network: EnvironmentNetwork;
  /**
   * Roles that may log MLflow runs, e.g. the training cluster's instance role and the SageMaker
   * execution role. Pipeline pods always may.
   * @default - none besides pipeline pods
   */
  readonly mlflowRunLoggers?: readonly iam.IRole[];
}

/** The config's ML platform settings (whether the stage builds the stack is `mlPlatform.enabled`). */
export function mlPlatformSettingsOf(config: EnvironmentConfig): MlPlatformSettings {
  const { cluster, gpuNodePool, cpuNodePool, mlflow } = config.mlPlatform;
  return { cluster, gpuNodePool, cpuNodePool, mlflow, logRetention: config.logRetention, removalPolicy: config.removalPolicy };
}

/** The platform's two NodePools as the stack builds them: `gpu` for GPU work, `cpu` for the rest. */
export function mlNodePoolsOf(settings: Pick<MlPlatformSettings, 'gpuNodePool' | 'cpuNodePool'>): { gpu: AutoModeNodePoolSettings; cpu: AutoModeNodePoolSettings } {
  return { gpu: { ...settings.gpuNodePool, gpu: true }, cpu: { ...settings.cpuNodePool, gpu: false } };
}

/**
 * The ML platform of one environment, in the environment's network: SageMaker
 * managed MLflow for experiment tracking, an EKS Auto Mode cluster with a GPU and a CPU
 * NodePool that scale to zero, and Kubeflow Pipelines standalone with artifacts in S3 through
 * EKS Pod Identity.
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
  /** The platform's dashboard: the EKS control plane, the artifacts, how to open MLflow. */
  public readonly dashboard: MlPlatformDashboard;

  constructor(scope: Construct, id: string, props: MlPlatformStackProps) {
    super(scope, id, props);
    const { network, removalPolicy, logRetention } = props;
    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', { expirationDays: logRetention, removalPolicy });
    this.artifactBucket = new MlArtifactBucket(this, 'Artifacts', { removalPolicy, serverAccessLogsBucket: accessLogs.bucket });

    this.mlflow = new MlflowTrackingServer(this, ML_PLATFORM_CONSTRUCT_IDS.mlflow, { ...props.mlflow, artifactBucket: this.artifactBucket.bucket });

    this.cluster = new MlPlatformCluster(this, ML_PLATFORM_CONSTRUCT_IDS.cluster, {
      ...props.cluster,
      vpc: network.vpc,
      vpcSubnets: network.privateSubnets,
      logRetention,
      logsEncryptionKey: new LogsEncryptionKey(this, 'LogsEncryptionKey', { removalPolicy }).key,
      removalPolicy,
    });
    const { cluster } = this.cluster;
    const pools = mlNodePoolsOf(props);
    this.gpuNodePool = new AutoModeNodePool(this, ML_PLATFORM_CONSTRUCT_IDS.gpuNodePool, { ...pools.gpu, cluster, nodePoolName: 'gpu' });
    this.cpuNodePool = new AutoModeNodePool(this, ML_PLATFORM_CONSTRUCT_IDS.cpuNodePool, { ...pools.cpu, cluster, nodePoolName: 'cpu' });

    this.pipelines = new KubeflowPipelines(this, 'Pipelines', { cluster, artifactBucket: this.artifactBucket.bucket });
    this.pipelines.node.addDependency(this.cpuNodePool);
    for (const role of [this.pipelines.pipelineRunnerRole, ...(props.mlflowRunLoggers ?? [])]) {
      this.mlflow.grantLogRuns(role);
    }

    this.dashboard = new MlPlatformDashboard(this, 'Dashboard', {
      dashboardName: dashboardNameOf(this),
      clusterName: cluster.clusterName,
      artifactBucket: this.artifactBucket.bucket,
      mlflowTrackingServerName: this.mlflow.trackingServerName,
    });

    const outputs: Record<string, [string, string]> = {
      MlflowTrackingServerArn: [this.mlflow.trackingServerArn, 'The tracking URI: mlflow.set_tracking_uri(<this ARN>) with the sagemaker-mlflow plugin installed'],
      MlflowTrackingServerName: [this.mlflow.trackingServerName, 'aws sagemaker create-presigned-mlflow-tracking-server-url --tracking-server-name <this> opens the MLflow UI'],
      MlflowRunLoggerPolicyArn: [this.mlflow.runLoggerPolicy.managedPolicyArn, 'Attach to a role that should log MLflow runs'],
      ArtifactBucketName: [this.artifactBucket.bucket.bucketName, 'MLflow artifacts under mlflow/, Kubeflow Pipelines artifacts under pipelines/'],
      ClusterName: [cluster.clusterName, 'The EKS cluster of Kubeflow Pipelines'],
      KubeconfigCommand: [
        `aws eks update-kubeconfig --name ${cluster.clusterName} --region ${this.region}`,
        'Then: kubectl port-forward -n kubeflow svc/ml-pipeline-ui 8080:80',
      ],
      DashboardUrl: [dashboardUrl(this.dashboard.dashboard), 'The ML platform\'s CloudWatch dashboard: EKS scheduling and API server, artifacts, how to open MLflow'],
    };
    for (const [outputId, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, outputId, { value, description });
    }
  }
}
