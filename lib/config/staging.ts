import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { EnvironmentConfig } from './environment-config';

/** Staging: mirrors prod's shape at a smaller size, still off at night. */
export const staging: EnvironmentConfig = {
  name: 'staging',
  tags: { team: 'ml-platform', costCenter: 'ml-staging-1002', project: 'ai-infra' },
  network: { maxAzs: 2, natGateways: 1 },
  logRetention: RetentionDays.ONE_MONTH,
  backupRetentionDays: 14,
  removalPolicy: RemovalPolicy.DESTROY,
  inference: {
    // Types Control Tower's Nitro controls accept (CT.AUTOSCALING.PR.10/11): their list predates g6.
    instanceTypes: ['g5.xlarge', 'g4dn.xlarge'],
    minCapacity: 1,
    maxCapacity: 4,
    onDemandBaseCapacity: 0,
    onDemandPercentageAboveBaseCapacity: 20,
    rootVolumeSizeGiB: 100,
    model: {
      name: 'sentiment',
      version: '1.0.0',
      containerImage: 'public.ecr.aws/docker/library/python:3.12-slim',
      gpuMemoryFraction: 0.8,
      warmupSeconds: 300,
    },
    maxJobDurationSeconds: 600,
    secondsPerJob: 10,
    acceptableLatencySeconds: 60,
    scaleToZeroAfterIdleMinutes: 30,
    schedule: { enabled: true, timeZone: 'Europe/Berlin', scaleDownCron: '0 22 * * *', scaleUpCron: '0 8 * * 1-5' },
  },
  training: {
    // 4 x A10G on Nitro, as prod; p3.8xlarge (the seed's) is not Nitro (CT.EC2.PR.15).
    instanceType: 'g5.12xlarge',
    maxNodes: 2,
    efa: false,
    rootVolumeSizeGiB: 100,
    spotFleet: {
      instanceTypes: ['g5.12xlarge', 'g4dn.12xlarge'],
      targetCapacity: 0,
      allocationStrategy: 'price-capacity-optimized',
      jobName: 'default',
      trainingCommand: 'exec python3 /opt/train/train.py',
    },
    idleShutdown: { gpuUtilizationThresholdPercent: 10, idleMinutes: 30 },
    checkpointNoncurrentVersionDays: 14,
  },
  sageMaker: {
    imageRepositoryName: 'ai-infra/serving',
    imageTag: '1.0.0',
    modelDataKey: 'models/sentiment/1.0.0/model.tar.gz',
    variants: [{ name: 'primary', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 1 }],
    minCapacity: 1,
    maxCapacity: 2,
    maxRequestsPerSecond: 20,
    safetyFactor: 0.5,
    customerManagedKey: false,
  },
  guardrails: {
    maxGpuInstancesPerFleet: 8,
    allowedInstanceTypes: [
      'g4dn.xlarge', 'g5.xlarge', 'g6.xlarge', 'p3.8xlarge', 'g5.12xlarge', 'g4dn.12xlarge', 'g6.12xlarge', 'ml.g5.xlarge',
    ],
  },
  budget: { monthlyLimitUsd: 5000, notificationEmails: [] },
};
