import { SignalName } from './fleet-model';
import { Datapoint } from './metric-math';

const SIGNALS: readonly SignalName[] = ['visible', 'inFlight', 'oldestAgeSeconds', 'sent', 'inService', 'desired', 'gpuUtilization', 'cpuUtilization'];
/** The signals SQS publishes: the ones a reactivation delay holds back. */
const SQS_SIGNALS: ReadonlySet<SignalName> = new Set(['visible', 'inFlight', 'oldestAgeSeconds', 'sent']);

/**
 * The simulated CloudWatch: one sample per signal per minute (NaN when nothing was published),
 * aggregated into datapoints of any whole-minute period by statistic. SQS samples can be held
 * back: a sample hidden until minute h is missing to every evaluation before h.
 */
export class MetricStore {
  private readonly series: Record<SignalName, Float64Array>;
  private readonly sqsHiddenUntil: Int32Array;

  constructor(public readonly minutes: number) {
    this.series = Object.fromEntries(SIGNALS.map((s) => [s, new Float64Array(minutes).fill(Number.NaN)])) as Record<SignalName, Float64Array>;
    this.sqsHiddenUntil = new Int32Array(minutes);
  }

  /** Records the sample of `signal` for minute `minute`; undefined means not published. */
  record(signal: SignalName, minute: number, value: number | undefined): void {
    this.series[signal][minute] = value ?? Number.NaN;
  }

  /** Holds the SQS samples of `minute` back from evaluations before `untilMinute`. */
  holdSqsBack(minute: number, untilMinute: number): void {
    this.sqsHiddenUntil[minute] = untilMinute;
  }

  /** Whether no sample of the minutes [endMinute - periodMinutes, endMinute) is still held back at `asOfMinute`: their datapoints are final. */
  isFinal(endMinute: number, periodMinutes: number, asOfMinute: number): boolean {
    for (let m = Math.max(0, endMinute - periodMinutes); m < Math.min(endMinute, this.minutes); m++) if (this.sqsHiddenUntil[m] > asOfMinute) return false;
    return true;
  }

  /** The raw samples of `signal`. */
  samples(signal: SignalName): Float64Array {
    return this.series[signal];
  }

  /**
   * The datapoint of `signal` by `statistic` over the minutes [endMinute - periodMinutes, endMinute),
   * as an evaluation at `asOfMinute` sees it: missing when no sample in the period was published
   * (or reached CloudWatch) by then.
   */
  datapoint(signal: SignalName, statistic: string, endMinute: number, periodMinutes: number, asOfMinute = Number.POSITIVE_INFINITY): Datapoint {
    const values = this.series[signal];
    const held = SQS_SIGNALS.has(signal);
    let count = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let m = Math.max(0, endMinute - periodMinutes); m < Math.min(endMinute, this.minutes); m++) {
      const v = values[m];
      if (Number.isNaN(v) || (held && this.sqsHiddenUntil[m] > asOfMinute)) continue;
      count++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (count === 0) return undefined;
    switch (statistic) {
      case 'Average': return sum / count;
      case 'Sum': return sum;
      case 'Maximum': return max;
      case 'Minimum': return min;
      case 'SampleCount': return count;
      default: throw new Error(`statistic "${statistic}" is not simulated (Average, Sum, Maximum, Minimum, SampleCount are)`);
    }
  }
}
