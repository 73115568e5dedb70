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

/** `hasMissing` (1 = the feature has NaN in the training rows) enables the two-bin loop for the others. */
export function histogramLayout(nBinsNonMissing: Int32Array, hasMissing?: Uint8Array): HistogramLayout {
  const p = nBinsNonMissing.length;
  const offsets = new Int32Array(p + 1);
  for (let f = 0; f < p; f++) offsets[f + 1] = offsets[f] + nBinsNonMissing[f] + 1;
  if (!hasMissing) return { nFeatures: p, offsets, nBinsNonMissing };
  const binary = Uint8Array.from({ length: p }, (_, f) => (nBinsNonMissing[f] === 2 && hasMissing[f] === 0 ? 1 : 0));
  return { nFeatures: p, offsets, nBinsNonMissing, binary };
}

/**
 * Features per histogram work unit: one pass of the widest loop of their kind (see kernels.js), general
 * features eight to a pass, two-bin ones four. In WebAssembly a feature costs ~1.4x as much in a 4-wide
 * pass as in an 8-wide one, so units of four general features made every 2-thread histogram ~20% slower.
 */
const UNIT_GENERAL = 8;
const UNIT_TWO_BIN = 4;
/** Relative cost per feature of the passes (8-wide general = 1), as measured on the bench's fit. */
const COST = { general8: 1, general4: 1.4, single: 2.5, twoBin: 0.7 };

/**
 * The histogram's work units for threads (see TrainThreads.share): runs of consecutive features of one
 * kind (general or two-bin), UNIT_GENERAL or UNIT_TWO_BIN at most, as [first, end) pairs, costliest
 * first, so that the cheap ones fill the gaps at the end. When that gives more than maxUnits, runs of
 * a multiple of UNIT_GENERAL features of either kind instead.
 */
export function featureUnits(layout: HistogramLayout, maxUnits: number): Int32Array {
  const twoBin = (f: number) => layout.binary?.[f] === 1;
  for (let scale = 1; ; scale *= 2) {
    const mixed = scale > 1;
    const units: { first: number; end: number; cost: number }[] = [];
    for (let first = 0; first < layout.nFeatures; ) {
      const kind = twoBin(first);
      const limit = mixed ? UNIT_GENERAL * scale : kind ? UNIT_TWO_BIN : UNIT_GENERAL;
      let end = first + 1;
      while (end < layout.nFeatures && end - first < limit && (mixed || twoBin(end) === kind)) end++;
      let two = 0;
      for (let f = first; f < end; f++) if (twoBin(f)) two++;
      units.push({ first, end, cost: unitCost(end - first - two, false) + unitCost(two, true) });
      first = end;
    }
    if (units.length > maxUnits) continue;
    units.sort((a, b) => b.cost - a.cost || a.first - b.first);
    return Int32Array.from(units.flatMap((u) => [u.first, u.end]));
  }
}

/** What buildHistogram's passes over n features of one kind cost (see COST). */
function unitCost(n: number, twoBin: boolean): number {
  if (twoBin) return (n - (n % 4)) * COST.twoBin + (n % 4) * COST.single;
  const in8 = n - (n % 8);
  const in4 = n % 8 >= 4 ? 4 : 0;
  return in8 * COST.general8 + in4 * COST.general4 + (n - in8 - in4) * COST.single;
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
