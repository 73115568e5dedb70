/**
 * Gradient histograms: for every (feature, bin) the sums of gradients, hessians and the row count of a
 * node's rows. Split finding then scans bins instead of rows.
 *
 * One Float64Array per node, entry (offsets[f] + bin) * 3 + {0: gradient, 1: hessian, 2: count};
 * features get only as many bins as they use (+1 for NaN), so low-cardinality columns stay cheap.
 */
export interface HistogramLayout {
  nFeatures: number;
  /** offsets[f] = first bin slot of feature f; offsets[nFeatures] = total slots. */
  offsets: Int32Array;
  nBinsNonMissing: Int32Array;
}

export function histogramLayout(nBinsNonMissing: Int32Array): HistogramLayout {
  const p = nBinsNonMissing.length;
  const offsets = new Int32Array(p + 1);
  for (let f = 0; f < p; f++) offsets[f + 1] = offsets[f] + nBinsNonMissing[f] + 1;
  return { nFeatures: p, offsets, nBinsNonMissing };
}

/** The loops that fill histograms live in kernels.js (plain JavaScript: helper threads load it too). */
export { buildHistogram, featureGroups } from './kernels.js';

export function histogramLength(layout: HistogramLayout): number {
  return layout.offsets[layout.nFeatures] * 3;
}

/** parent -= child, in place: the sibling's histogram without touching its rows (the subtraction trick). */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}
