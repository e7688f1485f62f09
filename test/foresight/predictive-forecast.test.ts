import { CapacityView } from '../../lib/foresight/capacity-view';
import { MetricQuery, PredictivePolicyModel, StepPolicyModel } from '../../lib/foresight/fleet-model';
import { MetricStore } from '../../lib/foresight/metric-store';
import { ForecastModel, PredictiveScaler } from '../../lib/foresight/predictive-forecast';
import { simulate } from '../../lib/foresight/simulator';
import { alarm, fleet, jobs, options } from './fixtures';

/** Monday 2026-01-05 00:00 UTC: forecast hours and refreshes are UTC hours. */
const START = Date.UTC(2026, 0, 5) / 1000;
const DAY = 1440;

/** The policy QueueScaling renders: jobs sent, and jobs sent per InService instance per minute (PredictiveScaling). */
const load: MetricQuery[] = [{ id: 'load', signal: 'sent', statistic: 'Sum', returnData: true }];
const scaling: MetricQuery[] = [
  { id: 'sent', signal: 'sent', statistic: 'Sum', returnData: false },
  { id: 'inService', signal: 'inService', statistic: 'Average', returnData: false },
  { id: 'perInstance', expression: 'sent * 60 / PERIOD(sent) / inService', returnData: true },
];
const policy = (over: Partial<PredictivePolicyModel> = {}): PredictivePolicyModel => ({
  kind: 'predictive', name: 'predictive', mode: 'ForecastAndScale', schedulingBufferSeconds: 300,
  maxCapacityBreachBehavior: 'HonorMaxCapacity', targetValue: 6, load, scaling, ...over,
});
const view = (desired = 0): CapacityView => ({ desired, inService: desired, settled: desired, warming: 0, terminating: 0 });

/** A store of `days` days in which `jobsPerMinute` jobs are sent each minute of 10:00-11:00 UTC (on `weekdays`, 0 = Monday), one instance up then. */
function history(days: number, jobsPerMinute: number, weekdays = [0, 1, 2, 3, 4, 5, 6]): MetricStore {
  const store = new MetricStore((days + 1) * DAY);
  for (let m = 0; m < store.minutes; m++) {
    const busy = weekdays.includes(Math.floor(m / DAY) % 7) && m % DAY >= 600 && m % DAY < 660;
    store.record('sent', m, busy ? jobsPerMinute : 0);
    store.record('inService', m, busy ? 1 : 0);
  }
  return store;
}

const scaler = (over: Partial<PredictivePolicyModel> = {}, forecast: ForecastModel = 'weekly') =>
  new PredictiveScaler(policy(over), { forecast, divisionByZero: 'missing', startEpochSeconds: START });

describe('predictive scaling, as AWS documents it (AWS_DOCS.predictiveScaling, predictiveScalingConfiguration)', () => {
  test('"the forecast says to add capacity at 10:00 AM [...] pre-launch instances by 5 minutes [...] launched at 9:55 AM"', () => {
    const store = history(2, 12);
    // 720 jobs an hour at 6 jobs per instance-minute: 2 instances, launched 300 s before 10:00 of day 3.
    expect(scaler().decide(store, 2 * DAY + 595, view(), 10)).toEqual({ desired: 2 });
    expect(scaler().decide(store, 2 * DAY + 594, view(), 10)).toBeUndefined();
    expect(scaler().decide(store, 2 * DAY + 596, view(), 10)).toBeUndefined();
  });

  test('no forecast before 24 hours of history', () => {
    expect(scaler().decide(history(1, 12), 595, view(), 10)).toBeUndefined();
  });

  test('ForecastOnly forecasts and changes nothing', () => {
    expect(scaler({ mode: 'ForecastOnly' }).decide(history(2, 12), 2 * DAY + 595, view(), 10)).toBeUndefined();
  });

  test('never scales in: "If the forecast expects a decrease in load, it will not scale in"', () => {
    expect(scaler().decide(history(2, 12), 2 * DAY + 595, view(5), 10)).toBeUndefined();
  });

  test('HonorMaxCapacity: the forecast capacity stops at MaxSize', () => {
    expect(scaler().decide(history(2, 120), 2 * DAY + 595, view(), 4)).toEqual({ desired: 4 });
  });

  test('IncreaseMaxCapacity: "if the buffer is 10 [...] the forecast capacity is 50, and the maximum capacity is 40, then the effective maximum capacity is 55"', () => {
    // 300 jobs a minute at 6 per instance-minute: a forecast of 50 instances.
    const action = scaler({ maxCapacityBreachBehavior: 'IncreaseMaxCapacity', maxCapacityBuffer: 10 }).decide(history(2, 300), 2 * DAY + 595, view(), 40);
    expect(action).toEqual({ desired: 50, maxSize: 55 });
  });

  test('IncreaseMaxCapacity with a buffer of 0: MaxSize rises "to equal but not exceed forecast capacity"', () => {
    const action = scaler({ maxCapacityBreachBehavior: 'IncreaseMaxCapacity', maxCapacityBuffer: 0 }).decide(history(2, 300), 2 * DAY + 595, view(), 40);
    expect(action).toEqual({ desired: 50, maxSize: 50 });
  });
});

describe('the forecast model (an assumption: AWS does not document its algorithm, --forecast)', () => {
  // A load on Mondays only, two weeks of history: the third Monday's 10:00.
  const mondays = history(14, 12, [0]);
  const mondayTen = 14 * DAY + 600;

  test('weekly: the mean of the same hour of the week in the last two weeks', () => {
    expect(scaler({}, 'weekly').capacityForecast(mondays, mondayTen / 60, mondayTen - 5)).toBe(2);
  });

  test('daily: the mean of the same hour of the day in the last 14 days', () => {
    // 2 Mondays of 14 days: 720 x 2 / 14 jobs an hour, rounded up to one instance.
    expect(scaler({}, 'daily').capacityForecast(mondays, mondayTen / 60, mondayTen - 5)).toBe(1);
  });

  test('the capacity forecast is whole instances, rounded up', () => {
    expect(scaler().capacityForecast(history(2, 1), (2 * DAY + 600) / 60, 2 * DAY + 595)).toBe(1);
  });
});

describe('predictive scaling in the simulation', () => {
  const wakeUp: StepPolicyModel = { kind: 'step', name: 'wake', adjustmentType: 'ChangeInCapacity', steps: [{ lowerBound: 0, adjustment: 2 }], alarm: alarm({ threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold' }) };
  // A 10:00-10:30 UTC batch every day, 6 jobs a minute, for three days; the fleet goes to 0 at 11:00.
  const batch = Array.from({ length: 3 }, (_, d) => Array.from({ length: 180 }, (_, k) => (d * DAY + 600) * 60 + k * 10)).flat();
  const night = { name: 'night', cron: '0 11 * * *', timeZone: 'Etc/UTC', desiredCapacity: 0 };
  const run = (mode: PredictivePolicyModel['mode']) =>
    simulate(fleet({ maxSize: 2, policies: [wakeUp, policy({ mode })], schedules: [night] }), jobs(batch), options(3 * DAY));
  const firstWaitOf = (trace: ReturnType<typeof run>, day: number) => trace.waitSeconds[day * 180];

  test('the third day\'s batch finds its capacity up: launched from the first two days\' metrics, a buffer before the hour', () => {
    expect(firstWaitOf(run('ForecastAndScale'), 2)).toBeLessThan(1);
  });

  test('the first day\'s batch waits for the wake-up and the boot', () => {
    expect(firstWaitOf(run('ForecastAndScale'), 0)).toBeGreaterThan(120);
  });

  test('in ForecastOnly the third day waits as the first did', () => {
    expect(firstWaitOf(run('ForecastOnly'), 2)).toBeGreaterThan(120);
  });
});
