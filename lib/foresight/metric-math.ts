/**
 * The part of CloudWatch metric math (AWS_DOCS.metricMath) the fleet's alarms and policies use:
 * numbers, ids, + - * /, comparisons (1 or 0), AND, OR, IF(condition, a, b), FILL(series, value)
 * and PERIOD(series) (the period of the series in seconds), evaluated one datapoint at a time. A missing datapoint is `undefined`: arithmetic and comparisons
 * on it are missing too, and FILL replaces it.
 */

/** A datapoint, or undefined when the series has none at that time. */
export type Datapoint = number | undefined;

/**
 * What `x / 0` returns. AWS does not document it; `missing` (the default) assumes no datapoint,
 * `infinity` assumes +/-Infinity (NaN, 0 / 0, is missing either way).
 */
export type DivisionByZero = 'missing' | 'infinity';

/** A compiled expression: evaluates with the value of each id at one time, over periods of `periodSeconds`. */
export type CompiledExpression = (valueOf: (id: string) => Datapoint, periodSeconds?: number) => Datapoint;

type Token = { kind: 'num'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|[-+*/(),<>]))/y;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    pattern.lastIndex = at;
    const m = pattern.exec(source);
    if (!m) throw new Error(`metric math "${source}": cannot read "${source.slice(at).trim()}"`);
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', value: m[2] });
    else tokens.push({ kind: 'op', value: m[3] });
    at = pattern.lastIndex;
  }
  return tokens;
}

const both = (a: Datapoint, b: Datapoint, f: (x: number, y: number) => number): Datapoint =>
  a === undefined || b === undefined ? undefined : f(a, b);
const truth = (x: boolean): number => (x ? 1 : 0);
const BINARY: Record<string, (x: number, y: number) => number> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '>': (x, y) => truth(x > y),
  '<': (x, y) => truth(x < y),
  '>=': (x, y) => truth(x >= y),
  '<=': (x, y) => truth(x <= y),
  '==': (x, y) => truth(x === y),
  '!=': (x, y) => truth(x !== y),
  AND: (x, y) => truth(x !== 0 && y !== 0),
  OR: (x, y) => truth(x !== 0 || y !== 0),
};
const LEVELS = [['OR'], ['AND'], ['>', '<', '>=', '<=', '==', '!='], ['+', '-'], ['*', '/']];

/** Compiles `source`; throws on syntax it does not support, naming the expression. */
export function compileExpression(source: string, divisionByZero: DivisionByZero = 'missing'): CompiledExpression {
  const tokens = tokenize(source);
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`metric math "${source}": ${what}`);
  };
  const peekOp = (ops: readonly string[]): string | undefined => {
    const t = tokens[pos];
    const value = t && (t.kind === 'op' || t.kind === 'id') ? t.value.toUpperCase() : undefined;
    return value !== undefined && ops.includes(value) ? value : undefined;
  };
  const expect = (op: string) => (peekOp([op]) ? pos++ : fail(`expected "${op}"`));
  const divide = (x: number, y: number): Datapoint => {
    const q = x / y;
    if (Number.isNaN(q)) return undefined;
    return Number.isFinite(q) || divisionByZero === 'infinity' ? q : undefined;
  };

  const level = (n: number): CompiledExpression => {
    if (n === LEVELS.length) return unary();
    let left = level(n + 1);
    for (let op = peekOp(LEVELS[n]); op; op = peekOp(LEVELS[n])) {
      pos++;
      const l = left;
      const r = level(n + 1);
      if (op === '/') left = (v, p) => { const a = l(v, p); const b = r(v, p); return a === undefined || b === undefined ? undefined : divide(a, b); };
      else { const f = BINARY[op]; left = (v, p) => both(l(v, p), r(v, p), f); }
    }
    return left;
  };
  const args = (): CompiledExpression[] => {
    expect('(');
    const list = [level(0)];
    while (peekOp([','])) { pos++; list.push(level(0)); }
    expect(')');
    return list;
  };
  const unary = (): CompiledExpression => {
    if (peekOp(['-'])) { pos++; const inner = unary(); return (v, p) => { const x = inner(v, p); return x === undefined ? undefined : -x; }; }
    const t = tokens[pos++] ?? fail('unexpected end');
    if (t.kind === 'num') return () => t.value;
    if (t.kind === 'op') {
      if (t.value !== '(') fail(`unexpected "${t.value}"`);
      const inner = level(0);
      expect(')');
      return inner;
    }
    const name = t.value.toUpperCase();
    if (name === 'PERIOD') {
      // Every query of one evaluation shares its period, so PERIOD of any of them is that period.
      if (args().length !== 1) fail('PERIOD takes (series)');
      return (_v, periodSeconds) => periodSeconds ?? fail('PERIOD needs the period of the evaluation');
    }
    if (name === 'IF' || name === 'FILL') {
      const a = args();
      if (name === 'FILL') {
        if (a.length !== 2) fail('FILL takes (series, value)');
        return (v, p) => a[0](v, p) ?? a[1](v, p);
      }
      if (a.length !== 3) fail('IF takes (condition, then, else)');
      return (v, p) => { const c = a[0](v, p); return c === undefined ? undefined : c !== 0 ? a[1](v, p) : a[2](v, p); };
    }
    if (peekOp(['('])) fail(`function ${t.value} is not supported (IF, FILL and PERIOD are)`);
    return (v) => v(t.value);
  };

  const compiled = level(0);
  if (pos !== tokens.length) fail(`unexpected "${(tokens[pos] as Token).value}"`);
  return compiled;
}
