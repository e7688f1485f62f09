import { DEFAULT_THROUGHPUT_FACTORS, parseThroughputFactors, throughputFactor } from '../../lib/foresight/throughput';

describe('throughput factors per instance type', () => {
  test('AWS\'s figures relative to G4dn: G5 up to 3x, G6 up to 2x', () => {
    expect(['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge'].map((t) => throughputFactor(DEFAULT_THROUGHPUT_FACTORS, t))).toEqual([1, 3, 2]);
  });

  test('a single-GPU size of a family has its family\'s factor', () => {
    expect(throughputFactor(DEFAULT_THROUGHPUT_FACTORS, 'g5.2xlarge')).toBe(3);
  });

  test('an instance type\'s own entry wins over its family\'s', () => {
    expect(throughputFactor({ g5: 3, 'g5.2xlarge': 3.2 }, 'g5.2xlarge')).toBe(3.2);
  });

  test('CPU types without a factor are alike (AWS publishes no inference figures between them); a given factor wins', () => {
    expect(['c6i.large', 'm7i.large'].map((t) => throughputFactor(DEFAULT_THROUGHPUT_FACTORS, t))).toEqual([1, 1]);
    expect(throughputFactor({ c7i: 1.2 }, 'c7i.large')).toBe(1.2);
  });

  test('a type without a factor is an error naming the flag', () => {
    expect(() => throughputFactor(DEFAULT_THROUGHPUT_FACTORS, 'p4d.24xlarge')).toThrow(/no throughput factor for p4d.24xlarge: pass --throughput-factors with p4d=/);
  });

  test('the flag\'s text: family or type = number, comma-separated', () => {
    expect(parseThroughputFactors('g4dn=1, g5=2.4,g6.xlarge=1.7')).toEqual({ g4dn: 1, g5: 2.4, 'g6.xlarge': 1.7 });
  });

  test.each(['g5', 'g5=0', 'g5=x', '=2', 'g5=1=2'])('"%s" is an error naming the entry', (text) => {
    expect(() => parseThroughputFactors(text)).toThrow(/must be <family or instance type>=<number above 0>/);
  });

  test('an empty list is an error', () => {
    expect(() => parseThroughputFactors(' , ')).toThrow(/names no factor/);
  });
});
