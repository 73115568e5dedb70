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
  /**
   * 1 for a two-bin feature without NaN in the training rows (a one-hot column): its histogram is built by
   * the faster two-bin loop (see kernels.js). Absent: no feature is treated so.
   */
  binary?: Uint8Array;
}

/** Relative cost of a two-bin feature's histogram against a general one's (measured ~0.55-0.75). */
const TWO_BIN_COST = 0.6;

/** `hasMissing` (1 = the feature has NaN in the training rows) enables the two-bin loop for the others. */
export function histogramLayout(nBinsNonMissing: Int32Array, hasMissing?: Uint8Array): HistogramLayout {
  const p = nBinsNonMissing.length;
  const offsets = new Int32Array(p + 1);
  for (let f = 0; f < p; f++) offsets[f + 1] = offsets[f] + nBinsNonMissing[f] + 1;
  if (!hasMissing) return { nFeatures: p, offsets, nBinsNonMissing };
  const binary = Uint8Array.from({ length: p }, (_, f) => (nBinsNonMissing[f] === 2 && hasMissing[f] === 0 ? 1 : 0));
  return { nFeatures: p, offsets, nBinsNonMissing, binary };
}

/** Features per histogram work unit: one pass of the 4-wide loops (in WebAssembly as fast per feature as the 8-wide). */
const UNIT_FEATURES = 4;

/**
 * The histogram's work units for threads (see TrainThreads.share): runs of UNIT_FEATURES consecutive
 * features (a multiple of it when more than maxUnits runs would be needed) as [first, end) pairs,
 * costliest first, so that the cheap ones fill the gaps at the end.
 */
export function featureUnits(layout: HistogramLayout, maxUnits: number): Int32Array {
  const size = UNIT_FEATURES * Math.ceil(layout.nFeatures / (UNIT_FEATURES * maxUnits));
  const units: { first: number; end: number; cost: number }[] = [];
  for (let first = 0; first < layout.nFeatures; first += size) {
    const end = Math.min(layout.nFeatures, first + size);
    let cost = 0;
    for (let f = first; f < end; f++) cost += layout.binary?.[f] === 1 ? TWO_BIN_COST : 1;
    units.push({ first, end, cost });
  }
  units.sort((a, b) => b.cost - a.cost || a.first - b.first);
  return Int32Array.from(units.flatMap((u) => [u.first, u.end]));
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

/**
 * A node's gradient and hessian sums from its histogram: every feature's bins (NaN's included) hold all
 * the node's rows, so the feature with the fewest bins is the cheapest to add up. constantHessian: the
 * hessian lane is not accumulated; the sum is the row count.
 */
export function histogramTotals(hist: Float64Array, layout: HistogramLayout, count: number, constantHessian: boolean): [number, number] {
  const { nFeatures, offsets } = layout;
  let best = 0;
  for (let f = 1; f < nFeatures; f++) if (offsets[f + 1] - offsets[f] < offsets[best + 1] - offsets[best]) best = f;
  let sumGrad = 0;
  let sumHess = 0;
  for (let b = offsets[best]; b < offsets[best + 1]; b++) {
    sumGrad += hist[b * 3];
    sumHess += hist[b * 3 + 1];
  }
  return [sumGrad, constantHessian ? count : sumHess];
}
