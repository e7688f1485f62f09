import { CapacityView } from './capacity-view';
import { PredictivePolicyModel } from './fleet-model';
import { Datapoint, DivisionByZero } from './metric-math';
import { QueryEvaluator, compileQueries } from './metric-query';
import { MetricStore } from './metric-store';

/**
 * How the load forecast is made. AWS does not document its algorithm, only that it looks for
 * daily and weekly patterns in up to 14 days of history (AWS_DOCS.predictiveScaling): the
 * simulator's assumption, `--forecast`.
 * - `weekly`: the mean load of the same hour of the week in the last two weeks (one week while
 *   only one is known; `daily` while less than a week is);
 * - `daily`: the mean load of the same hour of the day over the last 14 days.
 */
export type ForecastModel = 'weekly' | 'daily';

/** The forecast model the simulator assumes unless `--forecast` says otherwise. */
export const DEFAULT_FORECAST_MODEL: ForecastModel = 'weekly';

/** AWS_DOCS.predictiveScaling: "at least 24 hours of data", "up to the past 14 days", "updated every 6 hours". */
const MIN_HISTORY_HOURS = 24;
const MAX_HISTORY_HOURS = 14 * 24;
const REFRESH_HOURS = 6;
const HOURS_PER_WEEK = 168;

/** What the policy does at a minute: the desired capacity it asks for, and a MaxSize it raises. */
export interface PredictiveAction {
  readonly desired: number;
  /** Set when IncreaseMaxCapacity raises MaxSize to fit the forecast (it never lowers it back). */
  readonly maxSize?: number;
}

/** How a predictive scaling policy runs in the simulation. */
export interface PredictiveOptions {
  readonly forecast: ForecastModel;
  readonly divisionByZero: DivisionByZero;
  /** Epoch seconds of the simulation's first minute: forecast hours and refreshes are UTC hours. */
  readonly startEpochSeconds: number;
}

/**
 * A predictive scaling policy over the simulated metrics (AWS_DOCS.predictiveScaling,
 * AWS_DOCS.predictiveScalingConfiguration):
 * - the forecast is refreshed every 6 hours (at 00, 06, 12 and 18 UTC, an assumption) from the
 *   hourly load of the hours that ended before the refresh, once 24 hours of them exist, looking
 *   back at most 14 days; the load forecast of an hour follows `forecast` (ForecastModel);
 * - the capacity forecast is the capacity that puts the scaling metric at its target under the
 *   forecast load: the history's relation between them (the median over past hours with load
 *   and capacity of scaling x InService / load; for jobs per instance per minute, 1/60 per job
 *   an hour), rounded up to whole instances (an assumption: AWS forecasts fractional capacity);
 * - in ForecastAndScale the desired capacity rises to the forecast `schedulingBufferSeconds`
 *   before each hour (at the start of the minute that holds that instant), never falls: dynamic
 *   policies scale in; ForecastOnly changes nothing;
 * - HonorMaxCapacity caps the forecast at MaxSize; IncreaseMaxCapacity raises MaxSize to the
 *   forecast plus `maxCapacityBuffer` percent, and MaxSize stays there.
 */
export class PredictiveScaler {
  private readonly load: QueryEvaluator;
  private readonly scaling: QueryEvaluator;
  private readonly capacity: QueryEvaluator;
  /** Minutes from the simulation's start to the first UTC hour boundary. */
  private readonly firstHourMinute: number;
  private readonly bufferMinutes: number;
  /** Hourly load of past hours (index: hour since the first boundary); NaN until computed. */
  private readonly hourlyLoad: number[] = [];
  private readonly hourlyRatio: number[] = [];

  constructor(private readonly policy: PredictivePolicyModel, private readonly options: PredictiveOptions) {
    this.load = compileQueries(policy.load, options.divisionByZero);
    this.scaling = compileQueries(policy.scaling, options.divisionByZero);
    this.capacity = compileQueries([{ id: 'capacity', signal: 'inService', statistic: 'Average', returnData: true }], options.divisionByZero);
    const startMinute = Math.floor(options.startEpochSeconds / 60);
    this.firstHourMinute = (60 - (startMinute % 60)) % 60;
    this.bufferMinutes = Math.ceil(policy.schedulingBufferSeconds / 60);
  }

  /**
   * The action at the start of minute `minute`, after the metrics of the minutes before it were
   * recorded: undefined unless a forecast hour's capacity is due now and above `view.desired`.
   */
  decide(store: MetricStore, minute: number, view: CapacityView, maxSize: number): PredictiveAction | undefined {
    if (this.policy.mode !== 'ForecastAndScale') return undefined;
    const hourStart = minute + this.bufferMinutes;
    if ((hourStart - this.firstHourMinute) % 60 !== 0 || hourStart < this.firstHourMinute) return undefined;
    const hour = (hourStart - this.firstHourMinute) / 60;
    const forecast = this.capacityForecast(store, hour, minute);
    if (forecast === undefined) return undefined;
    if (this.policy.maxCapacityBreachBehavior === 'HonorMaxCapacity') {
      const desired = Math.min(forecast, maxSize);
      return desired > view.desired ? { desired } : undefined;
    }
    const raisedMax = Math.max(maxSize, Math.ceil(forecast * (1 + (this.policy.maxCapacityBuffer ?? 0) / 100) - 1e-9));
    return forecast > view.desired || raisedMax > maxSize ? { desired: Math.max(view.desired, forecast), maxSize: raisedMax } : undefined;
  }

  /** Whole instances forecast for `hour` (since the first boundary) by the refresh before `asOfMinute`; undefined without enough history. */
  capacityForecast(store: MetricStore, hour: number, asOfMinute: number): number | undefined {
    // Hours complete at the last refresh (UTC multiples of 6 hours) before the action.
    const startHourOfDay = Math.floor(this.options.startEpochSeconds / 3600) + (this.firstHourMinute > 0 ? 1 : 0);
    const hoursKnownNow = Math.floor((asOfMinute - this.firstHourMinute) / 60);
    const known = hoursKnownNow - ((startHourOfDay + hoursKnownNow) % REFRESH_HOURS);
    if (known < MIN_HISTORY_HOURS) return undefined;
    const first = Math.max(0, known - MAX_HISTORY_HOURS);
    for (let h = first; h < known; h++) this.record(store, h, asOfMinute);
    const loadForecast = this.loadForecast(hour, first, known);
    const ratios = this.hourlyRatio.slice(first, known).filter((r) => Number.isFinite(r)).sort((a, b) => a - b);
    if (loadForecast === undefined || ratios.length === 0) return undefined;
    const ratio = ratios[Math.floor(ratios.length / 2)];
    return Math.max(0, Math.ceil((loadForecast * ratio) / this.policy.targetValue - 1e-9));
  }

  /** The load forecast of `hour` from the hours [first, known), as ForecastModel says. */
  private loadForecast(hour: number, first: number, known: number): number | undefined {
    const mean = (step: number): number | undefined => {
      const values: number[] = [];
      for (let h = hour - step; h >= first; h -= step) if (h < known && Number.isFinite(this.hourlyLoad[h])) values.push(this.hourlyLoad[h]);
      return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
    };
    if (this.options.forecast === 'weekly' && known - first >= HOURS_PER_WEEK) return mean(HOURS_PER_WEEK);
    return mean(24);
  }

  /** Computes the load and the scaling relation of past hour `h` once. */
  private record(store: MetricStore, h: number, asOfMinute: number): void {
    if (this.hourlyLoad[h] !== undefined) return;
    const end = this.firstHourMinute + (h + 1) * 60;
    const load: Datapoint = this.load(store, end, 60, asOfMinute);
    const scaling = this.scaling(store, end, 60, asOfMinute);
    const capacity = this.capacity(store, end, 60, asOfMinute);
    // No datapoint (an inactive queue publishes none): no load that hour.
    this.hourlyLoad[h] = load ?? 0;
    this.hourlyRatio[h] = load !== undefined && load > 0 && scaling !== undefined && capacity !== undefined && capacity > 0
      ? (scaling * capacity) / load : Number.NaN;
  }
}
