import { describe, expect, it } from 'vitest';
import { fitFeatures, parseFeaturesSpec, transformTable } from '../../../src/features';
import { datetimeParts } from '../../../src/features/ops/datetime';
import { bool, cat, column, date, num, table } from './helpers';

function run(raw: unknown, t = table(num('x', [1, 2, 3]))) {
  const fitted = fitFeatures(parseFeaturesSpec(raw), t);
  const m = transformTable(fitted, t);
  return { fitted, m, col: (name: string) => column(m, fitted, name) };
}

describe('impute', () => {
  const t = table(num('x', [1, null, 3, 10]), cat('c', ['a', 'b', null, 'b']), bool('flag', [true, null, true, false]));

  it('fills numbers with the mean, median, most frequent value or a constant, and marks what was missing', () => {
    expect(run([{ impute: 'x', strategy: 'mean' }], t).col('x')).toEqual([1, 14 / 3, 3, 10]);
    const median = run([{ impute: 'x', addIndicator: true }], t);
    expect(median.fitted.outputNames).toEqual(['x', 'x__missing']);
    expect(median.col('x')).toEqual([1, 3, 3, 10]);
    expect(median.col('x__missing')).toEqual([0, 1, 0, 0]);
    expect(run([{ impute: 'x', strategy: 'constant', value: -1 }], t).col('x')).toEqual([1, -1, 3, 10]);
    expect(run([{ impute: 'flag', strategy: 'most_frequent' }], t).col('flag')).toEqual([1, 1, 1, 0]);
  });

  it('fills categories with the most frequent level or a constant (a new level if unseen)', () => {
    const freq = run([{ impute: 'c', strategy: 'most_frequent', addIndicator: true }, { onehot: 'c' }], t);
    expect(freq.fitted.outputNames).toEqual(['c=a', 'c=b', 'c__missing']);
    expect(freq.col('c=b')).toEqual([0, 1, 1, 1]);
    expect(freq.col('c__missing')).toEqual([0, 0, 1, 0]);
    const constant = run([{ impute: 'c', strategy: 'constant', value: 'none' }, { onehot: 'c' }], t);
    expect(constant.fitted.outputNames).toEqual(['c=a', 'c=b', 'c=none']);
    expect(constant.col('c=none')).toEqual([0, 0, 1, 0]);
  });

  it('fails clearly when a column has nothing to learn from', () => {
    expect(() => run([{ impute: 'x' }], table(num('x', [null, null])))).toThrow(
      'features[0].impute: column "x" has no values in the training data to learn a median from; drop it, or use strategy: constant',
    );
  });
});

describe('scaling', () => {
  it('standardizes with the training mean and population standard deviation', () => {
    const { fitted, col } = run([{ standardize: 'x' }]);
    expect(fitted.steps[0]).toEqual({ op: 'standardize', columns: [{ name: 'x', mean: 2, scale: Math.sqrt(2 / 3) }] });
    expect(col('x')).toEqual([-1 / Math.sqrt(2 / 3), 0, 1 / Math.sqrt(2 / 3)]);
  });

  it('maps a constant column to 0 instead of dividing by ~0', () => {
    const { fitted, col } = run([{ standardize: 'x' }, { minmax: 'y' }], table(num('x', [0.1, 0.1, 0.1]), num('y', [4, 4, 4])));
    expect(col('x')).toEqual([0, 0, 0]);
    expect(col('y')).toEqual([0, 0, 0]);
    expect(fitted.notes[0]).toMatch(/column "x" is constant in the training data/);
  });

  it('min-max scales to [0, 1] on the training range', () => {
    expect(run([{ minmax: 'x' }], table(num('x', [0, 5, 10, null]))).col('x')).toEqual([0, 0.5, 1, NaN]);
  });
});

describe('onehot', () => {
  const t = table(cat('color', ['red', 'blue', null, 'green', 'red']));

  it('makes one readable 0/1 column per category, sorted, with missing as all zeros', () => {
    const { fitted, col } = run([{ onehot: 'color' }], t);
    expect(fitted.outputNames).toEqual(['color=blue', 'color=green', 'color=red']);
    expect(col('color=red')).toEqual([1, 0, 0, 0, 1]);
    expect(col('color=blue')).toEqual([0, 1, 0, 0, 0]);
    expect(col('color=green')).toEqual([0, 0, 0, 1, 0]);
  });

  it('drops the first category on request', () => {
    expect(run([{ onehot: 'color', dropFirst: true }], t).fitted.outputNames).toEqual(['color=green', 'color=red']);
  });

  it('treats the distinct values of a numeric column as categories', () => {
    const { fitted, col } = run([{ onehot: 'rooms' }], table(num('rooms', [3, 1, 3, null, 2])));
    expect(fitted.outputNames).toEqual(['rooms=1', 'rooms=2', 'rooms=3']);
    expect(col('rooms=3')).toEqual([1, 0, 1, 0, 0]);
  });
});

describe('ordinal', () => {
  it('encodes by the given order, unseen as -1 and missing as NaN', () => {
    const train = table(cat('size', ['M', 'S', 'L', null]));
    const fitted = fitFeatures(parseFeaturesSpec([{ ordinal: 'size', order: ['S', 'M', 'L', 'XL'] }]), train);
    const test = table(cat('size', ['XL', 'XXL', 'S', null]));
    expect(Array.from(transformTable(fitted, train).data)).toEqual([1, 0, 2, NaN]);
    expect(Array.from(transformTable(fitted, test).data)).toEqual([3, -1, 0, NaN]);
  });

  it('sorts categories alphabetically without an order, and can fail on unseen ones', () => {
    const fitted = fitFeatures(parseFeaturesSpec([{ ordinal: 'c', handleUnknown: 'error' }]), table(cat('c', ['b', 'a', 'c'])));
    expect(fitted.steps[0]).toMatchObject({ columns: [{ name: 'c', categories: ['a', 'b', 'c'] }] });
    expect(() => transformTable(fitted, table(cat('c', ['a', 'z'])))).toThrow(
      'column "c", row 1: unknown category "z" (known: a, b, c); the ordinal step at steps[0].ordinal has handleUnknown: error, set it to ignore to encode unseen categories as -1',
    );
  });

  it('rejects training values the declared order does not list (usually a typo)', () => {
    expect(() => fitFeatures(parseFeaturesSpec([{ ordinal: 'c', order: ['low', 'high'] }]), table(cat('c', ['low', 'hihg'])))).toThrow(
      'features[0].ordinal: column "c" has "hihg" in the training data, which order [low, high] does not list; add it to order',
    );
  });
});

describe('bucketize', () => {
  it('counts the boundaries at or below each value', () => {
    const t = table(num('x', [0, 1, 3, 5, 7, null]));
    expect(run([{ bucketize: 'x', boundaries: [1, 5] }], t).col('x')).toEqual([0, 1, 1, 2, 2, NaN]);
  });

  it('learns equal-frequency boundaries from training quantiles', () => {
    const t = table(num('x', [1, 2, 3, 4, 5, 6, 7, 8]));
    const { fitted, col } = run([{ bucketize: 'x', bins: 4 }], t);
    expect(fitted.steps[0]).toEqual({ op: 'bucketize', columns: [{ name: 'x', boundaries: [2.75, 4.5, 6.25] }] });
    expect(col('x')).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('merges bins that ties make empty', () => {
    const { fitted } = run([{ bucketize: 'x', bins: 4 }], table(num('x', [1, 1, 1, 1, 1, 1, 2, 3])));
    expect(fitted.steps[0]).toMatchObject({ columns: [{ boundaries: [1, 1.25] }] });
    expect(fitted.notes[0]).toMatch(/too many repeated values for 4 equal-frequency bins; it gets 3/);
  });
});

describe('log1p and clip', () => {
  it('log1p, with the undefined domain as missing', () => {
    const { fitted, col } = run([{ log1p: 'x' }], table(num('x', [0, Math.E - 1, -1, -2])));
    expect(col('x')).toEqual([0, 1, NaN, NaN]);
    expect(fitted.notes[0]).toMatch(/2 training values <= -1/);
  });

  it('clips to fixed bounds or to training quantiles', () => {
    const t = table(num('x', [-5, 0, 5, 10, 100, null]));
    expect(run([{ clip: 'x', min: 0, max: 10 }], t).col('x')).toEqual([0, 0, 5, 10, 10, NaN]);
    expect(run([{ clip: 'x', max: 6 }], t).col('x')).toEqual([-5, 0, 5, 6, 6, NaN]);
    const q = run([{ clip: 'x', quantiles: [0.25, 0.75] }], t);
    expect(q.fitted.steps[0]).toEqual({ op: 'clip', columns: [{ name: 'x', min: 0, max: 10 }] });
  });
});

describe('datetime', () => {
  it('extracts UTC calendar parts with readable names', () => {
    const t = table(date('d', ['2024-02-29T13:45:00Z', '1969-12-31T23:00:00Z', null]));
    const { fitted, col } = run([{ datetime: 'd', parts: ['year', 'month', 'day', 'weekday', 'hour', 'dayofyear'] }], t);
    expect(fitted.outputNames).toEqual(['d__year', 'd__month', 'd__day', 'd__weekday', 'd__hour', 'd__dayofyear']);
    expect(col('d__year')).toEqual([2024, 1969, NaN]);
    expect(col('d__month')).toEqual([2, 12, NaN]);
    expect(col('d__day')).toEqual([29, 31, NaN]);
    expect(col('d__weekday')).toEqual([3, 2, NaN]); // Thursday, Wednesday (Monday = 0)
    expect(col('d__hour')).toEqual([13, 23, NaN]);
    expect(col('d__dayofyear')).toEqual([60, 365, NaN]);
  });

  it('agrees with Date on a sweep of timestamps across centuries', () => {
    const parts = ['year', 'month', 'day', 'weekday', 'hour', 'dayofyear'] as const;
    const n = 2000;
    const ms = Float64Array.from({ length: n }, (_, i) => -4e12 + i * 4.17e9 + (i % 97) * 3.6e6 + 12345);
    const outs = parts.map(() => new Float64Array(n));
    datetimeParts(ms, parts, outs);
    const mismatches: string[] = [];
    for (let i = 0; i < n; i++) {
      const d = new Date(ms[i]);
      const start = Date.UTC(d.getUTCFullYear(), 0, 1);
      const expected = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), (d.getUTCDay() + 6) % 7, d.getUTCHours(), Math.floor((ms[i] - start) / 864e5) + 1];
      const actual = outs.map((o) => o[i]);
      if (actual.join() !== expected.join()) mismatches.push(`${d.toISOString()}: got ${actual.join()} expected ${expected.join()}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('derive and drop', () => {
  it('adds the computed column at the end, reading columns as they are at that step', () => {
    const t = table(num('weight', [80, 50]), num('height', [2, 1]), num('id', [7, 8]));
    const { fitted, col } = run([{ derive: 'bmi', expr: 'weight / (height * height)' }, { standardize: 'height' }, { drop: 'id' }], t);
    expect(fitted.outputNames).toEqual(['height', 'bmi']);
    expect(fitted.inputSchema.map((c) => c.name)).toEqual(['weight', 'height']);
    expect(col('bmi')).toEqual([20, 50]);
    expect(col('height')).toEqual([1, -1]);
  });

  it('lets a later impute step fill what division by zero left missing', () => {
    const t = table(num('a', [1, 2, 3, 4]), num('b', [1, 0, 1, 2]));
    const { col } = run([{ derive: 'ratio', expr: 'a / b' }, { impute: 'ratio', addIndicator: true }], t);
    expect(col('ratio')).toEqual([1, 2, 3, 2]); // median of [1, 3, 2]
    expect(col('ratio__missing')).toEqual([0, 1, 0, 0]);
  });
});

describe('the input table', () => {
  it('is never modified, even by chains of in-place steps', () => {
    const t = table(num('x', [1, null, 3]), cat('c', ['a', null, 'b']));
    const before = [Array.from((t.columns[0] as { values: Float64Array }).values), Array.from((t.columns[1] as { codes: Int32Array }).codes)];
    const { fitted } = run(
      [{ impute: 'x' }, { clip: 'x', max: 2 }, { standardize: 'x' }, { log1p: 'x' }, { impute: 'c', strategy: 'most_frequent' }, { onehot: 'c' }],
      t,
    );
    transformTable(fitted, t);
    expect([Array.from((t.columns[0] as { values: Float64Array }).values), Array.from((t.columns[1] as { codes: Int32Array }).codes)]).toEqual(before);
  });
});
