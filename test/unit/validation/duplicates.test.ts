import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/data/random';
import type { Table } from '../../../src/data/table';
import { countDuplicateRows } from '../../../src/validation/duplicates';

/** Reference: count rows whose full string key was seen before. */
function naive(t: Table): number {
  const seen = new Set<string>();
  let dups = 0;
  for (let i = 0; i < t.nrows; i++) {
    const key = t.columns.map((c) => ('values' in c ? String(c.values[i]) : String(c.codes[i]))).join('\u0000');
    if (seen.has(key)) dups++;
    else seen.add(key);
  }
  return dups;
}

describe('countDuplicateRows', () => {
  it('agrees with a string-key count on random low-cardinality data', () => {
    const rand = mulberry32(5);
    const n = 5000;
    const t: Table = {
      nrows: n,
      columns: [
        { name: 'a', type: 'numeric', values: Float64Array.from({ length: n }, () => (rand() < 0.1 ? NaN : Math.floor(rand() * 4))) },
        { name: 'b', type: 'categorical', codes: Int32Array.from({ length: n }, () => Math.floor(rand() * 5) - 1), levels: ['p', 'q', 'r', 's'] },
        { name: 'c', type: 'boolean', values: Float64Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0)) },
      ],
    };
    const expected = naive(t);
    expect(expected).toBeGreaterThan(4000);
    expect(countDuplicateRows(t)).toBe(expected);
  });

  it('treats -0 as 0 and missing as equal to missing', () => {
    const t: Table = { nrows: 3, columns: [{ name: 'a', type: 'numeric', values: Float64Array.from([0, -0, NaN]) }] };
    expect(countDuplicateRows(t)).toBe(1);
    expect(countDuplicateRows({ nrows: 0, columns: [] })).toBe(0);
  });
});
