import { describe, expect, it } from 'vitest';
import { binRows, featureThresholds, fitBinMapper, identity } from '../../../src/ml/tree/binning';
import { buildHistogram, histogramLayout, histogramLength, subtractHistogram } from '../../../src/ml/tree/histogram';
import { emptySplit, findBestSplit } from '../../../src/ml/tree/split';
import { matrix } from '../../../src/ml/matrix';
import { createRng } from '../../../src/ml/random';
import { maxAbsDiff } from './helpers';

describe('binning', () => {
  it('uses midpoints between distinct values when there are few', () => {
    expect([...featureThresholds(Float64Array.of(1, 1, 2, 4, 4, 4), 255)]).toEqual([1.5, 3]);
    expect(featureThresholds(Float64Array.of(5, 5, 5), 255).length).toBe(0);
  });

  it('uses at most maxBins - 1 increasing quantile thresholds for many distinct values', () => {
    const sorted = Float64Array.from({ length: 1000 }, (_, i) => i).sort();
    const t = featureThresholds(sorted, 10);
    expect(t.length).toBe(9);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThan(t[i - 1]);
    // numpy's averaged_inverted_cdf: the 10% quantile of 0..999 is (99 + 100) / 2.
    expect(t[0]).toBe(99.5);
  });

  it('maps values to bins (x <= threshold goes low) and NaN to its own last bin', () => {
    const X = matrix(6, 1, Float64Array.of(1, 2, 3, NaN, 2, 1.5));
    const mapper = fitBinMapper(X, null, 255, createRng(1));
    expect([...mapper.thresholds[0]]).toEqual([1.25, 1.75, 2.5]);
    expect(mapper.nBinsNonMissing[0]).toBe(4);
    expect([...binRows(X, identity(6), mapper)]).toEqual([0, 2, 3, 4, 2, 1]);
    // A value exactly on a threshold belongs to the lower bin, as in sklearn.
    const onEdge = binRows(matrix(1, 1, Float64Array.of(1.75)), identity(1), mapper);
    expect(onEdge[0]).toBe(1);
  });

  it('counts the thresholds below each value exactly, through the bucket table or the binary search', () => {
    const rng = createRng(9);
    const normal = Float64Array.from({ length: 254 }, () => rng.normal()).sort();
    // A huge outlier crowds every other threshold into the first bucket: the binary search takes over.
    const skewed = Float64Array.from([...normal.subarray(0, 100), 1e300]);
    const thresholds = [normal, skewed, Float64Array.of(0.5), new Float64Array(0), Float64Array.of(-1, -1e-300, 0, 1e-300, 1)];
    const mapper = { thresholds, nBinsNonMissing: Int32Array.from(thresholds, (t) => t.length + 1) };
    const specials = [0, -0, Infinity, -Infinity, 1e300, -1e300, 5e-324, ...normal.subarray(0, 20), ...thresholds[4]];
    const n = 3000;
    const p = thresholds.length;
    const X = matrix(n, p, Float64Array.from({ length: n * p }, (_, k) => (k < specials.length * p ? specials[Math.floor(k / p)] : rng.next() < 0.02 ? NaN : 3 * rng.normal())));
    const bins = binRows(X, null, mapper);
    for (let f = 0; f < p; f++) {
      for (let i = 0; i < n; i++) {
        const v = X.data[i * p + f];
        const expected = Number.isNaN(v) ? mapper.nBinsNonMissing[f] : thresholds[f].filter((t) => t < v).length;
        if (bins[f * n + i] !== expected) expect({ f, v, bin: bins[f * n + i] }).toEqual({ f, v, bin: expected });
      }
    }
  });
});

describe('histograms and splits', () => {
  const n = 500;
  const p = 6;
  const rng = createRng(2);
  const X = matrix(n, p, Float64Array.from({ length: n * p }, () => (rng.next() < 0.05 ? NaN : rng.normal())));
  const mapper = fitBinMapper(X, null, 32, rng);
  const binned = binRows(X, identity(n), mapper);
  const layout = histogramLayout(mapper.nBinsNonMissing);
  const g = Float32Array.from({ length: n }, () => rng.normal());
  const h = Float32Array.from({ length: n }, () => rng.uniform(0.1, 1));

  it('subtraction of a child histogram from its parent gives the sibling histogram', () => {
    const idx = identity(n);
    const parent = new Float64Array(histogramLength(layout));
    buildHistogram(parent, layout, binned, n, idx, 0, n, g, h);
    // Rows 0..199 as "left" and the rest as "right", gradients gathered in row order.
    const left = new Float64Array(parent.length);
    const right = new Float64Array(parent.length);
    buildHistogram(left, layout, binned, n, idx, 0, 200, g, h);
    buildHistogram(right, layout, binned, n, idx, 200, n, g, h);
    subtractHistogram(parent, left);
    expect(maxAbsDiff(parent, right)).toBeLessThan(1e-12);
  });

  it('builds two-bin (0/1, no NaN) features with their own loop to the same sums, at the root and at a node', () => {
    const m = 3000;
    const q = 9;
    const r = createRng(4);
    // Columns 0-2 numeric, 3-8 0/1; column 8 with NaN, so it takes the general loop.
    const Xb = matrix(m, q, Float64Array.from({ length: m * q }, (_, k) => (k % q < 3 ? r.normal() : k % q === 8 && r.next() < 0.1 ? NaN : r.int(2))));
    const mb = fitBinMapper(Xb, null, 255, r);
    const bins = binRows(Xb, identity(m), mb);
    const hasMissing = Uint8Array.from({ length: q }, (_, f) => (f === 8 ? 1 : 0));
    const general = histogramLayout(mb.nBinsNonMissing);
    const twoBin = histogramLayout(mb.nBinsNonMissing, hasMissing);
    expect([...twoBin.binary!]).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 0]);
    const gg = Float32Array.from({ length: m }, () => r.normal());
    const hh = Float32Array.from({ length: m }, () => r.uniform(0.1, 1));
    const rows = Int32Array.from({ length: m }, (_, i) => i).filter((i) => i % 3 !== 0);
    for (const [idx, inOrder] of [[identity(m), true], [rows, false]] as const) {
      const og = Float32Array.from(idx, (i) => gg[i]);
      const oh = Float32Array.from(idx, (i) => hh[i]);
      for (const hess of [oh, null]) {
        const a = new Float64Array(histogramLength(general));
        const b = new Float64Array(a.length);
        buildHistogram(a, general, bins, m, idx, 0, idx.length, og, hess);
        buildHistogram(b, twoBin, bins, m, idx, 0, idx.length, og, hess, 0, q, inOrder);
        // Bin 1 sums are exact; bin 0 is the total minus bin 1 (rounding only).
        expect(maxAbsDiff(a, b)).toBeLessThan(1e-9);
      }
    }
  });

  it('finds the split with the largest gain, matching a brute-force search', () => {
    const hist = new Float64Array(histogramLength(layout));
    buildHistogram(hist, layout, binned, n, identity(n), 0, n, g, h);
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
      G += g[i];
      H += h[i];
    }
    const split = emptySplit();
    const hasMissing = Uint8Array.from({ length: p }, () => 1);
    const constraints = { minSamplesLeaf: 10, minHessianToSplit: 1e-3, l2Regularization: 0.5, constantHessian: false };
    expect(findBestSplit(hist, layout, hasMissing, G, H, n, constraints, split)).toBe(true);

    const score = (gs: number, hs: number) => (gs * gs) / (hs + 0.5);
    let best = -Infinity;
    for (let f = 0; f < p; f++) {
      const missingBin = mapper.nBinsNonMissing[f];
      for (let b = 0; b < mapper.nBinsNonMissing[f]; b++) {
        for (const nanLeft of [false, true]) {
          let gl = 0;
          let hl = 0;
          let nl = 0;
          for (let i = 0; i < n; i++) {
            const bin = binned[f * n + i];
            if (!(bin === missingBin ? nanLeft : bin <= b)) continue;
            gl += g[i];
            hl += h[i];
            nl++;
          }
          if (nl < 10 || n - nl < 10) continue;
          best = Math.max(best, score(gl, hl) + score(G - gl, H - hl) - score(G, H));
        }
      }
    }
    expect(split.gain).toBeCloseTo(best, 9);
    expect(split.countLeft + split.countRight).toBe(n);
  });
});
