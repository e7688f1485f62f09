import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { baseConfig } from './base';
import { defineEnvironment } from './define-environment';

/** Prod: three AZs, an on-demand base, always on, every stateful resource retained, a standby Region. */
export const prod = defineEnvironment(baseConfig, 'prod', {
  // Active-passive (docs/multi-region.md): jobs go to us-east-1, and to us-west-2
  // when us-east-1's queue cannot be reached or it is marked impaired.
  region: 'us-east-1',
  secondaryRegion: 'us-west-2',
  tags: { costCenter: 'ml-prod-1003' },
  network: { maxAzs: 3, natGateways: 3 },
  // A year, as Control Tower asks of log groups (CT.CLOUDWATCH.PR.2) and audits expect.
  logRetention: RetentionDays.ONE_YEAR,
  backupRetentionDays: 35,
  removalPolicy: RemovalPolicy.RETAIN,
  inference: {
    default: {
      fleet: {
        minCapacity: 2,
        maxCapacity: 10,
        onDemandBaseCapacity: 2,
        onDemandPercentageAboveBaseCapacity: 25,
        // 150 s boots instead of 300 s: within 30 s of latency, the nightly batch and the office
        // mornings need the capacity a boot sooner (docs/foresight.md); a few USD a month.
        bakedImage: {},
      },
      scaling: { acceptableLatency: Duration.seconds(30), scaleToZeroAfterIdle: Duration.minutes(60) },
      // Below 60 % for 5 minutes, two at a time: ten instances come down after a burst within 1.3 x
      // the clairvoyant limit, and a steady load does not dip below what it needs (65 % did, 1 at
      // a time kept bursts' instances; docs/foresight.md, npm run simulate -- --all). MinSize 2 stays.
      gpuScaleIn: { thresholdPercent: 60, evaluationPeriods: 5, scaleInBy: 2 },
      schedule: undefined,
    },
  },
  training: {
    // V100s (p3.8xlarge) train on SageMaker only (npm run train -- start --on sagemaker
    // --instance-type ml.p3.8xlarge): the EC2 capacity's Deep Learning Base OSS Nvidia Driver AMI does not support Volta.
    cluster: { maxNodes: 4 },
    spotFleet: { instanceTypes: ['g5.12xlarge', 'g6.12xlarge', 'g5.48xlarge', 'p4d.24xlarge'] },
    idleShutdown: { idleDuration: Duration.minutes(60) },
    checkpointNoncurrentVersionDays: 30,
  },
  sageMaker: {
    endpoint: {
      variants: [
        { name: 'primary', instanceType: 'ml.g5.xlarge', initialInstanceCount: 2, initialVariantWeight: 9 },
        { name: 'candidate', instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 1 },
      ],
      maxCapacity: 6,
      // No customerManagedKey: ml.g5 stores on local NVMe, which the instance's hardware encrypts,
      // and SageMaker refuses a KMS key for it (sageMakerEndpointSettingsProblems says so at synth).
    },
    // The endpoint's callers fail over too: its variants run in us-west-2 around the clock.
    inSecondaryRegion: true,
  },
  // On: the teams' experiment tracking and pipelines.
  mlPlatform: { enabled: true },
  guardrails: {
    maxGpuInstancesPerFleet: 10,
    // Prod's fleets (inference 10, its standby in us-west-2 10, training cluster 4, the GPU pool 8)
    // and a small second service: both Regions' fleets can run at once while jobs move over.
    maxGpuInstancesPerEnvironment: 34,
    allowedInstanceTypes: [
      'g4dn.xlarge', 'g5.xlarge', 'g5.2xlarge', 'g6.xlarge',
      'g5.12xlarge', 'g6.12xlarge', 'g5.48xlarge', 'p4d.24xlarge', 'ml.g5.xlarge',
    ],
    requireScaleToZero: false,
  },
  budget: { monthlyLimitUsd: 40000 },
  // Who hears prod: its alarms, budget and idle-shutdown reports reach these. Put the on-call
  // addresses here, and Slack or Teams channels once their workspace or team is authorized in
  // the Amazon Q Developer in chat applications console (docs/operations.md "Notifications"), e.g.
  // notifications: {
  //   emails: ['ml-oncall@example.com'],
  //   slackChannels: [{ workspaceId: 'T07EA123LEP', channelId: 'C07EZ1ABC23' }],
  // },
});
