import type { Matrix } from '../matrix';
import type { Rng } from '../random';
import type { TrainThreads } from '../thread/trainThreads';
import { sampleThresholds } from './kernels.js';

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

/** Fits thresholds on the given rows of X (all rows when `rows` is null). */
export function fitBinMapper(
  X: Matrix,
  rows: Int32Array | null,
  maxBins: number,
  rng: Rng,
  /** Threads to share the columns (X in shared memory); null: all on this thread. */
  pool: TrainThreads | null = null,
): BinMapper {
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
  // Helper threads read the sample in place: a posted copy would add to the fit's peak memory.
  if (pool) sample = sharedCopy(sample);

  const p = X.cols;
  // Shared, so helper threads write their columns' thresholds in place.
  const out = new Float64Array(new SharedArrayBuffer(p * maxBins * 8));
  const counts = new Int32Array(new SharedArrayBuffer(p * 4));
  if (pool) pool.sampleThresholds(X.data, p, sample, maxBins, out, counts);
  else sampleThresholds(X.data, p, sample, maxBins, 0, p, out, counts);
  const thresholds = Array.from({ length: p }, (_, f) => out.slice(f * maxBins, f * maxBins + counts[f]));
  return { thresholds, nBinsNonMissing: Int32Array.from(counts, (c) => c + 1) };
}

/** Thresholds from a sorted column live in kernels.js (plain JavaScript: helper threads fit some columns). */
export { featureThresholds } from './kernels.js';

/** Binning of rows lives in kernels.js (plain JavaScript: helper threads load it too). */
export { binRows } from './kernels.js';

function sharedCopy(a: Int32Array): Int32Array {
  const out = new Int32Array(new SharedArrayBuffer(a.length * 4));
  out.set(a);
  return out;
}

export function identity(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
