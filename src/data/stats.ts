/**
 * Column statistics for profiling and drift checks. Everything is JSON-serializable: values that do not exist
 * (mean of an empty column, std of one value) are null, never NaN.
 *
 * Float columns: one pass gathers count, nulls, ±Infinity count, min, max, mean and variance (Welford) and copies
 * the finite values; sorting that copy then gives exact quantiles (linear interpolation between closest ranks,
 * numpy's default) and an exact distinct count. ±Infinity are counted in `infinite` and left out of every moment and
 * quantile. Datetime statistics are in epoch milliseconds; boolean mean is the share of true.
 * Coded columns: one pass counts each level, giving distinct and top values exactly.
 */
import { sortFloat64 } from './radix-sort';
import { isFloatColumn, type Column, type ColumnType, type Table } from './table';

export const QUANTILE_LEVELS = { p1: 0.01, p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95, p99: 0.99 } as const;
export type Quantiles = Record<keyof typeof QUANTILE_LEVELS, number>;

export interface TopValue {
  value: string;
  count: number;
}

export interface ColumnStats {
  name: string;
  type: ColumnType;
  /** Rows, missing included. */
  count: number;
  nulls: number;
  nullRatio: number;
  /** Distinct non-missing values (exact). */
  distinct: number;
  /** ±Infinity cells (numeric columns only; 0 otherwise). */
  infinite: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Sample standard deviation (n - 1), null below two values. */
  std: number | null;
  /** Null for boolean and coded columns, and when there are no finite values. */
  quantiles: Quantiles | null;
  /** Most frequent values, most frequent first (ties by value); empty for numeric and datetime columns. */
  top: TopValue[];
}

export interface TableStats {
  nrows: number;
  columns: ColumnStats[];
}

export interface StatsOptions {
  /** How many top values to keep for categorical, text and boolean columns. Default 10. */
  topK?: number;
}

export function tableStats(table: Table, opts: StatsOptions = {}): TableStats {
  // One set of sort buffers for every column, so profiling a wide table needs two columns' worth of scratch.
  const scratch = new StatsScratch();
  return { nrows: table.nrows, columns: table.columns.map((c) => columnStats(c, opts, scratch)) };
}

export function columnStats(column: Column, opts: StatsOptions = {}, scratch = new StatsScratch()): ColumnStats {
  return isFloatColumn(column) ? floatStats(column.name, column.type, column.values, opts, scratch) : codedStats(column.name, column.type, column.codes, column.levels, opts);
}

/** Reusable buffers: the finite values of a column (sorted in place) and the radix sort's second buffer. */
export class StatsScratch {
  private finite = new Float64Array(0);
  private sort = new Uint32Array(0);

  values(n: number): Float64Array {
    if (this.finite.length < n) this.finite = new Float64Array(n);
    return this.finite;
  }

  sortBuffer(n: number): Uint32Array {
    if (this.sort.length < 2 * n) this.sort = new Uint32Array(2 * n);
    return this.sort;
  }
}

function floatStats(name: string, type: ColumnType, values: Float64Array, opts: StatsOptions, scratch: StatsScratch): ColumnStats {
  const n = values.length;
  const finite = scratch.values(n);
  let k = 0;
  let nulls = 0;
  let infinite = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) {
      nulls++;
      continue;
    }
    if (v === Infinity || v === -Infinity) {
      infinite++;
      continue;
    }
    finite[k++] = v;
    const delta = v - mean;
    mean += delta / k;
    m2 += delta * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let top: TopValue[] = [];
  let distinct: number;
  let quantiles: Quantiles | null = null;
  if (type === 'boolean') {
    // Two possible values: counting is enough, no sort needed.
    let trues = 0;
    for (let i = 0; i < k; i++) trues += finite[i];
    const counts = [{ value: 'true', count: trues }, { value: 'false', count: k - trues }].filter((t) => t.count > 0);
    distinct = counts.length;
    top = rankTop(counts, opts);
  } else {
    const sorted = sortFloat64(finite.subarray(0, k), scratch.sortBuffer(k));
    distinct = k > 0 ? 1 : 0;
    for (let i = 1; i < k; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
    if (k > 0) quantiles = quantilesOfSorted(sorted);
  }
  if (infinite > 0) distinct += countDistinctInfinities(values);
  return {
    name,
    type,
    count: n,
    nulls,
    nullRatio: n === 0 ? 0 : nulls / n,
    distinct,
    infinite,
    min: k > 0 ? min : null,
    max: k > 0 ? max : null,
    mean: k > 0 ? mean : null,
    std: k > 1 ? Math.sqrt(m2 / (k - 1)) : null,
    quantiles,
    top,
  };
}

function countDistinctInfinities(values: Float64Array): number {
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === Infinity) pos = 1;
    else if (values[i] === -Infinity) neg = 1;
  }
  return pos + neg;
}

/** Quantile q of ascending values by linear interpolation between closest ranks. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function quantilesOfSorted(sorted: Float64Array): Quantiles {
  const out = {} as Quantiles;
  for (const [key, q] of Object.entries(QUANTILE_LEVELS)) out[key as keyof Quantiles] = quantileOfSorted(sorted, q);
  return out;
}

function codedStats(
  name: string,
  type: ColumnType,
  codes: Int32Array,
  levels: readonly string[],
  opts: StatsOptions,
): ColumnStats {
  const counts = new Int32Array(levels.length);
  let nulls = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) nulls++;
    else counts[c]++;
  }
  const present: TopValue[] = [];
  for (let l = 0; l < levels.length; l++) if (counts[l] > 0) present.push({ value: levels[l], count: counts[l] });
  const n = codes.length;
  return {
    name,
    type,
    count: n,
    nulls,
    nullRatio: n === 0 ? 0 : nulls / n,
    distinct: present.length,
    infinite: 0,
    min: null,
    max: null,
    mean: null,
    std: null,
    quantiles: null,
    top: rankTop(present, opts),
  };
}

function rankTop(values: TopValue[], opts: StatsOptions): TopValue[] {
  const k = opts.topK ?? 10;
  return values
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, k);
}
