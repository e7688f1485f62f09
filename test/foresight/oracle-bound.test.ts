import { OracleProblem, oracleInstanceHoursLowerBound } from '../../lib/foresight/oracle-bound';
import { Random } from '../../lib/foresight/random';
import { jobs } from './fixtures';

function problem(arrivals: number[], seconds: number[], over: Partial<OracleProblem> = {}): OracleProblem {
  const minutes = over.minutes ?? 12;
  return {
    workload: { name: 't', arrivalSeconds: Float64Array.from(arrivals), jobSeconds: Float64Array.from(seconds) },
    minutes,
    bootSeconds: 120,
    acceptableLatencySeconds: 60,
    minSize: new Int32Array(minutes),
    maxSize: new Int32Array(minutes).fill(2),
    initialInstances: 0,
    ...over,
  };
}

/** Instance-minutes of the cheapest schedule of usable counts, found by trying them all. */
function bruteForceMinutes(p: OracleProblem): number {
  const maxSize = p.maxSize[0];
  const boot = Math.floor(p.bootSeconds / 60);
  let best = Number.POSITIVE_INFINITY;
  const counts = new Array<number>(p.minutes).fill(0);
  const visit = (t: number): void => {
    if (t === p.minutes) {
      let cost = 0;
      let previous = p.initialInstances;
      for (const n of counts) { cost += n + boot * Math.max(0, n - previous); previous = n; }
      if (cost < best && schedulable(p, counts)) best = cost;
      return;
    }
    for (let n = p.minSize[t]; n <= maxSize; n++) { counts[t] = n; visit(t + 1); }
  };
  visit(0);
  return best;
}

/** Whether every job can run whole on one instance (level k is usable in minute t when counts[t] >= k), starting within the latency. */
function schedulable(p: OracleProblem, counts: number[]): boolean {
  const { arrivalSeconds: a, jobSeconds: s } = p.workload;
  const levels = Math.max(0, ...counts);
  const usable = (level: number, from: number, to: number) => {
    for (let m = Math.floor(from / 60); m * 60 < to; m++) if (m >= counts.length || counts[m] < level) return false;
    return true;
  };
  const assign = (job: number, free: number[]): boolean => {
    if (job === a.length) return true;
    for (let level = 1; level <= levels; level++) {
      for (let start = Math.max(a[job], free[level]); start <= a[job] + p.acceptableLatencySeconds; start = Math.floor(start / 60 + 1) * 60) {
        if (!usable(level, start, start + s[job])) continue;
        const next = [...free];
        next[level] = start + s[job];
        if (assign(job + 1, next)) return true;
        break;
      }
    }
    return false;
  };
  return assign(0, new Array<number>(levels + 1).fill(0));
}

describe('oracleInstanceHoursLowerBound', () => {
  test('one job: the boot and the minute it runs in (AWS bills every launch from its start)', () => {
    const bound = oracleInstanceHoursLowerBound(problem([320], [30], { minutes: 20, bootSeconds: 300, acceptableLatencySeconds: 120 }));
    expect(bound.instanceHours * 60).toBeCloseTo(6);
  });

  test('no jobs: MinSize all along', () => {
    const minutes = 30;
    const bound = oracleInstanceHoursLowerBound(problem([], [], { minutes, minSize: new Int32Array(minutes).fill(1), initialInstances: 1 }));
    expect(bound.instanceHours * 60).toBeCloseTo(30);
  });

  test('a job that must start at once on an empty fleet is served by an instance booted before the start', () => {
    const bound = oracleInstanceHoursLowerBound(problem([0], [90], { acceptableLatencySeconds: 0 }));
    expect(bound.instanceHours * 60).toBeCloseTo(2 + 2);
  });

  test('two jobs a short gap apart keep one instance rather than boot twice', () => {
    const bound = oracleInstanceHoursLowerBound(problem([60, 250], [30, 30], { bootSeconds: 240, acceptableLatencySeconds: 0 }));
    // Minutes 1 to 4 on (4) plus one boot (4), not two boots (8) and two minutes (2).
    expect(bound.instanceHours * 60).toBeCloseTo(8);
  });

  test('a burst above MaxSize may wait as long as the whole fleet would make it wait, and is counted', () => {
    const bound = oracleInstanceHoursLowerBound(problem([0, 0, 0], [120, 120, 120], { acceptableLatencySeconds: 0, maxSize: new Int32Array(12).fill(2) }));
    expect(bound.jobsBeyondLatency).toBe(1);
    expect(Number.isFinite(bound.instanceHours)).toBe(true);
  });

  test('never exceeds the optimum found by brute force on small cases, and often equals it', () => {
    const random = new Random(7);
    let equal = 0;
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + Math.floor(random.next() * 3);
      const arrivals = Array.from({ length: n }, () => Math.floor(random.next() * 360)).sort((x, y) => x - y);
      const seconds = arrivals.map(() => 5 + Math.floor(random.next() * 80));
      const p = problem(arrivals, seconds, { minutes: 8, bootSeconds: 60 * Math.floor(random.next() * 3), acceptableLatencySeconds: 30 * Math.floor(random.next() * 4) });
      const bound = oracleInstanceHoursLowerBound(p).instanceHours * 60;
      const optimum = bruteForceMinutes(p);
      expect(bound).toBeLessThanOrEqual(optimum + 1e-9);
      if (Math.abs(bound - optimum) < 1e-9) equal++;
    }
    // A relaxation (fluid work within a window): tight on about half of these cases.
    expect(equal).toBeGreaterThanOrEqual(10);
  });

  test('a sustained load costs at least its work: no window of minutes lends capacity to another', () => {
    // 90 s of work arriving every minute for two hours, each job due within 2 minutes: 1.5 instances all along.
    const minutes = 130;
    const arrivals = Array.from({ length: 240 }, (_, k) => k * 30);
    const bound = oracleInstanceHoursLowerBound(problem(arrivals, arrivals.map(() => 45), { minutes, maxSize: new Int32Array(minutes).fill(3), initialInstances: 2 }));
    expect(bound.instanceHours).toBeGreaterThanOrEqual((240 * 45) / 3600);
  });

  test('runs several jobs at once on one instance with slotsPerInstance', () => {
    const one = oracleInstanceHoursLowerBound(problem([0, 0, 0, 0], [60, 60, 60, 60], { minutes: 10, maxSize: new Int32Array(10).fill(4), initialInstances: 4, acceptableLatencySeconds: 0 }));
    const four = oracleInstanceHoursLowerBound(problem([0, 0, 0, 0], [60, 60, 60, 60], { minutes: 10, maxSize: new Int32Array(10).fill(4), initialInstances: 4, acceptableLatencySeconds: 0, slotsPerInstance: 4 }));
    expect(one.instanceHours * 60).toBeCloseTo(4);
    expect(four.instanceHours * 60).toBeCloseTo(1);
  });

  test('needs no boot for instances the fleet starts with', () => {
    const w = jobs([0, 60, 120], 30);
    const bound = oracleInstanceHoursLowerBound({ ...problem([], []), workload: w, minutes: 3, initialInstances: 1, minSize: new Int32Array(3).fill(1), maxSize: new Int32Array(3).fill(1) });
    expect(bound.instanceHours * 60).toBeCloseTo(3);
  });
});
