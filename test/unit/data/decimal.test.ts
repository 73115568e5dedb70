import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimalBytes } from '../../../src/data/decimal';
import { parseNumber } from '../../../src/data/infer';

/** The byte parser either declines (NaN) or gives exactly what the string parser gives, sign of zero included. */
function agrees(text: string): boolean {
  const b = Buffer.from(text, 'latin1');
  const fast = parseDecimalBytes(b, 0, b.length);
  return Number.isNaN(fast) || Object.is(fast, parseNumber(text));
}

describe('parseDecimalBytes', () => {
  it('agrees with parseNumber on shortest round-trip doubles, fixed and exponent forms, and digit strings', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 22 });
    const text = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.double({ min: -1e4, max: 1e4, noNaN: true }).map(String),
      fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20 })).map(([x, d]) => x.toFixed(d)),
      fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 21 })).map(([x, p]) => x.toPrecision(p)),
      fc.tuple(fc.constantFrom('', '-', '+'), digits, fc.nat(22), fc.constantFrom('', 'e5', 'E-3', 'e+22', 'e-30')).map(
        ([s, d, at, e]) => `${s}${d.slice(0, at)}.${d.slice(at)}${e}`,
      ),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(agrees(t), t).toBe(true);
      }),
      { seed: 7, numRuns: 20_000 },
    );
  });

  it('parses the common spellings itself and declines the rest', () => {
    const parse = (t: string) => parseDecimalBytes(Buffer.from(t), 0, t.length);
    expect(parse('0.49070524325843845')).toBe(0.49070524325843845);
    expect(parse('-1.5e3')).toBe(-1500);
    expect(Object.is(parse('-0'), -0)).toBe(true);
    expect(parse('5.')).toBe(5);
    expect(parse('.5')).toBe(0.5);
    for (const t of ['', '.', '-', 'e5', '1e', '0x1F', '1_000', 'inf', '1,5', '12345678901234567890123']) expect(parse(t)).toBeNaN();
  });
});
