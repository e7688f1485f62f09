import { Duration } from 'aws-cdk-lib';

/**
 * How an instance of the fleet gets its software: installed and pulled at boot on the Deep Learning
 * AMI (GPU types) or on Amazon Linux 2023 (CPU types), or baked into its AMI.
 */
export type BootImageStrategy = 'deepLearningAmi' | 'amazonLinux2023' | 'bakedImage';

/**
 * Launch to InService per boot image: assumptions until boot.sh's `BootPhaseSeconds` metrics
 * measure real boots (set `fleet.expectedBootTime` from them). Predictive scaling launches this
 * early and the simulator boots instances this long.
 */
export const EXPECTED_BOOT_TIME: Readonly<Record<BootImageStrategy, Duration>> = {
  // EC2 launch and the OS boot (about a minute), dnf installs, the multi-GB serving image pulled,
  // the model loaded: the 300 s the simulator assumed before boots were measured.
  deepLearningAmi: Duration.seconds(300),
  // The same steps on a smaller AMI, plus Docker's install and the image's CPU build: assumed as
  // long as the Deep Learning AMI's until BootPhaseSeconds measures it.
  amazonLinux2023: Duration.seconds(300),
  // No install and no pull: the launch, the OS boot and the model load remain, and the image's
  // layers are read for the first time from a volume restored from a snapshot, whose blocks EBS
  // fetches from S3 on first access (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-initialize.html).
  bakedImage: Duration.seconds(150),
};

/** Tag on the fleet's group naming its boot image strategy, for tools that read the template. */
export const BOOT_IMAGE_TAG = 'ai-infra:boot-image';
/** Tag on the fleet's group holding its expected boot time in seconds, for tools that read the template. */
export const EXPECTED_BOOT_SECONDS_TAG = 'ai-infra:expected-boot-seconds';

/**
 * The phases boot.sh times, in order: the OS boot (kernel start to user data), then each of its
 * steps. It publishes each phase's duration once per boot as `BootPhaseSeconds`, dimensions
 * `AutoScalingGroupName` and `Phase`, in the instance metrics namespace (a failed boot publishes
 * the phases it finished; a cache hit skips the download and the extraction).
 */
export const BOOT_PHASES = [
  'os-boot', 'packages', 'cloudwatch-agent', 'cache-mount', 'cache-lock', 'model-download', 'model-extract',
  'image-pull', 'container-start', 'health', 'agent-start',
] as const;

/** One phase of the boot. */
export type BootPhase = (typeof BOOT_PHASES)[number];

/** The metric boot.sh publishes each phase's duration as. */
export const BOOT_PHASE_METRIC_NAME = 'BootPhaseSeconds';
