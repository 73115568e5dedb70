import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from '../../../src/data/radix-sort';

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('sortFloat64', () => {
  it('orders exactly as TypedArray#sort, -0 before +0, with and without a scratch buffer', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true }),
      fc.double({ min: 1, max: 2, noNaN: true }), // one binade: the high digits are equal and their passes skipped
      fc.constantFrom(0, -0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, 1, -1),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 4096, maxLength: 9000 }), fc.boolean(), (xs, withScratch) => {
        const a = Float64Array.from(xs);
        const expected = a.slice().sort();
        sortFloat64(a, withScratch ? new Uint32Array(2 * a.length + 7) : undefined);
        expect(bytes(a).equals(bytes(expected))).toBe(true);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('sorts values of a single binade (an odd number of radix passes)', () => {
    const a = Float64Array.from({ length: 10_000 }, (_, i) => 1 + ((i * 7919) % 10_000) / 10_000);
    const expected = a.slice().sort();
    expect(bytes(sortFloat64(a)).equals(bytes(expected))).toBe(true);
    expect(a[0]).toBe(1);
  });
});
