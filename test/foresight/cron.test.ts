import { cronMatcher } from '../../lib/foresight/cron';

const at = (hour: number, minute: number, dayOfWeek: number, dayOfMonth = 5) => ({ hour, minute, dayOfWeek, dayOfMonth, month: 1 });

describe('cronMatcher', () => {
  test('matches weekdays at 08:00 only', () => {
    const cron = cronMatcher('0 8 * * 1-5');
    expect(cron(at(8, 0, 1))).toBe(true);
    expect(cron(at(8, 0, 6))).toBe(false);
    expect(cron(at(8, 1, 1))).toBe(false);
  });

  test('supports lists and steps', () => {
    expect(cronMatcher('*/15 9,17 * * 0')(at(17, 45, 0))).toBe(true);
  });

  test('with both day fields restricted, either one matches', () => {
    const cron = cronMatcher('0 8 1 * 1');
    expect(cron(at(8, 0, 1, 9))).toBe(true);
    expect(cron(at(8, 0, 3, 1))).toBe(true);
    expect(cron(at(8, 0, 3, 9))).toBe(false);
  });

  test('a wrong field count is an error', () => {
    expect(() => cronMatcher('0 8 * *')).toThrow(/must have 5 fields/);
  });

  test('an out-of-range value is an error naming the field and its range', () => {
    expect(() => cronMatcher('0 25 * * *')).toThrow(/hour "25" is not a number, range, list or step within 0-23/);
  });

  test('day-of-week 7 is out of range, as config validation and Auto Scaling have it', () => {
    expect(() => cronMatcher('0 8 * * 7')).toThrow(/day-of-week "7" is not a number, range, list or step within 0-6/);
  });
});
