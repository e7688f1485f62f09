import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { EnvironmentConfig } from './environment-config';

/** Prod: three AZs, an on-demand base, always on, every stateful resource retained. */
export const prod: EnvironmentConfig = {
  name: 'prod',
  tags: { team: 'ml-platform', costCenter: 'ml-prod-1003', project: 'ai-infra' },
  network: { maxAzs: 3, natGateways: 3 },
  // A year, as Control Tower asks of log groups (CT.CLOUDWATCH.PR.2) and audits expect.
  logRetention: RetentionDays.ONE_YEAR,
  backupRetentionDays: 35,
  removalPolicy: RemovalPolicy.RETAIN,
  inference: {
    // Types Control Tower's Nitro controls accept (CT.AUTOSCALING.PR.10/11): their list predates g6.
    instanceTypes: ['g5.xlarge', 'g5.2xlarge', 'g4dn.xlarge'],
    minCapacity: 2,
    maxCapacity: 10,
    onDemandBaseCapacity: 2,
    onDemandPercentageAboveBaseCapacity: 25,
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
    acceptableLatencySeconds: 30,
    scaleToZeroAfterIdleMinutes: 60,
    schedule: { enabled: false, timeZone: 'Europe/Berlin', scaleDownCron: '0 22 * * *', scaleUpCron: '0 8 * * 1-5' },
  },
  training: {
    // 4 x A10G (24 GB each) on Nitro at less than half the price of the seed's p3.8xlarge
    // (4 x V100, not Nitro: CT.EC2.PR.15), which stays in allowedInstanceTypes for whoever needs it.
    instanceType: 'g5.12xlarge',
    maxNodes: 4,
    efa: false,
    rootVolumeSizeGiB: 100,
    spotFleet: {
      instanceTypes: ['g5.12xlarge', 'g5.48xlarge', 'p4d.24xlarge'],
      targetCapacity: 0,
      allocationStrategy: 'price-capacity-optimized',
      jobName: 'default',
      trainingCommand: 'exec python3 /opt/train/train.py',
    },
    idleShutdown: { gpuUtilizationThresholdPercent: 10, idleMinutes: 60 },
    checkpointNoncurrentVersionDays: 30,
  },
  sageMaker: {
    imageRepositoryName: 'ai-infra/serving',
    imageTag: '1.0.0',
    modelDataKey: 'models/sentiment/1.0.0/model.tar.gz',
    variants: [
      { name: 'primary', instanceType: 'ml.g5.xlarge', initialInstanceCount: 2, initialVariantWeight: 9 },
      { name: 'candidate', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 1 },
    ],
    minCapacity: 1,
    maxCapacity: 6,
    maxRequestsPerSecond: 20,
    safetyFactor: 0.5,
    customerManagedKey: true,
  },
  guardrails: {
    maxGpuInstancesPerFleet: 10,
    allowedInstanceTypes: [
      'g4dn.xlarge', 'g5.xlarge', 'g5.2xlarge', 'g6.xlarge',
      'g5.12xlarge', 'p3.8xlarge', 'p3.16xlarge', 'g5.48xlarge', 'p4d.24xlarge', 'ml.g5.xlarge',
    ],
  },
  budget: { monthlyLimitUsd: 40000, notificationEmails: [] },
};
