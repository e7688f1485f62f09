/** Seconds between a spot interruption notice and the interruption (AWS_DOCS.spotInterruptionNotice). */
export const SPOT_INTERRUPTION_NOTICE_SECONDS = 120;

/**
 * Default interruption rate: the Spot Instance Advisor's lowest frequency bucket, "<5 %" of
 * instances interrupted per month (AWS_DOCS.spotInstanceAdvisor), as 5 % per 730 instance-hours.
 * Pass `--spot-interruptions-per-instance-hour` for a pool's own rate.
 */
export const DEFAULT_SPOT_INTERRUPTIONS_PER_INSTANCE_HOUR = 0.05 / 730;

/** Probability that a running spot instance gets its notice within one minute. */
export function interruptionProbabilityPerMinute(interruptionsPerInstanceHour: number): number {
  return 1 - Math.exp(-interruptionsPerInstanceHour / 60);
}

/**
 * Whether the next launch is on-demand (AWS_DOCS.mixedInstances): the first
 * `onDemandBaseCapacity` instances are, then `onDemandPercentageAboveBaseCapacity` percent of the
 * rest (assumed rounded up, in favour of on-demand).
 */
export function nextLaunchIsOnDemand(liveOnDemand: number, liveTotal: number, base: number, percentAboveBase: number): boolean {
  return liveOnDemand < wantedOnDemand(liveTotal + 1, { onDemandBaseCapacity: base, onDemandPercentageAboveBaseCapacity: percentAboveBase });
}

/** On-demand instances a group of `total` keeps: the base, then the percentage of the rest, rounded up. */
export function wantedOnDemand(total: number, fleet: { readonly onDemandBaseCapacity: number; readonly onDemandPercentageAboveBaseCapacity: number }): number {
  return Math.min(total, fleet.onDemandBaseCapacity) + Math.ceil((Math.max(0, total - fleet.onDemandBaseCapacity) * fleet.onDemandPercentageAboveBaseCapacity) / 100);
}
