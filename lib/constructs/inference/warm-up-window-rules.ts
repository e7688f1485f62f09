import { Duration, Token } from 'aws-cdk-lib';
import { parseCron } from '../../cron';
import { Span, cronFirings, describeInstant } from '../../cron-firings';
import { Problem, checkCron, checkDurationBetween, checkTimeZone, checkWholeDuration, checkWholeNumberAtLeast, problemsOf } from '../../validation';
import { FLEET_SCHEDULE_DEFAULTS, FleetScheduleSettings, fleetScheduleSettingsProblems } from './fleet-schedule';

/** A known busy time: plain values an environment config holds. */
export interface WarmUpWindowSettings {
  /**
   * 5-field cron of the window's start, at most once a day: one minute and one hour, e.g.
   * `'45 0 * * *'` before a 01:00 batch or `'45 7 * * 1-5'` before office hours.
   */
  readonly cron: string;
  /**
   * IANA time zone of `cron`.
   * @default - the night schedule's time zone, or `Etc/UTC` (Auto Scaling's own default) without a schedule
   */
  readonly timeZone?: string;
  /** Instances kept up during the window (the group's MinSize): above the MinSize it starts from, at most the fleet's maxCapacity. */
  readonly capacity: number;
  /** How long the window lasts, whole minutes from 1 minute to 24 hours; its end restores the MinSize it started from. */
  readonly duration: Duration;
}

/** What the windows are checked against: the fleet's bounds and the night schedule. */
export interface WarmUpWindowContext {
  /** The fleet's daytime MinSize (the night schedule's morning value). */
  readonly minCapacity: number;
  /** The fleet's MaxSize. */
  readonly maxCapacity: number;
  /** The night schedule, when the fleet has one. */
  readonly schedule?: FleetScheduleSettings;
}

/** One window as Auto Scaling will run it: when it starts and ends, and the MinSize each sets. */
export interface WarmUpWindowPlan {
  readonly timeZone: string;
  readonly startCron: string;
  readonly endCron: string;
  readonly capacity: number;
  /** MinSize the end restores: 0 in the night's off hours, minCapacity otherwise. */
  readonly restoredMinSize: number;
}

/** Auto Scaling runs at most 125 scheduled actions per group (scheduled scaling limitations). */
const MAX_SCHEDULED_ACTIONS = 125;
/** A leap year, a week before it and two days after: every weekday, month day and DST change of a year. */
const REFERENCE_SPAN: Span = { from: Date.UTC(2027, 11, 24) / 1000, to: Date.UTC(2029, 0, 3) / 1000 };
const CHECKED_SPAN: Span = { from: Date.UTC(2028, 0, 1) / 1000, to: Date.UTC(2029, 0, 1) / 1000 };

/** The window's time zone: its own, the schedule's, or Auto Scaling's default. */
export function windowTimeZone(window: WarmUpWindowSettings, schedule?: FleetScheduleSettings): string {
  return window.timeZone ?? schedule?.timeZone ?? 'Etc/UTC';
}

/**
 * The cron of the window's end: the start's minute and hour plus the duration, on the next day of
 * the week when it passes midnight. Undefined when the start is not once a day or the end cannot
 * be written as a cron (a start on given days of the month or months that ends the next day).
 */
export function endCronOf(cron: string, duration: Duration): string | undefined {
  const parsed = parseCron(cron);
  if (!('values' in parsed)) return undefined;
  const [minutes, hours] = parsed.values;
  if (minutes.size !== 1 || hours.size !== 1) return undefined;
  const fields = cron.trim().split(/\s+/);
  const total = [...hours][0] * 60 + [...minutes][0] + duration.toMinutes();
  const nextDay = total >= 1440;
  if (nextDay && (parsed.restricted[2] || parsed.restricted[3])) return undefined;
  const daysOfWeek = nextDay && parsed.restricted[4] ? [...parsed.values[4]].map((d) => (d + 1) % 7).sort((a, b) => a - b).join(',') : fields[4];
  return `${total % 60} ${Math.floor(total / 60) % 24} ${fields[2]} ${fields[3]} ${daysOfWeek}`;
}

function fieldProblems(window: WarmUpWindowSettings, context: WarmUpWindowContext): Problem[] {
  const cronProblem = checkCron('cron', window.cron);
  const durationProblems = [
    checkDurationBetween('duration', window.duration, Duration.minutes(1), Duration.hours(24)),
    checkWholeDuration('duration', window.duration, 'minutes'),
  ];
  const endCron = cronProblem || problemsOf(durationProblems).length > 0 ? '' : endCronOf(window.cron, window.duration);
  return [
    cronProblem,
    checkTimeZone('timeZone', windowTimeZone(window, context.schedule)),
    ...durationProblems,
    checkWholeNumberAtLeast('capacity', window.capacity, 1),
    window.capacity <= context.maxCapacity ? undefined : `capacity (${window.capacity}) must be at most the fleet's maxCapacity (${context.maxCapacity}): raise fleet.maxCapacity or lower capacity`,
    cronProblem || endCron !== undefined
      ? undefined
      : `cron ("${window.cron}") must start once a day (one minute, one hour, e.g. "45 0 * * *"), and end the same day when it names days of the month or months: its end is scheduled as a cron of its own`,
  ];
}

interface Interval { readonly start: number; readonly end: number }

function intervalsOf(window: WarmUpWindowSettings, timeZone: string, endCron: string): Interval[] {
  const ends = cronFirings(endCron, timeZone, REFERENCE_SPAN);
  // A start skipped by the spring DST change may land on its own end: that day's window is empty.
  const fullDay = window.duration.toMinutes() >= 1440;
  return cronFirings(window.cron, timeZone, CHECKED_SPAN).map((start) => ({
    start,
    end: ends.find((end) => end > start || (end === start && !fullDay)) ?? Infinity,
  }));
}

/** The night schedule's actions over the reference span: when each fires and whether the fleet is on after it. */
function scheduleActions(schedule: FleetScheduleSettings | undefined): { at: number; on: boolean }[] {
  if (!schedule) return [];
  return [
    ...cronFirings(schedule.scaleDownCron ?? FLEET_SCHEDULE_DEFAULTS.scaleDownCron, schedule.timeZone, REFERENCE_SPAN).map((at) => ({ at, on: false })),
    ...cronFirings(schedule.scaleUpCron ?? FLEET_SCHEDULE_DEFAULTS.scaleUpCron, schedule.timeZone, REFERENCE_SPAN).map((at) => ({ at, on: true })),
  ].sort((a, b) => a.at - b.at);
}

/**
 * The windows as Auto Scaling will run them, or the problems that keep them from it, each naming
 * `warmUpWindows[n].field`. A window sets MinSize to its capacity at its start and restores the
 * MinSize it started from at its end, which AWS documents as the way to keep capacity above a
 * forecast (https://docs.aws.amazon.com/autoscaling/ec2/userguide/predictive-scaling-overriding-forecast-capacity.html).
 * It must not fight the night schedule: it lies wholly in the day or wholly in the night's off
 * hours on every day it runs (its end restores 0 there, minCapacity in the day), and no schedule
 * action or other window falls within it; two actions at one time are refused by Auto Scaling
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html).
 */
export function planWarmUpWindows(windows: readonly WarmUpWindowSettings[], context: WarmUpWindowContext): { plans: WarmUpWindowPlan[]; problems: string[] } {
  const scheduleCount = context.schedule ? 2 : 0;
  const problems: string[] = [];
  if (scheduleCount + 2 * windows.length > MAX_SCHEDULED_ACTIONS) {
    problems.push(`warmUpWindows has ${windows.length} windows: with the night schedule that is ${scheduleCount + 2 * windows.length} scheduled actions, above Auto Scaling's ${MAX_SCHEDULED_ACTIONS} per group`);
  }
  const tokens = windows.some((w) => Token.isUnresolved(w.cron) || Token.isUnresolved(w.capacity) || Token.isUnresolved(w.duration.toMinutes({ integral: false })));
  const fields = windows.map((w, n) => problemsOf(fieldProblems(w, context)).map((p) => `warmUpWindows[${n}].${p}`));
  problems.push(...fields.flat());
  // A schedule that is itself invalid is reported by its own rules (fleetScheduleSettingsProblems).
  const schedule = context.schedule;
  const badSchedule = schedule && problemsOf(fleetScheduleSettingsProblems(schedule)).length > 0;
  if (windows.length === 0 || tokens || badSchedule || problems.length > 0) return { plans: [], problems };

  const actions = scheduleActions(context.schedule);
  const intervals = windows.map((w) => intervalsOf(w, windowTimeZone(w, context.schedule), endCronOf(w.cron, w.duration) as string));
  const plans = windows.map((w, n): WarmUpWindowPlan | undefined => {
    const where = `warmUpWindows[${n}]`;
    const timeZone = windowTimeZone(w, context.schedule);
    const mine = intervals[n];
    const when = (at: number) => describeInstant(timeZone, at);
    if (mine.length === 0) return void problems.push(`${where}.cron ("${w.cron}") never fires in a year: check its day and month fields`);
    const own = mine.find((interval, k) => k + 1 < mine.length && mine[k + 1].start <= interval.end);
    if (own) return void problems.push(`${where}.duration (${w.duration.toHumanString()}) is longer than the time between two of its starts (${when(own.start)}): shorten it`);
    // The fleet is on after the last action before the start (off before any: the group deploys with MinSize 0).
    const states = mine.map((interval) => {
      const before = actions.filter((a) => a.at < interval.start).pop();
      return { interval, on: context.schedule ? before?.on ?? false : true };
    });
    const fight = mine.find((interval) => actions.some((a) => a.at >= interval.start && a.at <= interval.end));
    if (fight) {
      const action = actions.find((a) => a.at >= fight.start && a.at <= fight.end);
      return void problems.push(`${where} (${when(fight.start)} for ${w.duration.toHumanString()}) contains the night schedule's ${action?.on ? 'scale-up' : 'scale-down'} at ${when(action?.at ?? 0)}: move the window wholly into the day or wholly into the night's off hours`);
    }
    const on = states[0].on;
    const mixed = states.find((s) => s.on !== on);
    if (mixed) {
      return void problems.push(`${where}.cron ("${w.cron}") starts while the fleet is ${on ? 'on' : 'off'} (${when(states[0].interval.start)}) and while it is ${on ? 'off' : 'on'} (${when(mixed.interval.start)}): its end can restore only one MinSize, so split it into a window for the days and one for the nights or weekends`);
    }
    const from = on ? context.minCapacity : 0;
    if (w.capacity <= from) {
      return void problems.push(`${where}.capacity (${w.capacity}) must be above the MinSize the window starts from (${from}${on ? ', fleet.minCapacity' : ', the night\'s'}): otherwise the window changes nothing`);
    }
    return { timeZone, startCron: w.cron, endCron: endCronOf(w.cron, w.duration) as string, capacity: w.capacity, restoredMinSize: from };
  });
  windows.forEach((_window, n) => windows.forEach((other, m) => {
    if (m <= n) return;
    const clash = intervals[m].find((b) => intervals[n].some((a) => a.start <= b.end && b.start <= a.end));
    if (clash) problems.push(`warmUpWindows[${m}] (${describeInstant(windowTimeZone(other, context.schedule), clash.start)}) overlaps warmUpWindows[${n}]: windows must not overlap or touch, merge them into one`);
  }));
  return problems.length > 0 ? { plans: [], problems } : { plans: plans as WarmUpWindowPlan[], problems };
}
