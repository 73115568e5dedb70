import { describe, expect, it } from 'vitest';
import { median, modeFloat, selectKth, sortedFinite } from '../../../src/features/stats';
import { quantileSorted } from '../../../src/stats/quantile';

let seed = 7;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);

describe('stats', () => {
  it('median by selection equals the median of the sorted values, bit for bit', () => {
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rand() * 60);
      const distinct = 1 + Math.floor(rand() * 10);
      const values = Float64Array.from({ length: n }, () => (rand() < 0.1 ? NaN : Math.floor(rand() * distinct) + rand() * (trial % 2)));
      expect(median(values)).toBe(quantileSorted(sortedFinite(values), 0.5));
    }
    expect(median(Float64Array.from([NaN, NaN]))).toBeNaN();
  });

  it('selectKth places the k-th smallest value', () => {
    for (let trial = 0; trial < 100; trial++) {
      const a = Float64Array.from({ length: 1 + Math.floor(rand() * 40) }, () => Math.floor(rand() * 5));
      const k = Math.floor(rand() * a.length);
      const sorted = Float64Array.from(a).sort();
      expect(selectKth(a, k)).toBe(sorted[k]);
    }
  });

  it('mode prefers the smallest value on ties, with few or many distinct values', () => {
    expect(modeFloat(Float64Array.from([3, 1, 3, 1, 2, NaN]))).toBe(1);
    const many = Float64Array.from({ length: 5000 }, (_, i) => (i < 10 ? 7.5 : i));
    expect(modeFloat(many)).toBe(7.5);
  });
});
