import type { HistogramLayout } from './histogram';

/** The best split found for a node, plus the statistics of both sides (so children need no rescan). */
export interface SplitInfo {
  gain: number;
  feature: number;
  /** Last bin that goes left. */
  bin: number;
  missingLeft: boolean;
  gradLeft: number;
  hessLeft: number;
  countLeft: number;
  gradRight: number;
  hessRight: number;
  countRight: number;
}

export interface SplitConstraints {
  minSamplesLeaf: number;
  minHessianToSplit: number;
  l2Regularization: number;
  /** Hessians are all 1 and were not accumulated: use counts instead. */
  constantHessian: boolean;
}

export function emptySplit(): SplitInfo {
  return {
    gain: -1,
    feature: -1,
    bin: 0,
    missingLeft: false,
    gradLeft: 0,
    hessLeft: 0,
    countLeft: 0,
    gradRight: 0,
    hessRight: 0,
    countRight: 0,
  };
}

/** Leaf value before shrinkage: the Newton step -G / (H + l2). The 1e-15 guards H = 0, as in sklearn. */
export function nodeValue(sumGrad: number, sumHess: number, l2: number): number {
  return -sumGrad / (sumHess + l2 + 1e-15);
}

/**
 * Scans every feature's histogram for the split with the largest loss reduction (XGBoost eq. 7, without
 * the constant 1/2, as sklearn). Missing values are tried on both sides: left-to-right puts NaN right,
 * right-to-left (only when the node has NaN rows for that feature) puts it left. Returns false (out.gain = -1)
 * when no split satisfies the constraints with positive gain; ties keep the first feature/bin found.
 */
export function findBestSplit(
  hist: Float64Array,
  layout: HistogramLayout,
  hasMissing: Uint8Array,
  sumGrad: number,
  sumHess: number,
  count: number,
  c: SplitConstraints,
  out: SplitInfo,
): boolean {
  const { nFeatures, offsets, nBinsNonMissing } = layout;
  const { minSamplesLeaf, minHessianToSplit, l2Regularization: l2, constantHessian } = c;
  const parentLoss = sumGrad * nodeValue(sumGrad, sumHess, l2);
  out.gain = -1;
  out.feature = -1;
  let bestGain = -1;

  for (let f = 0; f < nFeatures; f++) {
    const base = offsets[f];
    const nb = nBinsNonMissing[f];
    // Only scan for NaN placement when this node actually holds NaN rows: otherwise the right-to-left
    // scan repeats the left-to-right partitions, and rounding noise would pick between equal splits
    // arbitrarily (and differently from sklearn).
    const missing = hasMissing[f] === 1 && hist[(base + nb) * 3 + 2] > 0;

    // Left to right: bins 0..bin go left, NaN goes right. With NaN present, the last real bin is also a
    // candidate ("all real values left, NaN right").
    const end = nb - 1 + (missing ? 1 : 0);
    let gL = 0;
    let hL = 0;
    let nL = 0;
    for (let b = 0; b < end; b++) {
      const o = (base + b) * 3;
      gL += hist[o];
      const cnt = hist[o + 2];
      hL += constantHessian ? cnt : hist[o + 1];
      nL += cnt;
      const nR = count - nL;
      if (nL < minSamplesLeaf) continue;
      if (nR < minSamplesLeaf) break;
      const hR = sumHess - hL;
      if (hL < minHessianToSplit) continue;
      if (hR < minHessianToSplit) break;
      const gR = sumGrad - gL;
      const gain = parentLoss - gL * nodeValue(gL, hL, l2) - gR * nodeValue(gR, hR, l2);
      if (gain > bestGain && gain > 0) {
        bestGain = gain;
        setSplit(out, gain, f, b, false, gL, hL, nL, gR, hR, nR);
      }
    }

    if (!missing) continue;
    // Right to left: bins bin+1..nb-1 go right, everything else (NaN included) goes left.
    let gR = 0;
    let hR = 0;
    let nR = 0;
    for (let b = nb - 2; b >= 0; b--) {
      const o = (base + b + 1) * 3;
      gR += hist[o];
      const cnt = hist[o + 2];
      hR += constantHessian ? cnt : hist[o + 1];
      nR += cnt;
      const nL2 = count - nR;
      if (nR < minSamplesLeaf) continue;
      if (nL2 < minSamplesLeaf) break;
      const hL2 = sumHess - hR;
      if (hR < minHessianToSplit) continue;
      if (hL2 < minHessianToSplit) break;
      const gL2 = sumGrad - gR;
      const gain = parentLoss - gL2 * nodeValue(gL2, hL2, l2) - gR * nodeValue(gR, hR, l2);
      if (gain > bestGain && gain > 0) {
        bestGain = gain;
        setSplit(out, gain, f, b, true, gL2, hL2, nL2, gR, hR, nR);
      }
    }
  }
  return out.feature !== -1;
}

function setSplit(
  out: SplitInfo,
  gain: number,
  feature: number,
  bin: number,
  missingLeft: boolean,
  gL: number,
  hL: number,
  nL: number,
  gR: number,
  hR: number,
  nR: number,
): void {
  out.gain = gain;
  out.feature = feature;
  out.bin = bin;
  out.missingLeft = missingLeft;
  out.gradLeft = gL;
  out.hessLeft = hL;
  out.countLeft = nL;
  out.gradRight = gR;
  out.hessRight = hR;
  out.countRight = nR;
}
