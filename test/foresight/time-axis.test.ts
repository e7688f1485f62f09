import { SIMULATION_START_EPOCH_SECONDS } from '../../lib/foresight/foresight-run';
import { LocalClock } from '../../lib/foresight/local-time';
import { localTimeTicks, timeAxisTitle } from '../../lib/foresight/time-axis';

const berlin = new LocalClock('Europe/Berlin');
const WEEK = 7 * 1440;

describe('localTimeTicks', () => {
  // The run starts Monday 5 January 2026 00:00 UTC, 01:00 in Berlin (CET, UTC+1).
  const week = localTimeTicks(berlin, SIMULATION_START_EPOCH_SECONDS, WEEK);

  test('puts a week\'s ticks every 12 hours on the local clock: the first at 12:00 Berlin, 11:00 UTC', () => {
    expect(week[0]).toEqual({ minute: 11 * 60, label: ['12:00'], major: false });
    expect(week.map((t) => t.minute % 720)).toEqual(week.map(() => 11 * 60));
  });

  test('labels local midnight with the weekday and the date', () => {
    expect(week[1]).toEqual({ minute: 23 * 60, label: ['00:00', 'Tue 6 Jan'], major: true });
    expect(week.filter((t) => t.major).map((t) => t.label[1])).toEqual(['Tue 6 Jan', 'Wed 7 Jan', 'Thu 8 Jan', 'Fri 9 Jan', 'Sat 10 Jan', 'Sun 11 Jan', 'Mon 12 Jan']);
  });

  test('follows the zone: the same run in UTC has its first tick at its start, Monday 00:00 UTC', () => {
    expect(localTimeTicks(new LocalClock('Etc/UTC'), SIMULATION_START_EPOCH_SECONDS, WEEK)[0]).toEqual({ minute: 0, label: ['00:00', 'Mon 5 Jan'], major: true });
  });

  test('skips the hour that does not exist when clocks go forward (Berlin, 29 March 2026, 02:00 -> 03:00)', () => {
    const ticks = localTimeTicks(berlin, Date.UTC(2026, 2, 29) / 1000, 1440);
    expect(ticks.slice(0, 2).map((t) => [t.minute, t.label[0]])).toEqual([[120, '04:00'], [240, '06:00']]);
  });

  test('gives the hour that repeats when clocks go back one tick (Berlin, 25 October 2026, 03:00 -> 02:00)', () => {
    const ticks = localTimeTicks(berlin, Date.UTC(2026, 9, 24, 22) / 1000, 1440);
    expect(ticks.slice(0, 3).map((t) => [t.minute, t.label[0]])).toEqual([[0, '00:00'], [120, '02:00'], [300, '04:00']]);
  });

  test('over more than 8 days, ticks each local midnight with the day of the month and the weekday', () => {
    const month = localTimeTicks(new LocalClock('Etc/UTC'), SIMULATION_START_EPOCH_SECONDS, 31 * 1440);
    expect(month.slice(0, 2).map((t) => t.label)).toEqual([['5', 'Mon'], ['6', 'Tue']]);
    expect(month).toHaveLength(32);
  });
});

describe('timeAxisTitle', () => {
  test('names the zone, its UTC offset and the dates of the run', () => {
    expect(timeAxisTitle(berlin, SIMULATION_START_EPOCH_SECONDS, WEEK)).toBe('local time, Europe/Berlin (GMT+1), Mon 5 Jan - Mon 12 Jan 2026');
  });

  test('names both offsets when daylight saving time starts during the run', () => {
    expect(timeAxisTitle(berlin, Date.UTC(2026, 2, 27) / 1000, WEEK)).toBe('local time, Europe/Berlin (GMT+1 / GMT+2), Fri 27 Mar - Fri 3 Apr 2026');
  });
});
