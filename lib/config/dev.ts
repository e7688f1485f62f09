import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { EnvironmentConfig } from './environment-config';

/** Dev: one small GPU type, mostly spot, off at night, nothing kept on teardown. */
export const dev: EnvironmentConfig = {
  name: 'dev',
  tags: { team: 'ml-platform', costCenter: 'ml-dev-1001', project: 'ai-infra' },
  network: { maxAzs: 2, natGateways: 1 },
  logRetention: RetentionDays.ONE_WEEK,
  backupRetentionDays: 7,
  removalPolicy: RemovalPolicy.DESTROY,
  inference: {
    // Types Control Tower's Nitro controls accept (CT.AUTOSCALING.PR.10/11): their list predates g6.
    instanceTypes: ['g4dn.xlarge', 'g5.xlarge'],
    minCapacity: 0,
    maxCapacity: 2,
    onDemandBaseCapacity: 0,
    onDemandPercentageAboveBaseCapacity: 0,
    spotMaxPriceUsdPerHour: 0.5,
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
    acceptableLatencySeconds: 120,
    scaleToZeroAfterIdleMinutes: 15,
    schedule: { enabled: true, timeZone: 'Europe/Berlin', scaleDownCron: '0 22 * * *', scaleUpCron: '0 8 * * 1-5' },
  },
  training: {
    instanceType: 'g4dn.12xlarge',
    maxNodes: 2,
    efa: false,
    rootVolumeSizeGiB: 100,
    spotFleet: {
      // Nitro types on Control Tower's list (CT.EC2.PR.18/20), which predates g6.
      instanceTypes: ['g4dn.12xlarge', 'g5.12xlarge'],
      targetCapacity: 0,
      allocationStrategy: 'price-capacity-optimized',
      jobName: 'default',
      trainingCommand: 'exec python3 /opt/train/train.py',
    },
    idleShutdown: { gpuUtilizationThresholdPercent: 10, idleMinutes: 30 },
    checkpointNoncurrentVersionDays: 7,
  },
  sageMaker: {
    imageRepositoryName: 'ai-infra/serving',
    imageTag: '1.0.0',
    modelDataKey: 'models/sentiment/1.0.0/model.tar.gz',
    variants: [{ name: 'primary', instanceType: 'ml.m5.large', initialInstanceCount: 1, initialVariantWeight: 1 }],
    minCapacity: 1,
    maxCapacity: 2,
    maxRequestsPerSecond: 10,
    safetyFactor: 0.5,
    customerManagedKey: false,
  },
  guardrails: {
    maxGpuInstancesPerFleet: 4,
    allowedInstanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge', 'g4dn.12xlarge', 'g5.12xlarge', 'g6.12xlarge', 'ml.m5.large'],
  },
  budget: { monthlyLimitUsd: 1500, notificationEmails: [] },
};
