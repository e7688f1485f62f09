import { compileExpression } from '../../lib/foresight/metric-math';

const values = (map: Record<string, number | undefined>) => (id: string) => map[id];

describe('metric math', () => {
  test('divides and compares', () => {
    expect(compileExpression('visible / inService')(values({ visible: 24, inService: 2 }))).toBe(12);
    expect(compileExpression('visible > 0 AND inService == 0')(values({ visible: 3, inService: 0 }))).toBe(1);
  });

  test('IF picks its branch and FILL replaces a missing datapoint', () => {
    const wakeUp = compileExpression('IF(visible > 0 AND FILL(inService, 0) == 0, 1, 0)');
    expect(wakeUp(values({ visible: 1, inService: undefined }))).toBe(1);
    expect(wakeUp(values({ visible: 1, inService: 2 }))).toBe(0);
  });

  test('PERIOD(series) is the period of the series in seconds (AWS_DOCS.metricMath): a Sum over it becomes a rate', () => {
    expect(compileExpression('m1 / PERIOD(m1)')(values({ m1: 600 }), 300)).toBe(2);
  });

  test('jobs sent per instance per minute, whatever the period (PredictiveScaling\'s scaling metric)', () => {
    expect(compileExpression('sent * 60 / PERIOD(sent) / inService')(values({ sent: 720, inService: 2 }), 3600)).toBe(6);
  });

  test('arithmetic on a missing datapoint is missing', () => {
    expect(compileExpression('visible + 1')(values({ visible: undefined }))).toBeUndefined();
  });

  test('x / 0 is missing by default and infinite when assumed so', () => {
    expect(compileExpression('visible / inService')(values({ visible: 5, inService: 0 }))).toBeUndefined();
    expect(compileExpression('visible / inService', 'infinity')(values({ visible: 5, inService: 0 }))).toBe(Number.POSITIVE_INFINITY);
  });

  test('0 / 0 is missing under either assumption', () => {
    expect(compileExpression('a / b', 'infinity')(values({ a: 0, b: 0 }))).toBeUndefined();
  });

  test('an unsupported function is an error naming the expression', () => {
    expect(() => compileExpression('RATE(visible)')).toThrow(/metric math "RATE\(visible\)": function RATE is not supported/);
  });

  test('a stray token is an error', () => {
    expect(() => compileExpression('visible / / 2')).toThrow(/unexpected "\/"/);
  });
});
