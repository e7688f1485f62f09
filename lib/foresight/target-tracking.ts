import { AlarmModel, TargetTrackingPolicyModel } from './fleet-model';
import { CapacityView } from './capacity-view';

/**
 * How many one-minute datapoints target tracking's two AWS-managed alarms need
 * (AWS_DOCS.targetTracking). AWS documents that it creates and manages two alarms but not their
 * settings: an assumption, `--target-tracking-scale-out-datapoints` / `--target-tracking-scale-in-datapoints`.
 */
export interface TargetTrackingCadence {
  /** N of N breaching datapoints before a scale-out. */
  readonly scaleOutDatapoints: number;
  /** N of N datapoints below the scale-in threshold before a scale-in. */
  readonly scaleInDatapoints: number;
}

/** The cadence observed on one-minute metrics: scale-out after 3 of 3, scale-in after 15 of 15. */
export const OBSERVED_TARGET_TRACKING_CADENCE: TargetTrackingCadence = { scaleOutDatapoints: 3, scaleInDatapoints: 15 };
/**
 * Observed: the scale-in alarm's threshold sits below the target (AWS_DOCS.targetTracking: it
 * scales in only when the metric is well below the target, "usually more than 10 % lower").
 */
export const TARGET_TRACKING_SCALE_IN_RATIO = 0.9;

/**
 * The policy's two alarms. Sub-minute (high-resolution) periods are approximated at the
 * simulator's one-minute resolution: the same number of seconds of breaching datapoints,
 * rounded up to whole minutes. The high alarm treats missing data as missing; the low alarm as
 * not breaching, so no datapoints never scale in.
 */
export function targetTrackingAlarms(
  policy: TargetTrackingPolicyModel,
  cadence: TargetTrackingCadence = OBSERVED_TARGET_TRACKING_CADENCE,
): { high: AlarmModel; low: AlarmModel } {
  const minutes = (datapoints: number) => Math.max(1, Math.ceil((datapoints * Math.min(policy.periodSeconds, 60)) / 60));
  const common = { queries: policy.queries, periodSeconds: 60 };
  const out = minutes(cadence.scaleOutDatapoints);
  const inn = minutes(cadence.scaleInDatapoints);
  return {
    high: { ...common, evaluationPeriods: out, datapointsToAlarm: out, threshold: policy.targetValue, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'missing' },
    low: { ...common, evaluationPeriods: inn, datapointsToAlarm: inn, threshold: policy.targetValue * TARGET_TRACKING_SCALE_IN_RATIO, comparisonOperator: 'LessThanThreshold', treatMissingData: 'notBreaching' },
  };
}

/**
 * The capacity target tracking asks for: proportional to the metric, ceil(inService x metric /
 * target) (AWS_DOCS.targetTracking: "adds capacity proportional to the metric"). Scale-out never
 * goes below the current desired capacity, whose warming instances already count
 * (AWS_DOCS.defaultInstanceWarmup); scale-in never goes above it and waits while any instance
 * is warming.
 */
export function targetTrackingDesired(
  policy: TargetTrackingPolicyModel,
  direction: 'out' | 'in',
  metric: number,
  view: CapacityView,
): number | undefined {
  const proportional = Math.max(0, Math.ceil((view.inService * metric) / policy.targetValue - 1e-9));
  if (direction === 'out') return Math.max(view.desired, proportional);
  if (policy.disableScaleIn || view.warming > 0) return undefined;
  return Math.min(view.desired, proportional);
}
