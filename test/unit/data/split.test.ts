import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/data/random';
import { randomSplit, stratifiedSplit, timeSplit } from '../../../src/data/split';
import type { Table } from '../../../src/data/table';

const allOf = (s: { train: Int32Array; test: Int32Array; validation?: Int32Array }) =>
  [...s.train, ...s.test, ...(s.validation ?? [])].sort((a, b) => a - b);

/** 1000 rows: 700 "a", 200 "b", 100 "c", interleaved. */
function classTable(): Table {
  const codes = Int32Array.from({ length: 1000 }, (_, i) => (i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2));
  return { nrows: 1000, columns: [{ name: 'y', type: 'categorical', codes, levels: ['a', 'b', 'c'] }] };
}

describe('randomSplit', () => {
  it('partitions every row exactly once, with the requested sizes', () => {
    const s = randomSplit(100, { testRatio: 0.2, validationRatio: 0.1, seed: 7 });
    expect([s.train.length, s.test.length, s.validation!.length]).toEqual([70, 20, 10]);
    expect(allOf(s)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...s.test]).toEqual([...s.test].sort((a, b) => a - b));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = randomSplit(50, { testRatio: 0.3, seed: 1 });
    expect(randomSplit(50, { testRatio: 0.3, seed: 1 })).toEqual(a);
    expect(randomSplit(50, { testRatio: 0.3, seed: 2 }).test).not.toEqual(a.test);
    expect(randomSplit(50, { testRatio: 0.3, rand: mulberry32(1) })).toEqual(a);
  });

  it('rejects impossible ratios', () => {
    expect(() => randomSplit(10, { testRatio: 0.6, validationRatio: 0.4 })).toThrow(/together below 1/);
    expect(() => randomSplit(1, { testRatio: 0.5 })).toThrow(/train would be empty/);
  });
});

describe('stratifiedSplit', () => {
  it('keeps each class in the same proportion in every part', () => {
    const t = classTable();
    const s = stratifiedSplit(t, 'y', { testRatio: 0.2, validationRatio: 0.1, seed: 3 });
    const codes = (t.columns[0] as { codes: Int32Array }).codes;
    const count = (rows: Int32Array) => [0, 1, 2].map((k) => rows.filter((r) => codes[r] === k).length);
    expect(count(s.test)).toEqual([140, 40, 20]);
    expect(count(s.validation!)).toEqual([70, 20, 10]);
    expect(count(s.train)).toEqual([490, 140, 70]);
    expect(allOf(s)).toHaveLength(1000);
    expect(new Set(allOf(s)).size).toBe(1000);
  });

  it('rounds per class so totals match a random split, and keeps tiny classes in train', () => {
    const codes = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 2, 3, 3]);
    const t: Table = { nrows: 11, columns: [{ name: 'y', type: 'categorical', codes, levels: ['a', 'b', 'c', 'd'] }] };
    const s = stratifiedSplit(t, 'y', { testRatio: 0.3, seed: 1 });
    expect(s.test.length).toBe(3); // round(11 * 0.3)
    expect([...s.train]).toContain(8); // the single "c" row
  });

  it('is deterministic for a seed', () => {
    expect(stratifiedSplit(classTable(), 'y', { testRatio: 0.25, seed: 9 })).toEqual(
      stratifiedSplit(classTable(), 'y', { testRatio: 0.25, seed: 9 }),
    );
  });

  it('refuses a continuous column', () => {
    const t: Table = { nrows: 100, columns: [{ name: 'v', type: 'numeric', values: Float64Array.from({ length: 100 }, (_, i) => i) }] };
    expect(() => stratifiedSplit(t, 'v', { testRatio: 0.2 })).toThrow(/cannot stratify by "v": it has 100 distinct values/);
  });
});

describe('timeSplit', () => {
  const day = 86_400_000;
  const when = Float64Array.from([5, 1, 3, 2, 4, 6, 8, 7, 9, 10].map((d) => d * day));
  const t: Table = { nrows: 10, columns: [{ name: 'ts', type: 'datetime', values: when }] };

  it('puts the oldest rows in train and the newest in test', () => {
    const s = timeSplit(t, 'ts', { testRatio: 0.2, validationRatio: 0.2 });
    const days = (rows: Int32Array) => [...rows].map((r) => when[r] / day).sort((a, b) => a - b);
    expect(days(s.train)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(days(s.validation!)).toEqual([7, 8]);
    expect(days(s.test)).toEqual([9, 10]);
  });

  it('never splits rows sharing a timestamp across parts', () => {
    const tied = Float64Array.from([1, 2, 3, 3, 3, 4]);
    const s = timeSplit({ nrows: 6, columns: [{ name: 't', type: 'numeric', values: tied }] }, 't', { testRatio: 0.5 });
    expect([...s.train].map((r) => tied[r])).toEqual([1, 2]);
    expect([...s.test].map((r) => tied[r]).sort()).toEqual([3, 3, 3, 4]);
  });

  it('rejects missing timestamps and non-time columns', () => {
    const gap: Table = { nrows: 3, columns: [{ name: 't', type: 'datetime', values: Float64Array.from([1, NaN, 3]) }] };
    expect(() => timeSplit(gap, 't', { testRatio: 0.3 })).toThrow('cannot split by time on "t": 1 row has no value; drop or fill them first');
    const cat: Table = { nrows: 1, columns: [{ name: 'c', type: 'categorical', codes: Int32Array.from([0]), levels: ['a'] }] };
    expect(() => timeSplit(cat, 'c', { testRatio: 0.3 })).toThrow(/it is categorical, not datetime or numeric/);
  });
});
