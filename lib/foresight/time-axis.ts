import { LocalClock } from './local-time';

/** A tick of a time axis in local wall-clock time. */
export interface TimeTick {
  /** Minutes from the start of the run. */
  readonly minute: number;
  /** Label lines: the local time, and at local midnight the weekday and date. */
  readonly label: readonly string[];
  /** Local midnight. */
  readonly major: boolean;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Hours between ticks: about 14 ticks or fewer over the run, on local hours that divide a day. */
function stepHours(minutes: number): number {
  const days = minutes / 1440;
  if (days <= 1) return 2;
  if (days <= 3) return 6;
  if (days <= 8) return 12;
  return 24;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Ticks at round local hours of `clock`'s time zone over `minutes` from `startEpochSeconds`
 * (every 2, 6, 12 or 24 hours, by the run's length): `12:00`, and at local midnight
 * `00:00` with `Tue 6 Jan` (only `6` and `Tue` on runs over 8 days, where a tick is a day).
 * Daylight saving time moves the ticks with the wall clock.
 */
export function localTimeTicks(clock: LocalClock, startEpochSeconds: number, minutes: number): TimeTick[] {
  const step = stepHours(minutes);
  const ticks: TimeTick[] = [];
  // A quarter hour: every offset in the IANA database is a whole number of quarter hours.
  for (let minute = 0; minute <= minutes; minute += 15) {
    const t = clock.at(startEpochSeconds + minute * 60);
    if (t.minute !== 0 || t.hour % step !== 0) continue;
    const midnight = t.hour === 0;
    const date = step === 24 ? [String(t.dayOfMonth), WEEKDAYS[t.dayOfWeek]] : [`${pad(t.hour)}:00`, ...(midnight ? [`${WEEKDAYS[t.dayOfWeek]} ${t.dayOfMonth} ${MONTHS[t.month - 1]}`] : [])];
    // When clocks go back an hour, the repeated hour is one tick.
    if (ticks.length > 0 && ticks[ticks.length - 1].label.join() === date.join()) continue;
    ticks.push({ minute, label: date, major: midnight });
  }
  return ticks;
}

/** The zone's UTC offset at `epochSeconds`, e.g. `GMT+1`. */
function offsetAt(timeZone: string, epochSeconds: number): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' }).formatToParts(new Date(epochSeconds * 1000));
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/**
 * The time axis's title: the zone, its UTC offset (both where daylight saving time changes it
 * during the run) and the dates, e.g. `local time, Europe/Berlin (GMT+1), Mon 5 Jan - Mon 12 Jan 2026`.
 */
export function timeAxisTitle(clock: LocalClock, startEpochSeconds: number, minutes: number): string {
  const end = startEpochSeconds + minutes * 60;
  const offsets = [...new Set([offsetAt(clock.timeZone, startEpochSeconds), offsetAt(clock.timeZone, end)])].join(' / ');
  const day = (epochSeconds: number) => {
    const t = clock.at(epochSeconds);
    return `${WEEKDAYS[t.dayOfWeek]} ${t.dayOfMonth} ${MONTHS[t.month - 1]}`;
  };
  const year = new Intl.DateTimeFormat('en-US', { timeZone: clock.timeZone, year: 'numeric' }).format(new Date(end * 1000));
  return `local time, ${clock.timeZone} (${offsets}), ${day(startEpochSeconds)} - ${day(end)} ${year}`;
}
