import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { baseConfig } from './base';
import { defineEnvironment } from './define-environment';

/** Dev: small and cheap, no GPU to serve, all spot, off at night, nothing kept on teardown. */
export const dev = defineEnvironment(baseConfig, 'dev', {
  tags: { costCenter: 'ml-dev-1001' },
  logRetention: RetentionDays.ONE_WEEK,
  backupRetentionDays: 7,
  inference: {
    default: {
      fleet: {
        // Small CPU types, cheapest first (us-east-1 on-demand, lib/pricing/price-table.ts: c6i.large
        // 0.085, c7i.large 0.08925, m6i.large 0.096, m7i.large 0.1008 USD/h): the sample model is a
        // word lexicon, served by the image's CPU build; four types give spot room to choose.
        instanceTypes: ['c6i.large', 'c7i.large', 'm6i.large', 'm7i.large'],
        minCapacity: 0,
        maxCapacity: 2,
        onDemandPercentageAboveBaseCapacity: 0,
        // Amazon Linux 2023 and the CPU image take a few GB.
        rootVolumeSizeGiB: 30,
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
    // Dev's GPU fleets (the training cluster's 2) and its GPU pool's 4 once the ML platform is on; the
    // inference fleet runs CPU types, which the GPU caps do not count, and 2 spare for a GPU service.
    maxGpuInstancesPerEnvironment: 8,
    allowedInstanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge', 'g4dn.12xlarge', 'g5.12xlarge', 'g6.12xlarge', 'ml.m5.large'],
  },
  budget: { monthlyLimitUsd: 1500 },
});
