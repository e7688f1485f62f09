import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { KubernetesVersion } from 'aws-cdk-lib/aws-eks-v2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InferenceImage } from '../constructs/inference/inference-image';
import { EnvironmentConfig } from './environment-config';

/**
 * What every environment shares unless it overrides it: the model and its serving image,
 * the schedule, the training job, the SageMaker sizing. It states only what the constructs
 * require or what differs from their defaults (each construct's `XXX_DEFAULTS`, documented as
 * `@default` on its props), with the reason; each environment file overrides only what differs
 * from here (see `defineEnvironment`).
 */
export const baseConfig: Omit<EnvironmentConfig, 'name'> = {
  tags: { team: 'ml-platform', costCenter: 'ml-shared-1000', project: 'ai-infra' },
  network: { maxAzs: 2, natGateways: 1 },
  logRetention: RetentionDays.ONE_MONTH,
  backupRetentionDays: 14,
  removalPolicy: RemovalPolicy.DESTROY,
  modelPublished: false,
  inference: {
    default: {
      model: {
        name: 'sentiment',
        version: '1.0.0',
        // An AWS Deep Learning Container honouring the SageMaker inference contract (SERVING_CONTRACT):
        // each instance type runs the tag of its processor (the GPU fleet and ml.g5 the gpu tag, ml.m5 the cpu tag).
        image: InferenceImage.fromDeepLearningContainer('pytorch-inference', {
          gpu: '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker',
          cpu: '2.6.0-cpu-py312-ubuntu22.04-sagemaker',
        }),
      },
      fleet: {
        // One GPU (A10G) in two sizes: timePerJob holds on either. Mixing GPUs would not: spot
        // capacity goes to the cheapest type per hour, a g4dn's T4 at a third of an A10G's
        // throughput by AWS's figures (npm run simulate -- --throughput-factors).
        instanceTypes: ['g5.xlarge', 'g5.2xlarge'],
        minCapacity: 1,
        maxCapacity: 4,
        // A fifth on-demand above the base (the fleet's default is all spot): a spot reclaim never empties the fleet.
        onDemandPercentageAboveBaseCapacity: 20,
      },
      maxJobDuration: Duration.minutes(10),
      scaling: {
        timePerJob: Duration.seconds(10),
        acceptableLatency: Duration.seconds(60),
        // 30 idle minutes (15 flapped through quiet nights: docs/foresight.md, the idle window).
        scaleToZeroAfterIdle: Duration.minutes(30),
        // Capacity for recurring load (a nightly batch, office mornings) before it arrives; in a new
        // account AWS forecasts nothing until it has 24 hours of metrics.
        predictive: { mode: 'ForecastAndScale' },
      },
      // Trim an idle GPU once the fleet runs below 57 % for 9 minutes (40 % kept twice the instances a
      // steady load needed; 55 % for 10 kept an office afternoon's third instance above 1.3 x the
      // clairvoyant limit, 60 % let a steady load's p95 wait pass 60 s: npm run simulate -- --all).
      gpuScaleIn: { thresholdPercent: 57, evaluationPeriods: 9 },
      // Off at night in the team's time zone, at the schedule's default hours.
      schedule: { timeZone: 'Europe/Berlin' },
    },
  },
  training: {
    // The rest of the cluster and the fleet (g5.12xlarge, no EFA, 100 GiB, target 0, price-capacity-optimized) are the constructs' defaults.
    cluster: { maxNodes: 2 },
    spotFleet: { instanceTypes: ['g5.12xlarge', 'g6.12xlarge', 'g4dn.12xlarge'] },
    idleShutdown: { gpuUtilizationThresholdPercent: 10, idleDuration: Duration.minutes(30) },
    checkpointNoncurrentVersionDays: 14,
  },
  sageMaker: {
    service: 'default',
    endpoint: {
      variants: [{ name: 'primary', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 1 }],
      minCapacity: 1,
      maxCapacity: 2,
      maxRequestsPerSecond: 20,
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
      // Only empty nodes go: consolidating underutilized ones would move (restart) running training pods.
      consolidationPolicy: 'WhenEmpty',
    },
    cpuNodePool: {
      instanceTypes: ['m6i.large', 'm6i.xlarge', 'm7i.large', 'm7i.xlarge'],
      limits: { cpu: 16, memoryGiB: 64 },
    },
    // Maintenance at a quiet hour, not a window SageMaker picks.
    mlflow: { weeklyMaintenanceWindowStart: 'Sun:03:00' },
  },
  guardrails: {
    maxGpuInstancesPerFleet: 8,
    // The fleets of the base (inference 4, training cluster 2, the ML platform's GPU pool 8) and a small second service.
    maxGpuInstancesPerEnvironment: 16,
    allowedInstanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g5.2xlarge', 'g6.xlarge', 'g4dn.12xlarge', 'g5.12xlarge', 'g6.12xlarge', 'ml.g5.xlarge'],
    requireScaleToZero: true,
  },
  budget: { monthlyLimitUsd: 5000 },
};
