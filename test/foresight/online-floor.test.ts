import { OnlineFloorProblem, onlineFloorInstanceHours } from '../../lib/foresight/online-floor';

/** An hour of minutes at `jobsPerMinute`, 6 s jobs, a 300 s boot, no MinSize, a p95 wait above the boot. */
const problem = (jobsPerMinute: number, over: Partial<OnlineFloorProblem> = {}): OnlineFloorProblem => ({
  jobsPerMinute: new Float64Array(60).fill(jobsPerMinute),
  meanJobSeconds: 6,
  slotsPerInstance: 1,
  bootSeconds: 300,
  minSize: new Int32Array(60),
  p95WaitSeconds: 600,
  ...over,
});

describe('the online floor: what a scaler that cannot see the future pays at least (Poisson arrivals)', () => {
  test('jobs far apart: a boot and the job for each, cheaper than staying up', () => {
    // One job every 20 minutes: 3 jobs x (5 + 0.1) minutes.
    expect(onlineFloorInstanceHours(problem(0.05)) * 60).toBeCloseTo(3 * 5.1);
  });

  test('jobs closer than a boot apart: one instance up all along', () => {
    expect(onlineFloorInstanceHours(problem(0.5)) * 60).toBeCloseTo(60);
  });

  test('a load above one instance: its work', () => {
    // 20 jobs of 6 s a minute: 2 instances.
    expect(onlineFloorInstanceHours(problem(20)) * 60).toBeCloseTo(120);
  });

  test('MinSize is paid whatever the load', () => {
    expect(onlineFloorInstanceHours(problem(0, { minSize: new Int32Array(60).fill(2) })) * 60).toBeCloseTo(120);
  });

  test('with a p95 wait shorter than the boot, at most 5 % of the jobs may find no instance up', () => {
    // Sleeping through the whole hour would make every job wait a boot: the floor sleeps through 5 % of them.
    const hour = onlineFloorInstanceHours(problem(0.05, { p95WaitSeconds: 60 })) * 60;
    expect(hour).toBeCloseTo(0.95 * 60 + 0.05 * 3 * 5.1);
  });

  test('sleeps where it saves the most per late job: a quiet minute before a busier one', () => {
    const rates = new Float64Array(60).fill(0.05);
    rates.fill(0.15, 30);
    const floor = onlineFloorInstanceHours(problem(0, { jobsPerMinute: rates, p95WaitSeconds: 60 })) * 60;
    // Budget: 5 % of 6 jobs = 0.3 jobs, spent on the quiet minutes (0.05 jobs each, saving 1 - 0.255 minutes).
    expect(floor).toBeCloseTo(60 - (0.3 / 0.05) * (1 - 0.05 * 5.1));
  });
});

describe('the online floor of a scaler that does not flap: it scales to 0 only after an idle window', () => {
  test('no window is the floor of any scaler', () => {
    expect(onlineFloorInstanceHours(problem(0.05, { idleWindowSeconds: 0 }))).toBeCloseTo(onlineFloorInstanceHours(problem(0.05)));
  });

  test('a job every 8 minutes inside a 30-minute window: up all along, as the fleet that never sleeps through the trickle', () => {
    // e^(-0.125 x 30) = 2 % of the gaps are longer than the window: (1 - 0.0235) x 60 + 0.0235 x 7.5 x 5.1 minutes.
    const after = Math.exp(-0.125 * 30);
    expect(onlineFloorInstanceHours(problem(0.125, { idleWindowSeconds: 1800 })) * 60).toBeCloseTo((1 - after) * 60 + after * 7.5 * 5.1);
  });

  test('the window costs more than sleeping between jobs, and only the jobs after a longer gap find no instance up', () => {
    const anyScaler = onlineFloorInstanceHours(problem(0.125, { p95WaitSeconds: 60 }));
    const windowed = onlineFloorInstanceHours(problem(0.125, { p95WaitSeconds: 60, idleWindowSeconds: 1800 }));
    expect(windowed).toBeGreaterThan(anyScaler);
  });
});
