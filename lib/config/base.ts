import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { KubernetesVersion } from 'aws-cdk-lib/aws-eks-v2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InferenceImage } from '../constructs/inference/inference-image';
import { EnvironmentConfig } from './environment-config';

/**
 * What every environment shares unless it overrides it: the model and its serving image,
 * the schedule, the training job, the SageMaker sizing. Each environment file overrides only
 * what differs (see `defineEnvironment`).
 */
export const baseConfig: Omit<EnvironmentConfig, 'name'> = {
  tags: { team: 'ml-platform', costCenter: 'ml-shared-1000', project: 'ai-infra' },
  network: { maxAzs: 2, natGateways: 1 },
  logRetention: RetentionDays.ONE_MONTH,
  backupRetentionDays: 14,
  removalPolicy: RemovalPolicy.DESTROY,
  modelPublished: false,
  inference: {
    model: {
      name: 'sentiment',
      version: '1.0.0',
      // An AWS Deep Learning Container honouring the SageMaker inference contract (/ping, /invocations on 8080).
      image: InferenceImage.fromDeepLearningContainer('pytorch-inference', '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker'),
      gpuMemoryFraction: 0.8,
    },
    fleet: {
      instanceTypes: ['g5.xlarge', 'g6.xlarge', 'g4dn.xlarge'],
      minCapacity: 1,
      maxCapacity: 4,
      onDemandBaseCapacity: 0,
      onDemandPercentageAboveBaseCapacity: 20,
      rootVolumeSizeGiB: 100,
      bootBudget: Duration.minutes(30),
    },
    maxJobDuration: Duration.minutes(10),
    scaling: {
      timePerJob: Duration.seconds(10),
      acceptableLatency: Duration.seconds(60),
      scaleToZeroAfterIdle: Duration.minutes(30),
    },
    // Trim a fleet whose GPUs idle: a 1-minute alarm (the instances publish every minute) at 40 %,
    // so n instances become n - 1 only while those would stay under 40 x n / (n - 1) % busy.
    gpuScaleIn: { thresholdPercent: 40, evaluationPeriods: 10, period: Duration.minutes(1), scaleInBy: 1 },
    schedule: { timeZone: 'Europe/Berlin', scaleDownCron: '0 22 * * *', scaleUpCron: '0 8 * * 1-5' },
    results: { retention: Duration.days(30) },
  },
  training: {
    cluster: { instanceType: 'g5.12xlarge', maxNodes: 2, efa: false, rootVolumeSizeGiB: 100 },
    spotFleet: {
      instanceTypes: ['g5.12xlarge', 'g6.12xlarge', 'g4dn.12xlarge'],
      targetCapacity: 0,
      allocationStrategy: 'price-capacity-optimized',
      jobName: 'default',
      trainingCommand: 'exec python3 /opt/train/train.py',
      rootVolumeSizeGiB: 100,
    },
    idleShutdown: { gpuUtilizationThresholdPercent: 10, idleDuration: Duration.minutes(30) },
    checkpointNoncurrentVersionDays: 14,
  },
  sageMaker: {
    endpoint: {
      variants: [{ name: 'primary', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 1 }],
      minCapacity: 1,
      maxCapacity: 2,
      maxRequestsPerSecond: 20,
      safetyFactor: 0.5,
    },
    trainingImageRepositoryName: 'ai-infra/training',
  },
  mlPlatform: {
    // Off unless an environment switches it on: the cluster and the MLflow server cost money every hour they exist.
    enabled: false,
    cluster: { kubernetesVersion: KubernetesVersion.V1_35, adminPrincipalArns: [] },
    gpuNodePool: {
      instanceTypes: ['g5.xlarge', 'g6.xlarge', 'g5.12xlarge', 'g6.12xlarge'],
      // 8 GPUs: at most 8 single-GPU or 2 four-GPU nodes, within guardrails.maxGpuInstancesPerFleet.
      limits: { cpu: 96, memoryGiB: 384, gpus: 8 },
      capacityTypes: ['spot', 'on-demand'],
      // Only empty nodes go: consolidating underutilized ones would move (restart) running training pods.
      consolidationPolicy: 'WhenEmpty',
      consolidateAfter: Duration.minutes(5),
    },
    cpuNodePool: {
      instanceTypes: ['m6i.large', 'm6i.xlarge', 'm7i.large', 'm7i.xlarge'],
      limits: { cpu: 16, memoryGiB: 64 },
    },
    mlflow: { size: 'Small', weeklyMaintenanceWindowStart: 'Sun:03:00' },
  },
  guardrails: {
    maxGpuInstancesPerFleet: 8,
    allowedInstanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge', 'g4dn.12xlarge', 'g5.12xlarge', 'g6.12xlarge', 'ml.g5.xlarge'],
    requireScaleToZero: true,
  },
  budget: { monthlyLimitUsd: 5000 },
};
