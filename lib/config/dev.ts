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
    fleet: {
      instanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge'],
      minCapacity: 0,
      maxCapacity: 2,
      onDemandPercentageAboveBaseCapacity: 0,
      spotMaxPriceUsdPerHour: 0.5,
    },
    scaling: { acceptableLatency: Duration.seconds(120), scaleToZeroAfterIdle: Duration.minutes(15) },
    results: { retention: Duration.days(7) },
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
  guardrails: {
    maxGpuInstancesPerFleet: 4,
    allowedInstanceTypes: ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge', 'g4dn.12xlarge', 'g5.12xlarge', 'g6.12xlarge', 'ml.m5.large'],
  },
  budget: { monthlyLimitUsd: 1500 },
});
