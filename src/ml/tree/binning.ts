import type { Matrix } from '../matrix';
import type { Rng } from '../random';

/**
 * Quantile binning of continuous features, as in sklearn's _BinMapper, so that trees search at most
 * maxBins split points per feature instead of every distinct value.
 *
 * Feature f has nBinsNonMissing[f] = thresholds[f].length + 1 bins for values; value x goes to the
 * number of thresholds strictly below it (x <= thresholds[b] lands in bin <= b). NaN goes to its own bin,
 * index nBinsNonMissing[f], so that trees can learn which side missing values belong on.
 */
export interface BinMapper {
  thresholds: Float64Array[];
  nBinsNonMissing: Int32Array;
}

/** sklearn's default: quantiles from at most this many rows are as good as from all, and far cheaper. */
export const BINNING_SUBSAMPLE = 200_000;

/** Sample columns gathered per pass over the sampled rows (8 × 200k doubles = 12.8 MB at most). */
const GATHER_COLUMNS = 8;

/** Largest finite threshold: +Infinity is reserved for the "NaN vs everything else" split. */
const ALMOST_INF = 1e300;

/** Fits thresholds on the given rows of X (all rows when `rows` is null). */
export function fitBinMapper(X: Matrix, rows: Int32Array | null, maxBins: number, rng: Rng): BinMapper {
  let sample = rows ?? identity(X.rows);
  if (sample.length > BINNING_SUBSAMPLE) {
    // Partial Fisher-Yates on a copy; sorted afterwards so column reads stay in memory order.
    const copy = Int32Array.from(sample);
    for (let i = 0; i < BINNING_SUBSAMPLE; i++) {
      const j = i + rng.int(copy.length - i);
      const t = copy[i];
      copy[i] = copy[j];
      copy[j] = t;
    }
    sample = copy.subarray(0, BINNING_SUBSAMPLE).sort();
  }

  const p = X.cols;
  const m = sample.length;
  const thresholds: Float64Array[] = [];
  const nBinsNonMissing = new Int32Array(p);
  // Columns of the sample gathered GATHER_COLUMNS at a time, in one pass over its rows each: X is
  // row-major, so a pass per column would fetch every sampled row's cache lines once per column.
  const columns = new Float64Array(m * Math.min(p, GATHER_COLUMNS));
  for (let f0 = 0; f0 < p; f0 += GATHER_COLUMNS) {
    const f1 = Math.min(p, f0 + GATHER_COLUMNS);
    for (let i = 0; i < m; i++) {
      const xo = sample[i] * p;
      for (let f = f0; f < f1; f++) columns[(f - f0) * m + i] = X.data[xo + f];
    }
    for (let f = f0; f < f1; f++) {
      const column = columns.subarray((f - f0) * m, (f - f0 + 1) * m);
      let k = 0;
      for (let i = 0; i < m; i++) {
        const v = column[i];
        if (v === v) column[k++] = v;
      }
      const values = column.subarray(0, k);
      // A column with few distinct values (one-hot, small integers) gets the same thresholds from its
      // distinct values alone, without sorting the whole sample (a sort is ~25 ms per 200k values).
      const t = featureThresholds(fewDistinct(values, maxBins) ?? values.sort(), maxBins);
      thresholds.push(t);
      nBinsNonMissing[f] = t.length + 1;
    }
  }
  return { thresholds, nBinsNonMissing };
}

/** The distinct values of `values`, sorted, when there are at most `limit`; otherwise null. */
function fewDistinct(values: Float64Array, limit: number): Float64Array | null {
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    seen.add(values[i]);
    if (seen.size > limit) return null;
  }
  return Float64Array.from(seen).sort();
}

/**
 * Thresholds for one sorted, NaN-free column: midpoints between distinct values when there are few,
 * otherwise the (maxBins-1) inner quantiles with numpy's "averaged_inverted_cdf" rule, as sklearn does.
 */
export function featureThresholds(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= 1) return new Float64Array(0);

  let out: Float64Array;
  if (distinct <= maxBins) {
    out = new Float64Array(distinct - 1);
    let prev = sorted[0];
    let k = 0;
    for (let i = 1; i < n; i++) {
      const v = sorted[i];
      if (v !== prev) {
        out[k++] = (prev + v) * 0.5;
        prev = v;
      }
    }
  } else {
    const raw = new Float64Array(maxBins - 1);
    const step = 100 / maxBins;
    for (let b = 1; b < maxBins; b++) {
      const q = (b * step) / 100;
      const virtual = n * q - 1;
      let lo = Math.floor(virtual);
      const gamma = virtual - lo;
      lo = Math.min(Math.max(lo, 0), n - 1);
      const hi = Math.min(lo + 1, n - 1);
      raw[b - 1] = gamma === 0 ? sorted[hi] - (sorted[hi] - sorted[lo]) * 0.5 : sorted[hi];
    }
    // Heavy ties give repeated quantiles; duplicates would only create empty bins.
    let k = 0;
    for (let i = 0; i < raw.length; i++) if (k === 0 || raw[i] !== raw[k - 1]) raw[k++] = raw[i];
    out = raw.slice(0, k);
  }
  for (let i = 0; i < out.length; i++) if (out[i] > ALMOST_INF) out[i] = ALMOST_INF;
  return out;
}

/** Binning of rows lives in kernels.js (plain JavaScript: helper threads load it too). */
export { binRows } from './kernels.js';

export function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
