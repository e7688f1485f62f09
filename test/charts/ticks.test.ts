import { linearScale, niceTicks } from '../../lib/charts/ticks';

describe('niceTicks', () => {
  test.each([
    [7, 5, false, [0, 2, 4, 6, 8]],
    [40, 5, false, [0, 10, 20, 30, 40]],
    [4000, 6, false, [0, 1000, 2000, 3000, 4000]],
    [0.3, 5, false, [0, 0.1, 0.2, 0.3]],
    [1217, 8, false, [0, 200, 400, 600, 800, 1000, 1200, 1400]],
  ])('covers 0 to %d in about %d round steps', (max, count, whole, expected) => {
    expect(niceTicks(max, count, whole)).toEqual(expected);
  });

  test('keeps a whole step of at least 1 for counts', () => {
    expect(niceTicks(2, 5, true)).toEqual([0, 1, 2]);
  });

  test('gives an axis from 0 to 1 when every value is 0', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});

describe('linearScale', () => {
  test('maps 0 to the first pixel and the top to the second, either way round', () => {
    const y = linearScale(40, 300, 100);
    expect([y(0), y(20), y(40)]).toEqual([300, 200, 100]);
  });
});
