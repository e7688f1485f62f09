import { Random } from '../../lib/foresight/random';
import { simulate } from '../../lib/foresight/simulator';
import { fleet, options } from './fixtures';

/** Erlang's C formula: the probability that a job waits in an M/M/c queue with offered load a = lambda / mu. */
function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) { term *= a / k; sum += term; }
  const last = (term * a) / c / (1 - a / c);
  return last / (sum + last);
}

/**
 * The queueing engine against M/M/c: a fixed fleet of c instances (MinSize = MaxSize, no
 * policies), Poisson arrivals and exponential job times. The simulated mean wait and share of
 * jobs that wait agree with Erlang C within sampling error.
 */
describe('a fixed fleet agrees with Erlang C (M/M/c)', () => {
  const c = 3;
  const meanSeconds = 10;
  const rho = 0.75;
  const lambda = (rho * c) / meanSeconds;
  const days = 4;
  const random = new Random(11);
  const arrivals: number[] = [];
  for (let t = random.exponential(1 / lambda); t < days * 86_400; t += random.exponential(1 / lambda)) arrivals.push(t);
  const workload = { name: 'mmc', arrivalSeconds: Float64Array.from(arrivals), jobSeconds: Float64Array.from(arrivals, () => random.exponential(meanSeconds)) };
  const trace = simulate(fleet({ minSize: c, maxSize: c, maxReceiveCount: undefined, messageRetentionSeconds: 10 * 86_400 }), workload, options(days * 1440));
  const done = Array.from(trace.jobStatus).map((s, j) => (s === 2 ? trace.waitSeconds[j] : undefined)).filter((w): w is number => w !== undefined);
  const probabilityOfWaiting = erlangC(c, lambda * meanSeconds);

  test('every job is served', () => {
    expect(done.length).toBeGreaterThan(arrivals.length - 10);
  });

  test('the share of jobs that wait matches C(c, a)', () => {
    expect(done.filter((w) => w > 1e-9).length / done.length).toBeCloseTo(probabilityOfWaiting, 1);
  });

  test('the mean wait matches C(c, a) / (c mu - lambda) within 6 %', () => {
    const expected = probabilityOfWaiting / (c / meanSeconds - lambda);
    const mean = done.reduce((a, b) => a + b, 0) / done.length;
    expect(Math.abs(mean / expected - 1)).toBeLessThan(0.06);
  });
});
