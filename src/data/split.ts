/**
 * Train/test(/validation) splits as row-index arrays, to use with takeRows. Each part is sorted ascending so it
 * keeps file order; trainers shuffle for themselves. The same seed always gives the same split.
 */
import { DataError } from './errors';
import { mulberry32, shuffleInPlace } from './random';
import { getColumn, isFloatColumn, type Table } from './table';

export interface SplitRatios {
  /** Share of rows for test, in [0, 1). */
  testRatio: number;
  /** Share of rows for validation, in [0, 1); omitted means no validation part. */
  validationRatio?: number;
}

export interface SplitOptions extends SplitRatios {
  /** Seed for the built-in generator; default 42. Ignored when `rand` is given. */
  seed?: number;
  /** A seeded generator of floats in [0, 1). */
  rand?: () => number;
}

export interface SplitIndexes {
  train: Int32Array;
  test: Int32Array;
  validation?: Int32Array;
}

const DEFAULT_SEED = 42;

export function randomSplit(nrows: number, opts: SplitOptions): SplitIndexes {
  checkRatios(opts);
  const { test, validation } = partSizes(nrows, opts);
  const order = Int32Array.from({ length: nrows }, (_, i) => i);
  shuffleInPlace(order, generator(opts));
  return assemble(opts, order.subarray(0, test), order.subarray(test, test + validation), order.subarray(test + validation));
}

/**
 * Splits each class of `target` in the same proportions, so every part has the class balance of the whole table.
 * Missing target values form a class of their own. Per-class counts are rounded so the part sizes add up to those
 * of a random split (largest remainder), and a class always keeps at least one row in train.
 */
export function stratifiedSplit(table: Table, target: string, opts: SplitOptions): SplitIndexes {
  checkRatios(opts);
  const strata = groupRows(table, target);
  if (strata.length > Math.max(2, table.nrows / 2)) {
    throw new DataError(
      'invalid-argument',
      `cannot stratify by "${target}": it has ${strata.length} distinct values in ${table.nrows} rows, so most classes would have one row; use randomSplit, or bin the column first`,
      { column: target },
    );
  }
  const rand = generator(opts);
  const sizes = strata.map((s) => s.length);
  const totals = partSizes(table.nrows, opts);
  const testPer = allocate(sizes, totals.test, opts.testRatio, sizes.map((n) => n - 1));
  const valPer = allocate(sizes, totals.validation, opts.validationRatio ?? 0, sizes.map((n, i) => n - 1 - testPer[i]));
  const test: number[] = [];
  const validation: number[] = [];
  const train: number[] = [];
  strata.forEach((rows, s) => {
    shuffleInPlace(rows, rand);
    for (let i = 0; i < rows.length; i++) {
      if (i < testPer[s]) test.push(rows[i]);
      else if (i < testPer[s] + valPer[s]) validation.push(rows[i]);
      else train.push(rows[i]);
    }
  });
  return assemble(opts, test, validation, train);
}

/**
 * Oldest rows train, newest test (validation in between), by a datetime or numeric column. Rows sharing a timestamp
 * never straddle a boundary: ties go to the later part, so nothing in train is as new as anything in test.
 */
export function timeSplit(table: Table, column: string, opts: SplitRatios): SplitIndexes {
  checkRatios(opts);
  const col = getColumn(table, column);
  if (!isFloatColumn(col) || col.type === 'boolean') {
    throw new DataError('invalid-argument', `cannot split by time on "${column}": it is ${col.type}, not datetime or numeric`, {
      column,
    });
  }
  const t = col.values;
  let missing = 0;
  for (let i = 0; i < t.length; i++) if (t[i] !== t[i]) missing++;
  if (missing > 0) {
    throw new DataError(
      'invalid-argument',
      `cannot split by time on "${column}": ${missing === 1 ? '1 row has' : `${missing} rows have`} no value; drop or fill them first`,
      { column },
    );
  }
  const order = Int32Array.from({ length: table.nrows }, (_, i) => i).sort((a, b) => t[a] - t[b] || a - b);
  const { test, validation } = partSizes(table.nrows, opts);
  const cutBefore = (at: number) => {
    let b = at;
    while (b > 0 && b < order.length && t[order[b - 1]] === t[order[b]]) b--;
    return b;
  };
  const trainEnd = cutBefore(table.nrows - test - validation);
  const valEnd = Math.max(trainEnd, cutBefore(table.nrows - test));
  if (trainEnd === 0) {
    throw new DataError(
      'invalid-argument',
      `cannot split by time on "${column}": the oldest rows share a timestamp with the newest needed for the held-out parts, leaving train empty`,
      { column },
    );
  }
  return assemble(opts, order.subarray(valEnd), order.subarray(trainEnd, valEnd), order.subarray(0, trainEnd));
}

function checkRatios(opts: SplitRatios): void {
  const v = opts.validationRatio ?? 0;
  const ok = (r: number) => Number.isFinite(r) && r >= 0 && r < 1;
  if (!ok(opts.testRatio) || !ok(v) || opts.testRatio + v >= 1) {
    throw new DataError(
      'invalid-argument',
      `invalid split ratios (test ${opts.testRatio}, validation ${v}): each must be in [0, 1) and together below 1`,
    );
  }
}

function partSizes(nrows: number, opts: SplitRatios): { test: number; validation: number } {
  const size = (r: number) => (r > 0 ? Math.max(1, Math.round(nrows * r)) : 0);
  const test = size(opts.testRatio);
  const validation = size(opts.validationRatio ?? 0);
  if (nrows - test - validation < 1) {
    throw new DataError(
      'invalid-argument',
      `cannot split ${nrows} rows with test ${opts.testRatio} and validation ${opts.validationRatio ?? 0}: train would be empty`,
    );
  }
  return { test, validation };
}

/** Per-stratum counts proportional to `ratio`, adding up to `total` where capacities allow (largest remainder). */
function allocate(sizes: number[], total: number, ratio: number, capacity: number[]): number[] {
  const ideal = sizes.map((n) => n * ratio);
  const out = ideal.map((x, i) => Math.min(Math.floor(x), Math.max(0, capacity[i])));
  let left = total - out.reduce((a, b) => a + b, 0);
  const byRemainder = ideal.map((x, i) => i).sort((a, b) => ideal[b] - Math.floor(ideal[b]) - (ideal[a] - Math.floor(ideal[a])) || a - b);
  for (let pass = 0; pass < 2 && left > 0; pass++) {
    for (const i of byRemainder) {
      if (left === 0) break;
      if (out[i] < capacity[i]) {
        out[i]++;
        left--;
      }
    }
  }
  return out;
}

function groupRows(table: Table, target: string): number[][] {
  const col = getColumn(table, target);
  const groups = new Map<number, number[]>();
  const keys = isFloatColumn(col) ? col.values : col.codes;
  for (let i = 0; i < table.nrows; i++) {
    const key = keys[i]; // Map treats NaN as equal to NaN, so missing floats group together, as do -1 codes
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(i);
  }
  return [...groups.values()];
}

function generator(opts: SplitOptions): () => number {
  return opts.rand ?? mulberry32(opts.seed ?? DEFAULT_SEED);
}

function sortedIndexes(rows: ArrayLike<number>): Int32Array {
  return Int32Array.from(rows).sort();
}

function assemble(opts: SplitRatios, test: ArrayLike<number>, validation: ArrayLike<number>, train: ArrayLike<number>): SplitIndexes {
  const out: SplitIndexes = { train: sortedIndexes(train), test: sortedIndexes(test) };
  if (opts.validationRatio !== undefined) out.validation = sortedIndexes(validation);
  return out;
}
