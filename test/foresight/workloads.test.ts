import { LocalClock } from '../../lib/foresight/local-time';
import { builtInWorkload, csvWorkload } from '../../lib/foresight/workloads';

const ctx = {
  startEpochSeconds: Date.UTC(2026, 0, 5) / 1000,
  days: 7,
  clock: new LocalClock('Europe/Berlin'),
  capacityJobsPerMinute: 12,
  secondsPerJob: 10,
  jobSecondsCv: 0.5,
  seed: 7,
};

describe('workloads', () => {
  test('a built-in workload is deterministic for a seed', () => {
    expect(builtInWorkload('bursty', ctx).arrivalSeconds).toEqual(builtInWorkload('bursty', ctx).arrivalSeconds);
  });

  test('office-hours sends most jobs between 08:00 and 18:00 on weekdays', () => {
    const { arrivalSeconds } = builtInWorkload('office-hours', ctx);
    const inOffice = Array.from(arrivalSeconds).filter((t) => {
      const local = ctx.clock.at(ctx.startEpochSeconds + t);
      return local.dayOfWeek >= 1 && local.dayOfWeek <= 5 && local.hour >= 8 && local.hour < 18;
    });
    expect(inOffice.length / arrivalSeconds.length).toBeGreaterThan(0.9);
  });

  test('an unknown workload is an error listing the built-in ones', () => {
    expect(() => builtInWorkload('spiky', ctx)).toThrow(/unknown workload "spiky": use one of steady, office-hours, bursty, overnight-batch, idle, or --csv <file>/);
  });

  test('CSV takes seconds or ISO-8601 arrivals, a header, and optional job seconds', () => {
    const w = csvWorkload('jobs.csv', 'arrival,jobSeconds\n2026-01-05T10:00:30Z,4\n2026-01-05T10:00:00Z\n', ctx);
    expect(Array.from(w.arrivalSeconds)).toEqual([0, 30]);
    expect(w.jobSeconds[1]).toBe(4);
  });

  test('a malformed CSV line is an error naming the line', () => {
    expect(() => csvWorkload('jobs.csv', '10,5\nsoon,5\n', ctx)).toThrow(/jobs.csv line 2 \("soon,5"\): arrival "soon" is neither seconds nor an ISO-8601 time/);
  });

  test('a CSV line with extra columns is an error', () => {
    expect(() => csvWorkload('jobs.csv', '10,5,7\n', ctx)).toThrow(/expected arrival\[,jobSeconds\], got 3 columns/);
  });

  test('non-positive job seconds are an error', () => {
    expect(() => csvWorkload('jobs.csv', '10,0\n', ctx)).toThrow(/arrival must be >= 0 and jobSeconds > 0/);
  });

  test('an empty CSV is an error', () => {
    expect(() => csvWorkload('jobs.csv', '\n', ctx)).toThrow(/jobs.csv has no jobs/);
  });
});
