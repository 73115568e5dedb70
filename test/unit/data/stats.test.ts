import { describe, expect, it } from 'vitest';
import { columnStats, quantileOfSorted, tableStats } from '../../../src/data/stats';
import type { Table } from '../../../src/data/table';

const num = (values: number[]) => ({ name: 'x', type: 'numeric' as const, values: Float64Array.from(values) });

describe('column statistics', () => {
  it('numeric: moments and quantiles over finite values, with nulls and infinities counted apart', () => {
    const s = columnStats(num([4, 2, NaN, 1, Infinity, 3]));
    expect(s).toMatchObject({ count: 6, nulls: 1, infinite: 1, min: 1, max: 4, mean: 2.5, distinct: 5 });
    expect(s.nullRatio).toBeCloseTo(1 / 6, 12);
    // Sample std of 1..4: sqrt(((1.5² + 0.5²) * 2) / 3) = sqrt(5/3).
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    // Linear interpolation at (n-1)q over [1, 2, 3, 4].
    expect(s.quantiles).toEqual({
      p1: expect.closeTo(1.03, 12),
      p5: expect.closeTo(1.15, 12),
      p25: 1.75,
      p50: 2.5,
      p75: 3.25,
      p95: expect.closeTo(3.85, 12),
      p99: expect.closeTo(3.97, 12),
    });
    expect(s.top).toEqual([]);
  });

  it('matches a larger hand-checkable case: 0..100', () => {
    const s = columnStats(num(Array.from({ length: 101 }, (_, i) => i)));
    expect(s.quantiles).toMatchObject({ p1: 1, p5: 5, p25: 25, p50: 50, p75: 75, p95: 95, p99: 99 });
    expect(s.mean).toBe(50);
    // Sample variance of 0..n-1 is n(n+1)/12 with n = 101.
    expect(s.std).toBeCloseTo(Math.sqrt((101 * 102) / 12), 9);
    expect(s.distinct).toBe(101);
  });

  it('categorical: counts per level, unused levels ignored, top sorted by count then value', () => {
    const s = columnStats({ name: 'c', type: 'categorical', codes: Int32Array.from([0, 1, 0, -1, 2, 0]), levels: ['a', 'c', 'b', 'unused'] });
    expect(s).toMatchObject({ count: 6, nulls: 1, distinct: 3, min: null, mean: null, quantiles: null });
    expect(s.top).toEqual([
      { value: 'a', count: 3 },
      { value: 'b', count: 1 },
      { value: 'c', count: 1 },
    ]);
  });

  it('limits top values to topK', () => {
    const codes = Int32Array.from({ length: 30 }, (_, i) => i % 15);
    const levels = Array.from({ length: 15 }, (_, i) => `v${i}`);
    expect(columnStats({ name: 'c', type: 'text', codes, levels }, { topK: 3 }).top).toHaveLength(3);
  });

  it('boolean: mean is the share of true, top has both values, no quantiles', () => {
    const s = columnStats({ name: 'b', type: 'boolean', values: Float64Array.from([1, 0, 1, NaN]) });
    expect(s.mean).toBeCloseTo(2 / 3, 12);
    expect(s.top).toEqual([
      { value: 'true', count: 2 },
      { value: 'false', count: 1 },
    ]);
    expect(s.quantiles).toBeNull();
  });

  it('is JSON-serializable without losing anything, even for empty and all-missing columns', () => {
    const table: Table = {
      nrows: 2,
      columns: [
        num([NaN, NaN]),
        { name: 'd', type: 'datetime', values: Float64Array.from([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 3)]) },
      ],
    };
    const stats = tableStats(table);
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
    expect(stats.columns[0]).toMatchObject({ nulls: 2, nullRatio: 1, mean: null, std: null, min: null, quantiles: null, distinct: 0 });
    expect(stats.columns[1]).toMatchObject({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 0, 3), mean: Date.UTC(2024, 0, 2) });
    expect(columnStats(num([5])).std).toBeNull();
  });

  it('quantileOfSorted interpolates', () => {
    expect(quantileOfSorted([10, 20], 0.5)).toBe(15);
    expect(quantileOfSorted([7], 0.99)).toBe(7);
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });
});
