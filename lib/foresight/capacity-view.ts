/** What a scaling policy sees of the group when it acts. */
export interface CapacityView {
  /** Current desired capacity. */
  readonly desired: number;
  /** InService instances (warming or not), not terminating: the metric's GroupInServiceInstances. */
  readonly inService: number;
  /** InService instances past their default instance warmup. */
  readonly settled: number;
  /** Instances pending or still in their default instance warmup. */
  readonly warming: number;
  /** Instances terminating (draining, or between a spot interruption notice and the interruption). */
  readonly terminating: number;
}
