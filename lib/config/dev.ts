import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { baseConfig } from './base';
import { defineEnvironment } from './define-environment';

/** Dev: small and cheap, all spot, off at night, nothing kept on teardown. */
export const dev = defineEnvironment(baseConfig, 'dev', {
  tags: { costCenter: 'ml-dev-1001' },
  logRetention: RetentionDays.ONE_WEEK,
  backupRetentionDays: 7,
  inference: {
    default: {
      fleet: {
        instanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge'],
        minCapacity: 0,
        maxCapacity: 2,
        onDemandPercentageAboveBaseCapacity: 0,
        spotMaxPriceUsdPerHour: 0.5,
      },
      scaling: { acceptableLatency: Duration.seconds(120) },
      // The second instance goes after 7 minutes below 50 % (the base: 9 below 57 %): a burst's
      // instance costs less after it, and office hours keep their p95 wait (5 minutes did not).
      gpuScaleIn: { thresholdPercent: 50, evaluationPeriods: 7 },
      results: { retention: Duration.days(7) },
    },
  },
  training: {
    cluster: { instanceType: 'g4dn.12xlarge' },
    spotFleet: { instanceTypes: ['g4dn.12xlarge', 'g5.12xlarge', 'g6.12xlarge'] },
    checkpointNoncurrentVersionDays: 7,
  },
  sageMaker: {
    endpoint: {
      variants: [{ name: 'primary', instanceType: 'ml.m5.large', initialInstanceCount: 1, initialVariantWeight: 1 }],
      maxRequestsPerSecond: 10,
    },
  },
  // Off (the base): switch on with enabled: true; the GPU pool already fits dev's guardrails.
  mlPlatform: { gpuNodePool: { limits: { cpu: 48, memoryGiB: 192, gpus: 4 } } },
  guardrails: {
    maxGpuInstancesPerFleet: 4,
    // Dev's fleets (inference 2, training cluster 2) and its GPU pool's 4 once the ML platform is on.
    maxGpuInstancesPerEnvironment: 8,
    allowedInstanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge', 'g4dn.12xlarge', 'g5.12xlarge', 'g6.12xlarge', 'ml.m5.large'],
  },
  budget: { monthlyLimitUsd: 1500 },
});
