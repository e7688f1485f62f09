import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Defaults, withDefaults } from '../../defaults';
import { checkDeepLearningAmiSupports } from '../../gpu/deep-learning-ami';
import { fleetInstanceTypesProblems, fleetProcessorOf } from '../../gpu/fleet-processor';
import {
  Problem,
  checkDurationBetween,
  checkInRange,
  checkMinMax,
  checkNoDuplicates,
  checkNonEmptyList,
  checkSpotMaxPrice,
  checkWholeDuration,
  checkWholeNumberAtLeast,
  withPath,
} from '../../validation';
import { BakedImageSettings, bakedImageSettingsProblems } from './baked-image-settings';
import { BootImageStrategy, EXPECTED_BOOT_TIME } from './boot-time';

/**
 * The launch hook's heartbeat timeout: the boot records a heartbeat at least this often while it
 * makes progress, so a stuck boot is abandoned this soon while a slow one runs its whole budget.
 */
export const BOOT_HEARTBEAT_TIMEOUT = Duration.minutes(5);

/** The fleet's sizing, purchasing and boot settings: plain values an environment config holds. */
export interface GpuFleetSettings {
  /**
   * Instance types of the mixed instances policy, most preferred first, each once: catalogued
   * NVIDIA GPU types (`g5.xlarge`), or x86_64 types without accelerators (`c7i.large`) for a CPU
   * fleet (a development fleet serving a small model), never both. The kind picks the AMI, the
   * serving image's build, `--gpus all` and the utilization the fleet scales in on.
   */
  readonly instanceTypes: string[];
  /** MinSize of the group (0 allowed). */
  readonly minCapacity: number;
  /** MaxSize of the group. */
  readonly maxCapacity: number;
  /**
   * On-demand instances kept before any spot capacity.
   * @default 0
   */
  readonly onDemandBaseCapacity?: number;
  /**
   * Percentage of capacity above the base that is on-demand; the rest is spot.
   * @default 0 (all spot above the base)
   */
  readonly onDemandPercentageAboveBaseCapacity?: number;
  /**
   * Highest spot price to pay, USD per hour; must be below every type's on-demand price.
   * @default - the current spot price, capped at on-demand
   */
  readonly spotMaxPriceUsdPerHour?: number;
  /**
   * Size of the encrypted gp3 root volume (30-16384).
   * @default 100
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * Longest a boot may take, from launch until the model is warm (packages, cache, model
   * download, image pull, health): the boot abandons itself past it. At most 100 heartbeat
   * timeouts (Auto Scaling's limit on extending a lifecycle action).
   * @default Duration.minutes(30)
   */
  readonly bootBudget?: Duration;
  /**
   * Launch to InService as scaling plans for it: predictive scaling launches instances this
   * early, and the simulator boots them this long (it reads the group's
   * `ai-infra:expected-boot-seconds` tag). Whole seconds, at most `bootBudget`.
   * @default - per boot image (EXPECTED_BOOT_TIME): 300 s from the Deep Learning AMI or Amazon Linux 2023, 150 s from a baked image
   */
  readonly expectedBootTime?: Duration;
  /**
   * Boot from an AMI with the packages and the serving image baked in (EC2 Image Builder, see
   * BakedImage), built by the inference service at deploy.
   * @default - none: instances boot the Deep Learning AMI (GPU) or Amazon Linux 2023 (CPU), then install the packages and pull the image
   */
  readonly bakedImage?: BakedImageSettings;
  /**
   * Time after an instance goes InService before its metrics count for scaling. The instance
   * is InService only once its model is warm, so this covers the first jobs, not the boot.
   * @default Duration.minutes(2)
   */
  readonly instanceWarmup?: Duration;
  /**
   * Grace period before ELB health checks count; it starts once the launch hook completes.
   * @default Duration.minutes(2)
   */
  readonly healthCheckGracePeriod?: Duration;
}

/** The defaults of {@link GpuFleetSettings}. */
// expectedBootTime defaults per boot image (expectedBootTimeOf); no spot price cap and no baked image unless set.
export const GPU_FLEET_DEFAULTS: Defaults<Omit<GpuFleetSettings, 'spotMaxPriceUsdPerHour' | 'expectedBootTime' | 'bakedImage'>> = {
  onDemandBaseCapacity: 0,
  onDemandPercentageAboveBaseCapacity: 0,
  rootVolumeSizeGiB: 100,
  bootBudget: Duration.minutes(30),
  instanceWarmup: Duration.minutes(2),
  healthCheckGracePeriod: Duration.minutes(2),
};

/** How the fleet's instances get their software: baked into an AMI, or installed at boot on the processor's AMI. */
export function bootImageOf(settings: Pick<GpuFleetSettings, 'instanceTypes' | 'bakedImage'>): BootImageStrategy {
  if (settings.bakedImage) return 'bakedImage';
  return fleetProcessorOf(settings.instanceTypes) === 'gpu' ? 'deepLearningAmi' : 'amazonLinux2023';
}

/** The fleet's expected boot time: the settings', or the assumption of its boot image. */
export function expectedBootTimeOf(settings: GpuFleetSettings): Duration {
  return settings.expectedBootTime ?? EXPECTED_BOOT_TIME[bootImageOf(settings)];
}

/**
 * The rules of {@link GpuFleetSettings}, each problem naming its field: the instance types all
 * NVIDIA GPU types or all CPU types, and GPU types the default Deep Learning AMI runs unless a
 * `machineImage` is given.
 */
export function gpuFleetSettingsProblems(settings: GpuFleetSettings & { readonly machineImage?: ec2.IMachineImage }): Problem[] {
  const { onDemandBaseCapacity, bootBudget } = withDefaults(settings, GPU_FLEET_DEFAULTS);
  return [
    checkNonEmptyList('instanceTypes', settings.instanceTypes),
    ...fleetInstanceTypesProblems('instanceTypes', settings.instanceTypes),
    ...(settings.machineImage ? [] : settings.instanceTypes.map((type, n) => checkDeepLearningAmiSupports(`instanceTypes[${n}]`, type))),
    checkNoDuplicates('instanceTypes', settings.instanceTypes),
    checkWholeNumberAtLeast('minCapacity', settings.minCapacity, 0),
    checkWholeNumberAtLeast('maxCapacity', settings.maxCapacity, 1),
    checkMinMax('maxCapacity', settings.maxCapacity, 'minCapacity', settings.minCapacity),
    checkWholeNumberAtLeast('onDemandBaseCapacity', settings.onDemandBaseCapacity, 0),
    checkMinMax('maxCapacity', settings.maxCapacity, 'onDemandBaseCapacity', onDemandBaseCapacity),
    checkInRange('onDemandPercentageAboveBaseCapacity', settings.onDemandPercentageAboveBaseCapacity, 0, 100),
    checkSpotMaxPrice('spotMaxPriceUsdPerHour', settings.spotMaxPriceUsdPerHour, settings.instanceTypes),
    checkInRange('rootVolumeSizeGiB', settings.rootVolumeSizeGiB, 30, 16_384),
    checkDurationBetween('bootBudget', settings.bootBudget, BOOT_HEARTBEAT_TIMEOUT, Duration.minutes(BOOT_HEARTBEAT_TIMEOUT.toMinutes() * 100)),
    checkWholeDuration('bootBudget', settings.bootBudget, 'seconds'),
    // Against a valid budget only: a fractional one has its own problem above.
    Number.isInteger(bootBudget.toSeconds({ integral: false }))
      ? checkDurationBetween('expectedBootTime', expectedBootTimeOf(settings), Duration.seconds(1), bootBudget)
      : undefined,
    checkWholeDuration('expectedBootTime', expectedBootTimeOf(settings), 'seconds'),
    ...(settings.bakedImage ? withPath('bakedImage', bakedImageSettingsProblems(settings.bakedImage)) : []),
    checkDurationBetween('instanceWarmup', settings.instanceWarmup, Duration.seconds(0), Duration.hours(1)),
    checkDurationBetween('healthCheckGracePeriod', settings.healthCheckGracePeriod, Duration.seconds(0), Duration.hours(2)),
  ];
}
