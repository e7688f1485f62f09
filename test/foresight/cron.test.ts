import { parseCron } from '../../lib/foresight/cron';

const at = (hour: number, minute: number, dayOfWeek: number) => ({ hour, minute, dayOfWeek, dayOfMonth: 5, month: 1 });

describe('parseCron', () => {
  test('matches weekdays at 08:00 only', () => {
    const cron = parseCron('0 8 * * 1-5');
    expect(cron(at(8, 0, 1))).toBe(true);
    expect(cron(at(8, 0, 6))).toBe(false);
    expect(cron(at(8, 1, 1))).toBe(false);
  });

  test('supports lists and steps, and 7 as Sunday', () => {
    expect(parseCron('*/15 9,17 * * 7')(at(17, 45, 0))).toBe(true);
  });

  test('a wrong field count is an error', () => {
    expect(() => parseCron('0 8 * *')).toThrow(/must have 5 fields/);
  });

  test('an out-of-range value is an error naming the field', () => {
    expect(() => parseCron('0 25 * * *')).toThrow(/hour "25" is outside 0-23/);
  });
});
