// The hot loops of GBDT training — histograms, binning, partitions — in plain JavaScript on purpose: the
// TypeScript modules use them, and so do the helper threads (src/ml/thread/trainWorker.mjs), which load
// this file without a TypeScript loader (a tsx-loaded thread costs ~45 MB of RSS, a plain one ~9 MB).
// Types and documentation: kernels.d.ts beside this file; change both together.
//
// Why the loops look as they do: several features per pass over the rows share the row-index and
// gradient loads (measured in V8: 4 per pass ~3x faster than 1, 8 per pass another ~30%); each loop lives
// in its own small function so V8 optimises it for its exact types. Each feature's sums add its rows in
// row order whatever the grouping, so any split of the features between threads gives bit-identical
// histograms. Binning reads X in row order (X is row-major) and counts thresholds below a value with a
// branch-free binary search (~3.5x faster than the branching one on random values).
function buildHistogram(hist, layout, binned, nRows, sampleIdx, start, end, g, hess, firstFeature = 0, endFeature = layout.nFeatures) {
  const { offsets } = layout;
  hist.fill(0, offsets[firstFeature] * 3, offsets[endFeature] * 3);
  let f = firstFeature;
  for (; f + 8 <= endFeature; f += 8) {
    if (hess) accumulate8(hist, binned, nRows, offsets, f, sampleIdx, start, end, g, hess);
    else accumulate8Constant(hist, binned, nRows, offsets, f, sampleIdx, start, end, g);
  }
  for (; f + 4 <= endFeature; f += 4) {
    if (hess) accumulate4(hist, binned, nRows, offsets, f, sampleIdx, start, end, g, hess);
    else accumulate4Constant(hist, binned, nRows, offsets, f, sampleIdx, start, end, g);
  }
  for (; f < endFeature; f++) {
    if (hess) accumulate1(hist, binned, nRows, offsets, f, sampleIdx, start, end, g, hess);
    else accumulate1Constant(hist, binned, nRows, offsets, f, sampleIdx, start, end, g);
  }
}
function featureGroups(nFeatures, parts) {
  const bounds = new Int32Array(parts + 1);
  for (let k = 1; k < parts; k++) {
    const even = k * nFeatures / parts;
    const aligned = Math.round(even / 4) * 4;
    bounds[k] = Math.min(nFeatures, Math.max(bounds[k - 1], nFeatures >= 4 * parts ? aligned : Math.round(even)));
  }
  bounds[parts] = nFeatures;
  return bounds;
}
function accumulate1(hist, binned, nRows, offsets, f, sampleIdx, start, end, g, h) {
  const col = f * nRows;
  const base = offsets[f] * 3;
  for (let i = start; i < end; i++) {
    const b = base + binned[col + sampleIdx[i]] * 3;
    hist[b] += g[i];
    hist[b + 1] += h[i];
    hist[b + 2] += 1;
  }
}
function accumulate1Constant(hist, binned, nRows, offsets, f, sampleIdx, start, end, g) {
  const col = f * nRows;
  const base = offsets[f] * 3;
  for (let i = start; i < end; i++) {
    const b = base + binned[col + sampleIdx[i]] * 3;
    hist[b] += g[i];
    hist[b + 2] += 1;
  }
}
function accumulate8(hist, binned, nRows, offsets, f, sampleIdx, start, end, g, h) {
  const col = f * nRows;
  const o0 = offsets[f] * 3;
  const o1 = offsets[f + 1] * 3;
  const o2 = offsets[f + 2] * 3;
  const o3 = offsets[f + 3] * 3;
  const o4 = offsets[f + 4] * 3;
  const o5 = offsets[f + 5] * 3;
  const o6 = offsets[f + 6] * 3;
  const o7 = offsets[f + 7] * 3;
  for (let i = start; i < end; i++) {
    const s = col + sampleIdx[i];
    const gi = g[i];
    const hi = h[i];
    let b = o0 + binned[s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o1 + binned[s + nRows] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o2 + binned[s + 2 * nRows] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o3 + binned[s + 3 * nRows] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o4 + binned[s + 4 * nRows] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o5 + binned[s + 5 * nRows] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o6 + binned[s + 6 * nRows] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o7 + binned[s + 7 * nRows] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
  }
}
function accumulate8Constant(hist, binned, nRows, offsets, f, sampleIdx, start, end, g) {
  const col = f * nRows;
  const o0 = offsets[f] * 3;
  const o1 = offsets[f + 1] * 3;
  const o2 = offsets[f + 2] * 3;
  const o3 = offsets[f + 3] * 3;
  const o4 = offsets[f + 4] * 3;
  const o5 = offsets[f + 5] * 3;
  const o6 = offsets[f + 6] * 3;
  const o7 = offsets[f + 7] * 3;
  for (let i = start; i < end; i++) {
    const s = col + sampleIdx[i];
    const gi = g[i];
    let b = o0 + binned[s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o1 + binned[s + nRows] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o2 + binned[s + 2 * nRows] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o3 + binned[s + 3 * nRows] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o4 + binned[s + 4 * nRows] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o5 + binned[s + 5 * nRows] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o6 + binned[s + 6 * nRows] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o7 + binned[s + 7 * nRows] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
  }
}
function accumulate4(hist, binned, nRows, offsets, f, sampleIdx, start, end, g, h) {
  const col = f * nRows;
  const o0 = offsets[f] * 3;
  const o1 = offsets[f + 1] * 3;
  const o2 = offsets[f + 2] * 3;
  const o3 = offsets[f + 3] * 3;
  for (let i = start; i < end; i++) {
    const s = col + sampleIdx[i];
    const gi = g[i];
    const hi = h[i];
    let b = o0 + binned[s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o1 + binned[s + nRows] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o2 + binned[s + 2 * nRows] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o3 + binned[s + 3 * nRows] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
  }
}
function accumulate4Constant(hist, binned, nRows, offsets, f, sampleIdx, start, end, g) {
  const col = f * nRows;
  const o0 = offsets[f] * 3;
  const o1 = offsets[f + 1] * 3;
  const o2 = offsets[f + 2] * 3;
  const o3 = offsets[f + 3] * 3;
  for (let i = start; i < end; i++) {
    const s = col + sampleIdx[i];
    const gi = g[i];
    let b = o0 + binned[s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o1 + binned[s + nRows] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o2 + binned[s + 2 * nRows] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o3 + binned[s + 3 * nRows] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
  }
}
function binRows(X, rows, mapper, out = new Uint8Array((rows ? rows.length : X.rows) * X.cols), firstFeature = 0, endFeature = X.cols) {
  const n = rows ? rows.length : X.rows;
  const p = X.cols;
  const data = X.data;
  const padded = mapper.thresholds.map(padThresholds);
  const missingBin = mapper.nBinsNonMissing;
  for (let i = 0; i < n; i++) {
    const xo = (rows ? rows[i] : i) * p;
    for (let f = firstFeature; f < endFeature; f++) {
      const v = data[xo + f];
      out[f * n + i] = v !== v ? missingBin[f] : countBelow(v, padded[f]);
    }
  }
  return out;
}
function padThresholds(t) {
  let size = 1;
  while (size < t.length + 1) size *= 2;
  const out = new Float64Array(size).fill(Infinity);
  out.set(t);
  return out;
}
function countBelow(v, t) {
  let base = 0;
  for (let half = t.length >> 1; half > 0; half >>= 1) base += half * +(t[base + half - 1] < v);
  return base;
}
function splitChunk(a, r, cs, ce) {
  const { binned, sampleIdx, orderedGrad, orderedHess, scratchIdx, scratchGrad, scratchHess } = a;
  const col = r.feature * a.nRows;
  const { bin, missingBin, missingLeft, hasHess } = r;
  let l = cs;
  let rt = ce - 1;
  for (let i = cs; i < ce; i++) {
    const s = sampleIdx[i];
    const b = binned[col + s];
    const o = b === missingBin ? missingLeft ? l++ : rt-- : b <= bin ? l++ : rt--;
    scratchIdx[o] = s;
    scratchGrad[o] = orderedGrad[i];
    if (hasHess) scratchHess[o] = orderedHess[i];
  }
  return l - cs;
}
function placeChunk(a, hasHess, cs, ce, nLeft, leftDest, rightDest) {
  const { sampleIdx, orderedGrad, orderedHess, scratchIdx, scratchGrad, scratchHess } = a;
  sampleIdx.set(scratchIdx.subarray(cs, cs + nLeft), leftDest);
  orderedGrad.set(scratchGrad.subarray(cs, cs + nLeft), leftDest);
  if (hasHess) orderedHess.set(scratchHess.subarray(cs, cs + nLeft), leftDest);
  let d = rightDest;
  for (let i = ce - 1; i >= cs + nLeft; i--, d++) {
    sampleIdx[d] = scratchIdx[i];
    orderedGrad[d] = scratchGrad[i];
    if (hasHess) orderedHess[d] = scratchHess[i];
  }
}
export {
  binRows,
  buildHistogram,
  featureGroups,
  placeChunk,
  splitChunk
};

// Binary logistic loss and gradient over rows [start, end) of row-major X (p columns) for weights w
// (p weights, then the intercept at w[p]): adds the gradient into out[0..p], returns the loss sum.
// Used block by block with fixed block bounds, so sums are the same for any number of threads.
// The gradient is summed in a thread-local array and copied out once: `out` sits in shared memory next to
// other threads' blocks, and a store per row there would bounce cache lines between cores.
let local = new Float64Array(0);
export function logisticBlock(data, p, y, w, start, end, out) {
  if (local.length < p + 1) local = new Float64Array(p + 1);
  const acc = local;
  acc.fill(0, 0, p + 1);
  let loss = 0;
  const b0 = w[p];
  for (let i = start; i < end; i++) {
    const xo = i * p;
    let s = b0;
    for (let j = 0; j < p; j++) s += data[xo + j] * w[j];
    const yi = y[i];
    // softplus(s) - y*s and sigmoid(s) from one exp(-|s|): no overflow, the textbook values bit for bit.
    const e = Math.exp(s > 0 ? -s : s);
    const l1p = Math.log1p(e);
    loss += (s > 0 ? s + l1p : l1p) - yi * s;
    const r = (s >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi;
    for (let j = 0; j < p; j++) acc[j] += r * data[xo + j];
    acc[p] += r;
  }
  for (let j = 0; j <= p; j++) out[j] += acc[j];
  return loss;
}
