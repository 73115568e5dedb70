import { describe, expect, it } from 'vitest';
import { ExprSyntaxError, exprColumns, parseExpr } from '../../../src/features/expr';
import { evalExpr } from '../../../src/features/expr-eval';

function evaluate(src: string, cols: Record<string, number[]> = {}): number[] {
  const n = Object.values(cols)[0]?.length ?? 1;
  const arrays = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, Float64Array.from(v)]));
  return Array.from(evalExpr(parseExpr(src), n, (name) => arrays[name]));
}

describe('expression parser', () => {
  it('applies the usual precedence and left associativity', () => {
    expect(evaluate('1 + 2 * 3')).toEqual([7]);
    expect(evaluate('(1 + 2) * 3')).toEqual([9]);
    expect(evaluate('10 - 4 - 3')).toEqual([3]);
    expect(evaluate('8 / 4 / 2')).toEqual([1]);
    expect(evaluate('-2 * 3 + -(1 - 4)')).toEqual([-3]);
    expect(evaluate('2 * -3')).toEqual([-6]);
    expect(evaluate('1.5e2 + .5')).toEqual([150.5]);
  });

  it('evaluates columns and functions row by row', () => {
    const cols = { weight: [80, 50], height: [2, 1] };
    expect(evaluate('weight / (height * height)', cols)).toEqual([20, 50]);
    expect(evaluate('max(weight, 60, height) - min(weight, 60)', cols)).toEqual([20, 10]);
    expect(evaluate('sqrt(abs(-weight)) + log(exp(height))', { weight: [16], height: [2] })).toEqual([6]);
  });

  it('reads backtick-quoted column names with symbols', () => {
    expect(evaluate('`handicapped-infants` * 2', { 'handicapped-infants': [3] })).toEqual([6]);
    expect(exprColumns(parseExpr('`a b` + c * `a b` + log(d)'))).toEqual(['a b', 'c', 'd']);
  });

  it('turns division by zero and other undefined results into NaN (missing), even mid-expression', () => {
    const out = evaluate('a / b', { a: [1, 0, -1, 4], b: [0, 0, 0, 2] });
    expect(out.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(out[3]).toBe(2);
    // 1 / (1 / 0) would be 0 with IEEE infinities; a missing input must stay missing.
    expect(evaluate('1 / (a / b)', { a: [1], b: [0] })[0]).toBeNaN();
    expect(evaluate('log(a) + sqrt(b) * 0', { a: [-1], b: [4] })[0]).toBeNaN();
    expect(evaluate('exp(a) * 0', { a: [1000] })[0]).toBeNaN();
    expect(evaluate('a + 1', { a: [NaN] })[0]).toBeNaN();
  });

  it('rejects malformed expressions with the position and what was expected', () => {
    const err = (src: string) => {
      try {
        parseExpr(src);
      } catch (e) {
        expect(e).toBeInstanceOf(ExprSyntaxError);
        return (e as Error).message;
      }
      throw new Error(`parsed: ${src}`);
    };
    expect(err('weight / (height *')).toBe('expr "weight / (height *": unexpected end of expression; expected a number, a column name, a function call or "(" at position 19');
    expect(err('foo(x)')).toMatch(/unknown function "foo"; available functions: log, exp, sqrt, abs, min, max/);
    expect(err('x ^ 2')).toMatch(/unexpected character "\^".*no power operator/);
    expect(err('log(x, y)')).toMatch(/log\(\) takes 1 argument, got 2/);
    expect(err('max(x)')).toMatch(/max\(\) takes at least 2 arguments, got 1/);
    expect(err('a b')).toMatch(/unexpected "b"; expected an operator/);
    expect(err('(a + b')).toMatch(/expected "\)"/);
    expect(err('   ')).toMatch(/the expression is empty/);
    expect(err('a + `b')).toMatch(/unclosed backtick/);
  });

  it('never evaluates code', () => {
    expect(() => parseExpr('process.exit(1)')).toThrow(/unknown function "process.exit"/);
    expect(() => parseExpr('constructor("x")')).toThrow(ExprSyntaxError);
  });
});
