import { describe, expect, it } from 'vitest';
import { fitFeatures, parseFeaturesSpec, transformTable } from '../../../src/features';
import { tableRowLabel } from '../../../src/features/frame';
import { applyFeatures, runSteps } from '../../../src/features/transform';
import { cat, date, num, table } from './helpers';

// transformTable works in chunks of 16,384 rows; these tables span several chunks and end in a partial one.
const N = 34_000;
let seed = 3;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const big = table(
  num('x', Array.from({ length: N }, () => (rand() < 0.1 ? null : rand() * 100))),
  cat('c', Array.from({ length: N }, () => (rand() < 0.05 ? null : `k${Math.floor(rand() * 30)}`))),
  date('d', Array.from({ length: N }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString())),
);

describe('chunked transform', () => {
  it('equals a single pass over the whole table', () => {
    const fitted = fitFeatures(
      parseFeaturesSpec([
        { impute: 'x', addIndicator: true },
        { derive: 'x2', expr: 'x * x / 100' },
        { standardize: ['x', 'x2'] },
        { onehot: 'c', maxCategories: 10 },
        { datetime: 'd', parts: ['month', 'hour'] },
        { bucketize: 'd__hour', bins: 4 },
      ]),
      big,
    );
    const m = transformTable(fitted, big);
    const frame = runSteps(fitted, big, tableRowLabel, 'test');
    const cols = frame.floats(fitted.outputNames).map((c) => c.values);
    const expected = new Float64Array(N * cols.length);
    for (let i = 0; i < N; i++) for (let j = 0; j < cols.length; j++) expected[i * cols.length + j] = cols[j][i];
    expect(m.rows).toBe(N);
    expect(Buffer.from(m.data.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('consumeTable: the same matrix, written over the table only when it is transformed in one chunk', () => {
    const spec = parseFeaturesSpec([{ impute: 'x', addIndicator: true }, { derive: 'x2', expr: 'x * x / 100' }, { standardize: ['x', 'x2'] }, { onehot: 'c', maxCategories: 10 }]);
    const fitted = fitFeatures(spec, big);
    const copy = (t: typeof big) => ({ nrows: t.nrows, columns: t.columns.map((c) => ('values' in c ? { ...c, values: c.values.slice() } : { ...c, codes: c.codes.slice() })) });
    const bytes = (t: typeof big) => t.columns.map((c) => Buffer.from(('values' in c ? c.values : c.codes).buffer).toString('base64'));
    const expected = transformTable(fitted, big);
    // Larger than a chunk: consumeTable is ignored, the table stays as it was.
    const large = copy(big);
    const before = bytes(large);
    expect(applyFeatures(fitted, large, tableRowLabel, 'test', { consumeTable: true }).data).toEqual(expected.data);
    expect(bytes(large)).toEqual(before);
    // One chunk: same matrix, and the numeric input was overwritten (that is the point: no new array per step).
    const small = { nrows: 100, columns: big.columns.map((c) => ('values' in c ? { ...c, values: c.values.slice(0, 100) } : { ...c, codes: c.codes.slice(0, 100) })) };
    const smallExpected = transformTable(fitted, small);
    const smallBefore = bytes(small);
    expect(applyFeatures(fitted, small, tableRowLabel, 'test', { consumeTable: true }).data).toEqual(smallExpected.data);
    expect(bytes(small)[0]).not.toEqual(smallBefore[0]);
  });

  it('reports the row of a problem in the whole table, not in its chunk', () => {
    const fitted = fitFeatures(parseFeaturesSpec([{ onehot: 'c', handleUnknown: 'error' }]), big);
    const values = Array.from({ length: N }, (_, i) => (i === 33_000 ? 'new' : 'k1'));
    expect(() => transformTable(fitted, table(cat('c', values)))).toThrow(/^column "c", row 33000: unknown category "new"/);
  });
});
