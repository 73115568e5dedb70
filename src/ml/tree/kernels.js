// The hot loops of GBDT training — histograms, binning, partitions — in plain JavaScript on purpose: the
// TypeScript modules use them, and so do the helper threads (src/ml/thread/trainWorker.mjs), which load
// this file without a TypeScript loader (a tsx-loaded thread costs ~45 MB of RSS, a plain one ~9 MB).
// Types and documentation: kernels.d.ts beside this file; change both together.
//
// Why the loops look as they do: several features per pass over the rows share the row-index and
// gradient loads (measured in V8: 4 per pass ~3x faster than 1, 8 per pass another ~30%); each loop lives
// in its own small function so V8 optimises it for its exact types. At the root the rows are in order, so
// the "Root" loops read bins sequentially without the row index (~10-15% faster). Two-bin features (one-hot
// columns without NaN) keep bin 1's sums in registers and get bin 0 as the pass's total minus bin 1: no
// read-modify-write of memory per row, ~2x faster than the general loop on them. Each feature's sums add
// its rows in row order whatever the grouping, so any split of the features between threads gives
// bit-identical histograms. Binning reads X in row order (X is row-major) and counts thresholds below a value
// through a bucket table (see binLookup).
function buildHistogram(hist, layout, binned, nRows, sampleIdx, start, end, g, hess, firstFeature = 0, endFeature = layout.nFeatures, rowsInOrder = false, loops = jsHistogramLoops) {
  const { offsets, binary } = layout;
  hist.fill(0, offsets[firstFeature] * 3, offsets[endFeature] * 3);
  const general = [];
  const two = [];
  for (let f = firstFeature; f < endFeature; f++) (binary && binary[f] === 1 ? two : general).push(f);
  // Two-bin features go four to a pass; a remainder of 1-3 joins the general loops.
  while (two.length % 4 !== 0) general.push(two.pop());
  // Loop names: accumulate8, accumulate8Root, accumulate8Constant, accumulate8RootDerived, ... (see jsHistogramLoops).
  let h = hess;
  let kind = hess === null ? 'Constant' : hess === FROM_GRADIENT ? 'Derived' : '';
  if (kind === 'Derived') {
    if (loops.accumulate8Derived) h = null;
    else {
      // No loops that derive the hessian (the JavaScript set): the same values into an array, then the array loops.
      h = derivedHessians(g, start, end);
      kind = '';
    }
  }
  const root = rowsInOrder ? 'Root' : '';
  for (let j = 0; j < two.length; j += 4) loops[`twoBin4${root}${kind}`](hist, binned, nRows, offsets, two, j, sampleIdx, start, end, g, h);
  let j = 0;
  for (; j + 8 <= general.length; j += 8) loops[`accumulate8${root}${kind}`](hist, binned, nRows, offsets, general, j, sampleIdx, start, end, g, h);
  for (; j + 4 <= general.length; j += 4) loops[`accumulate4${root}${kind}`](hist, binned, nRows, offsets, general, j, sampleIdx, start, end, g, h);
  // One feature a pass only for leftovers: the gather loop serves the root too (sampleIdx is then the identity).
  for (; j < general.length; j++) loops[`accumulate1${kind}`](hist, binned, nRows, offsets, general, j, sampleIdx, start, end, g, h);
}
// The hessian of binary log loss from its gradient: with y in {0, 1}, g = p - y gives |g| = p or 1 - p, so
// p(1 - p) = |g|(1 - |g|), rounded to float32 as stored hessians are. Saves moving a hessian array with
// every partition. The WebAssembly "Derived" loops compute exactly this per row.
const FROM_GRADIENT = 'fromGradient';
// What buildHistogram takes for a hessian kind ('array', 'constant' or FROM_GRADIENT), which threads pass around.
function hessiansOf(kind, orderedHess) {
  return kind === 'array' ? orderedHess : kind === 'constant' ? null : FROM_GRADIENT;
}
function derivedHessian(g) {
  const a = Math.abs(g);
  return Math.fround(a * (1 - a));
}
let derivedScratch = new Float32Array(0);
function derivedHessians(g, start, end) {
  if (derivedScratch.length < end) derivedScratch = new Float32Array(Math.max(end, 2 * derivedScratch.length));
  const h = derivedScratch;
  for (let i = start; i < end; i++) h[i] = derivedHessian(g[i]);
  return h;
}
// Contiguous feature groups for `parts` threads (binning), as even as can be with bounds on multiples of 4
// where the features allow.
function featureGroups(nFeatures, parts) {
  const bounds = new Int32Array(parts + 1);
  const step = nFeatures >= 4 * parts ? 4 : 1;
  for (let k = 1; k < parts; k++) {
    const goal = (k * nFeatures) / parts;
    let best = bounds[k - 1];
    for (let b = bounds[k - 1]; b <= nFeatures; b += step) if (Math.abs(b - goal) < Math.abs(best - goal)) best = b;
    bounds[k] = best;
  }
  bounds[parts] = nFeatures;
  return bounds;
}
function accumulate1(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g, h) {
  const f = fs[j];
  const col = f * nRows;
  const base = offsets[f] * 3;
  for (let i = start; i < end; i++) {
    const b = base + binned[col + sampleIdx[i]] * 3;
    hist[b] += g[i];
    hist[b + 1] += h[i];
    hist[b + 2] += 1;
  }
}
function accumulate1Constant(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g) {
  const f = fs[j];
  const col = f * nRows;
  const base = offsets[f] * 3;
  for (let i = start; i < end; i++) {
    const b = base + binned[col + sampleIdx[i]] * 3;
    hist[b] += g[i];
    hist[b + 2] += 1;
  }
}
function accumulate8(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g, h) {
  const c0 = fs[j + 0] * nRows;
  const o0 = offsets[fs[j + 0]] * 3;
  const c1 = fs[j + 1] * nRows;
  const o1 = offsets[fs[j + 1]] * 3;
  const c2 = fs[j + 2] * nRows;
  const o2 = offsets[fs[j + 2]] * 3;
  const c3 = fs[j + 3] * nRows;
  const o3 = offsets[fs[j + 3]] * 3;
  const c4 = fs[j + 4] * nRows;
  const o4 = offsets[fs[j + 4]] * 3;
  const c5 = fs[j + 5] * nRows;
  const o5 = offsets[fs[j + 5]] * 3;
  const c6 = fs[j + 6] * nRows;
  const o6 = offsets[fs[j + 6]] * 3;
  const c7 = fs[j + 7] * nRows;
  const o7 = offsets[fs[j + 7]] * 3;
  for (let i = start; i < end; i++) {
    const s = sampleIdx[i];
    const gi = g[i];
    const hi = h[i];
    let b = o0 + binned[c0 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o1 + binned[c1 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o2 + binned[c2 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o3 + binned[c3 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o4 + binned[c4 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o5 + binned[c5 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o6 + binned[c6 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o7 + binned[c7 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
  }
}
function accumulate8Constant(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g) {
  const c0 = fs[j + 0] * nRows;
  const o0 = offsets[fs[j + 0]] * 3;
  const c1 = fs[j + 1] * nRows;
  const o1 = offsets[fs[j + 1]] * 3;
  const c2 = fs[j + 2] * nRows;
  const o2 = offsets[fs[j + 2]] * 3;
  const c3 = fs[j + 3] * nRows;
  const o3 = offsets[fs[j + 3]] * 3;
  const c4 = fs[j + 4] * nRows;
  const o4 = offsets[fs[j + 4]] * 3;
  const c5 = fs[j + 5] * nRows;
  const o5 = offsets[fs[j + 5]] * 3;
  const c6 = fs[j + 6] * nRows;
  const o6 = offsets[fs[j + 6]] * 3;
  const c7 = fs[j + 7] * nRows;
  const o7 = offsets[fs[j + 7]] * 3;
  for (let i = start; i < end; i++) {
    const s = sampleIdx[i];
    const gi = g[i];
    let b = o0 + binned[c0 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o1 + binned[c1 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o2 + binned[c2 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o3 + binned[c3 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o4 + binned[c4 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o5 + binned[c5 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o6 + binned[c6 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o7 + binned[c7 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
  }
}
function accumulate8Root(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g, h) {
  const c0 = fs[j + 0] * nRows;
  const o0 = offsets[fs[j + 0]] * 3;
  const c1 = fs[j + 1] * nRows;
  const o1 = offsets[fs[j + 1]] * 3;
  const c2 = fs[j + 2] * nRows;
  const o2 = offsets[fs[j + 2]] * 3;
  const c3 = fs[j + 3] * nRows;
  const o3 = offsets[fs[j + 3]] * 3;
  const c4 = fs[j + 4] * nRows;
  const o4 = offsets[fs[j + 4]] * 3;
  const c5 = fs[j + 5] * nRows;
  const o5 = offsets[fs[j + 5]] * 3;
  const c6 = fs[j + 6] * nRows;
  const o6 = offsets[fs[j + 6]] * 3;
  const c7 = fs[j + 7] * nRows;
  const o7 = offsets[fs[j + 7]] * 3;
  for (let i = start; i < end; i++) {
    const gi = g[i];
    const hi = h[i];
    let b = o0 + binned[c0 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o1 + binned[c1 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o2 + binned[c2 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o3 + binned[c3 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o4 + binned[c4 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o5 + binned[c5 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o6 + binned[c6 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o7 + binned[c7 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
  }
}
function accumulate8RootConstant(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g) {
  const c0 = fs[j + 0] * nRows;
  const o0 = offsets[fs[j + 0]] * 3;
  const c1 = fs[j + 1] * nRows;
  const o1 = offsets[fs[j + 1]] * 3;
  const c2 = fs[j + 2] * nRows;
  const o2 = offsets[fs[j + 2]] * 3;
  const c3 = fs[j + 3] * nRows;
  const o3 = offsets[fs[j + 3]] * 3;
  const c4 = fs[j + 4] * nRows;
  const o4 = offsets[fs[j + 4]] * 3;
  const c5 = fs[j + 5] * nRows;
  const o5 = offsets[fs[j + 5]] * 3;
  const c6 = fs[j + 6] * nRows;
  const o6 = offsets[fs[j + 6]] * 3;
  const c7 = fs[j + 7] * nRows;
  const o7 = offsets[fs[j + 7]] * 3;
  for (let i = start; i < end; i++) {
    const gi = g[i];
    let b = o0 + binned[c0 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o1 + binned[c1 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o2 + binned[c2 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o3 + binned[c3 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o4 + binned[c4 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o5 + binned[c5 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o6 + binned[c6 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o7 + binned[c7 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
  }
}
function accumulate4(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g, h) {
  const c0 = fs[j + 0] * nRows;
  const o0 = offsets[fs[j + 0]] * 3;
  const c1 = fs[j + 1] * nRows;
  const o1 = offsets[fs[j + 1]] * 3;
  const c2 = fs[j + 2] * nRows;
  const o2 = offsets[fs[j + 2]] * 3;
  const c3 = fs[j + 3] * nRows;
  const o3 = offsets[fs[j + 3]] * 3;
  for (let i = start; i < end; i++) {
    const s = sampleIdx[i];
    const gi = g[i];
    const hi = h[i];
    let b = o0 + binned[c0 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o1 + binned[c1 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o2 + binned[c2 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o3 + binned[c3 + s] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
  }
}
function accumulate4Constant(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g) {
  const c0 = fs[j + 0] * nRows;
  const o0 = offsets[fs[j + 0]] * 3;
  const c1 = fs[j + 1] * nRows;
  const o1 = offsets[fs[j + 1]] * 3;
  const c2 = fs[j + 2] * nRows;
  const o2 = offsets[fs[j + 2]] * 3;
  const c3 = fs[j + 3] * nRows;
  const o3 = offsets[fs[j + 3]] * 3;
  for (let i = start; i < end; i++) {
    const s = sampleIdx[i];
    const gi = g[i];
    let b = o0 + binned[c0 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o1 + binned[c1 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o2 + binned[c2 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o3 + binned[c3 + s] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
  }
}
function accumulate4Root(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g, h) {
  const c0 = fs[j + 0] * nRows;
  const o0 = offsets[fs[j + 0]] * 3;
  const c1 = fs[j + 1] * nRows;
  const o1 = offsets[fs[j + 1]] * 3;
  const c2 = fs[j + 2] * nRows;
  const o2 = offsets[fs[j + 2]] * 3;
  const c3 = fs[j + 3] * nRows;
  const o3 = offsets[fs[j + 3]] * 3;
  for (let i = start; i < end; i++) {
    const gi = g[i];
    const hi = h[i];
    let b = o0 + binned[c0 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o1 + binned[c1 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o2 + binned[c2 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
    b = o3 + binned[c3 + i] * 3;
    hist[b] += gi;
    hist[b + 1] += hi;
    hist[b + 2] += 1;
  }
}
function accumulate4RootConstant(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g) {
  const c0 = fs[j + 0] * nRows;
  const o0 = offsets[fs[j + 0]] * 3;
  const c1 = fs[j + 1] * nRows;
  const o1 = offsets[fs[j + 1]] * 3;
  const c2 = fs[j + 2] * nRows;
  const o2 = offsets[fs[j + 2]] * 3;
  const c3 = fs[j + 3] * nRows;
  const o3 = offsets[fs[j + 3]] * 3;
  for (let i = start; i < end; i++) {
    const gi = g[i];
    let b = o0 + binned[c0 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o1 + binned[c1 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o2 + binned[c2 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
    b = o3 + binned[c3 + i] * 3;
    hist[b] += gi;
    hist[b + 2] += 1;
  }
}
function twoBin4(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g, h) {
  const c0 = fs[j + 0] * nRows;
  const c1 = fs[j + 1] * nRows;
  const c2 = fs[j + 2] * nRows;
  const c3 = fs[j + 3] * nRows;
  let G = 0;
  let H = 0;
  let g0 = 0;
  let h0 = 0;
  let n0 = 0;
  let g1 = 0;
  let h1 = 0;
  let n1 = 0;
  let g2 = 0;
  let h2 = 0;
  let n2 = 0;
  let g3 = 0;
  let h3 = 0;
  let n3 = 0;
  for (let i = start; i < end; i++) {
    const s = sampleIdx[i];
    const gi = g[i];
    G += gi;
    const hi = h[i];
    H += hi;
    let b = binned[c0 + s];
    g0 += b * gi;
    h0 += b * hi;
    n0 += b;
    b = binned[c1 + s];
    g1 += b * gi;
    h1 += b * hi;
    n1 += b;
    b = binned[c2 + s];
    g2 += b * gi;
    h2 += b * hi;
    n2 += b;
    b = binned[c3 + s];
    g3 += b * gi;
    h3 += b * hi;
    n3 += b;
  }
  const n = end - start;
  twoBinStore(hist, offsets[fs[j + 0]] * 3, G, H, n, g0, h0, n0);
  twoBinStore(hist, offsets[fs[j + 1]] * 3, G, H, n, g1, h1, n1);
  twoBinStore(hist, offsets[fs[j + 2]] * 3, G, H, n, g2, h2, n2);
  twoBinStore(hist, offsets[fs[j + 3]] * 3, G, H, n, g3, h3, n3);
}
function twoBin4Constant(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g) {
  const c0 = fs[j + 0] * nRows;
  const c1 = fs[j + 1] * nRows;
  const c2 = fs[j + 2] * nRows;
  const c3 = fs[j + 3] * nRows;
  let G = 0;
  let g0 = 0;
  let n0 = 0;
  let g1 = 0;
  let n1 = 0;
  let g2 = 0;
  let n2 = 0;
  let g3 = 0;
  let n3 = 0;
  for (let i = start; i < end; i++) {
    const s = sampleIdx[i];
    const gi = g[i];
    G += gi;
    let b = binned[c0 + s];
    g0 += b * gi;
    n0 += b;
    b = binned[c1 + s];
    g1 += b * gi;
    n1 += b;
    b = binned[c2 + s];
    g2 += b * gi;
    n2 += b;
    b = binned[c3 + s];
    g3 += b * gi;
    n3 += b;
  }
  const n = end - start;
  twoBinStore(hist, offsets[fs[j + 0]] * 3, G, 0, n, g0, 0, n0);
  twoBinStore(hist, offsets[fs[j + 1]] * 3, G, 0, n, g1, 0, n1);
  twoBinStore(hist, offsets[fs[j + 2]] * 3, G, 0, n, g2, 0, n2);
  twoBinStore(hist, offsets[fs[j + 3]] * 3, G, 0, n, g3, 0, n3);
}
function twoBin4Root(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g, h) {
  const c0 = fs[j + 0] * nRows;
  const c1 = fs[j + 1] * nRows;
  const c2 = fs[j + 2] * nRows;
  const c3 = fs[j + 3] * nRows;
  let G = 0;
  let H = 0;
  let g0 = 0;
  let h0 = 0;
  let n0 = 0;
  let g1 = 0;
  let h1 = 0;
  let n1 = 0;
  let g2 = 0;
  let h2 = 0;
  let n2 = 0;
  let g3 = 0;
  let h3 = 0;
  let n3 = 0;
  for (let i = start; i < end; i++) {
    const gi = g[i];
    G += gi;
    const hi = h[i];
    H += hi;
    let b = binned[c0 + i];
    g0 += b * gi;
    h0 += b * hi;
    n0 += b;
    b = binned[c1 + i];
    g1 += b * gi;
    h1 += b * hi;
    n1 += b;
    b = binned[c2 + i];
    g2 += b * gi;
    h2 += b * hi;
    n2 += b;
    b = binned[c3 + i];
    g3 += b * gi;
    h3 += b * hi;
    n3 += b;
  }
  const n = end - start;
  twoBinStore(hist, offsets[fs[j + 0]] * 3, G, H, n, g0, h0, n0);
  twoBinStore(hist, offsets[fs[j + 1]] * 3, G, H, n, g1, h1, n1);
  twoBinStore(hist, offsets[fs[j + 2]] * 3, G, H, n, g2, h2, n2);
  twoBinStore(hist, offsets[fs[j + 3]] * 3, G, H, n, g3, h3, n3);
}
function twoBin4RootConstant(hist, binned, nRows, offsets, fs, j, sampleIdx, start, end, g) {
  const c0 = fs[j + 0] * nRows;
  const c1 = fs[j + 1] * nRows;
  const c2 = fs[j + 2] * nRows;
  const c3 = fs[j + 3] * nRows;
  let G = 0;
  let g0 = 0;
  let n0 = 0;
  let g1 = 0;
  let n1 = 0;
  let g2 = 0;
  let n2 = 0;
  let g3 = 0;
  let n3 = 0;
  for (let i = start; i < end; i++) {
    const gi = g[i];
    G += gi;
    let b = binned[c0 + i];
    g0 += b * gi;
    n0 += b;
    b = binned[c1 + i];
    g1 += b * gi;
    n1 += b;
    b = binned[c2 + i];
    g2 += b * gi;
    n2 += b;
    b = binned[c3 + i];
    g3 += b * gi;
    n3 += b;
  }
  const n = end - start;
  twoBinStore(hist, offsets[fs[j + 0]] * 3, G, 0, n, g0, 0, n0);
  twoBinStore(hist, offsets[fs[j + 1]] * 3, G, 0, n, g1, 0, n1);
  twoBinStore(hist, offsets[fs[j + 2]] * 3, G, 0, n, g2, 0, n2);
  twoBinStore(hist, offsets[fs[j + 3]] * 3, G, 0, n, g3, 0, n3);
}
// Bin 1 holds the rows whose bin is 1 (b * gi is gi or 0: the exact row-order sum), bin 0 the rest.
function twoBinStore(hist, o, G, H, n, g1, h1, n1) {
  hist[o] = G - g1;
  hist[o + 1] = H - h1;
  hist[o + 2] = n - n1;
  hist[o + 3] = g1;
  hist[o + 4] = h1;
  hist[o + 5] = n1;
}
// The loops buildHistogram runs, by name; wasmKernels.js has the same set in WebAssembly.
const jsHistogramLoops = {
  accumulate8, accumulate8Root, accumulate8Constant, accumulate8RootConstant,
  accumulate4, accumulate4Root, accumulate4Constant, accumulate4RootConstant,
  accumulate1, accumulate1Constant,
  twoBin4, twoBin4Root, twoBin4Constant, twoBin4RootConstant,
};
// The kernels a fit runs with when there is no WebAssembly arena (see wasmKernels.js for the other set).
const jsKernels = { loops: jsHistogramLoops, splitChunk, placeChunk, binomialGradients, addLeafValues };
// Bin thresholds of features [firstFeature, endFeature) from the sampled rows `sample` of row-major X (p
// columns): feature f's thresholds go to out[f * maxBins ..], their number to counts[f]. Columns are
// gathered GATHER_COLUMNS at a time, in one pass over the sampled rows each: X is row-major, so a pass per
// column would fetch every sampled row's cache lines once per column. Each column is fitted alone, so
// threads may share the features out (binning.ts's fitBinMapper). Four columns (4 x 200k doubles, 6.4 MB)
// on each of two threads take the memory that eight took on one: the fit's peak stays where it was.
const GATHER_COLUMNS = 4;
function sampleThresholds(data, p, sample, maxBins, firstFeature, endFeature, out, counts) {
  const m = sample.length;
  const columns = new Float64Array(m * Math.min(endFeature - firstFeature, GATHER_COLUMNS));
  for (let f0 = firstFeature; f0 < endFeature; f0 += GATHER_COLUMNS) {
    const f1 = Math.min(endFeature, f0 + GATHER_COLUMNS);
    for (let i = 0; i < m; i++) {
      const xo = sample[i] * p;
      for (let f = f0; f < f1; f++) columns[(f - f0) * m + i] = data[xo + f];
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
      out.set(t, f * maxBins);
      counts[f] = t.length;
    }
  }
}
// The distinct values of `values`, sorted, when there are at most `limit`; otherwise null.
function fewDistinct(values, limit) {
  const seen = new Set();
  for (let i = 0; i < values.length; i++) {
    seen.add(values[i]);
    if (seen.size > limit) return null;
  }
  return Float64Array.from(seen).sort();
}
// Largest finite threshold: +Infinity is reserved for the "NaN vs everything else" split.
const ALMOST_INF = 1e300;
// Thresholds for one sorted, NaN-free column: midpoints between distinct values when there are few,
// otherwise the (maxBins-1) inner quantiles with numpy's "averaged_inverted_cdf" rule, as sklearn does.
function featureThresholds(sorted, maxBins) {
  const n = sorted.length;
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= 1) return new Float64Array(0);

  let out;
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
function binRows(X, rows, mapper, out = new Uint8Array((rows ? rows.length : X.rows) * X.cols), firstFeature = 0, endFeature = X.cols) {
  const n = rows ? rows.length : X.rows;
  const p = X.cols;
  const data = X.data;
  const lookups = mapper.thresholds.map(binLookup);
  const missingBin = mapper.nBinsNonMissing;
  for (let i = 0; i < n; i++) {
    const xo = (rows ? rows[i] : i) * p;
    for (let f = firstFeature; f < endFeature; f++) {
      const v = data[xo + f];
      const { t, start } = lookups[f];
      let c;
      if (start === null) c = countBelow(v, t);
      else {
        c = start[bucketOf(v, lookups[f].t0, lookups[f].inv)];
        const e = start[bucketOf(v, lookups[f].t0, lookups[f].inv) + 1];
        while (c < e && t[c] < v) c++;
      }
      out[f * n + i] = v !== v ? missingBin[f] : c;
    }
  }
  return out;
}
// Binning counts the thresholds below a value through a table of BIN_BUCKETS buckets, a linear function
// of the value: a bucket holds a threshold or two at most, so that takes a comparison or two instead of a
// binary search's eight dependent loads (binning 800k x 28 values went from ~0.93 to ~0.25 s). Exact, as
// the bucket is a monotonic function of the value: thresholds in earlier buckets are below every value
// in this one, those in later buckets above. Thresholds crowded into a few buckets (a huge outlier among
// them) take the branch-free binary search instead.
const BIN_BUCKETS = 2048;
const BUCKET_MOST = 8;
function binLookup(t) {
  const n = t.length;
  const t0 = n > 0 ? t[0] : 0;
  const inv = n > 1 ? BIN_BUCKETS / (t[n - 1] - t0) : 0;
  const start = new Int32Array(BIN_BUCKETS + 1);
  for (let j = 0; j < n; j++) start[bucketOf(t[j], t0, inv) + 1]++;
  let most = 0;
  for (let k = 0; k < BIN_BUCKETS; k++) {
    most = Math.max(most, start[k + 1]);
    start[k + 1] += start[k];
  }
  if (most > BUCKET_MOST || !(inv < Infinity)) return { t: padThresholds(t), start: null, t0, inv };
  return { t, start, t0, inv };
}
function bucketOf(v, t0, inv) {
  const b = Math.floor((v - t0) * inv);
  // NaN (inf times 0) to the first bucket, as everything below it.
  return b >= 0 ? (b < BIN_BUCKETS ? b : BIN_BUCKETS - 1) : 0;
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
// e^x for x <= 0, for binomialGradients: Math.exp is a call out of the compiled loop that took ~30 ns a row,
// most of the gradient pass. x = (32m + j) ln2/32 + f with |f| <= ln2/64 (ln2/32 in two parts, the high one
// short enough that k times it is exact: the reduction loses nothing), so e^x = 2^m 2^(j/32) e^f, with e^f
// from its Taylor series to f^6 (truncation below 1e-17). Within an ulp or two of Math.exp, and the same on
// every thread, so the trees stay the same for any thread count.
const EXP2_32NDS = Float64Array.from({ length: 32 }, (_, j) => 2 ** (j / 32));
const EXP2_NEGATIVE = Float64Array.from({ length: 1023 }, (_, i) => 2 ** -i);
const LN2_32_INV = 32 / Math.LN2;
const LN2_32_HI = 6.93147180369123816490e-1 / 32;
const LN2_32_LO = 1.90821492927058770002e-10 / 32;
// Both tables end to end, for the WebAssembly gradients (wasmKernels.js copies them into the memory).
const EXP2_TABLES = Float64Array.of(...EXP2_32NDS, ...EXP2_NEGATIVE);
function expNonPositive(x) {
  // Below this e^x is subnormal: far under float32's smallest gradient, so 0 loses nothing.
  if (x < -708) return 0;
  const k = Math.round(x * LN2_32_INV);
  const f = x - k * LN2_32_HI - k * LN2_32_LO;
  const j = k & 31;
  const ef = 1 + f * (1 + f * (1 / 2 + f * (1 / 6 + f * (1 / 24 + f * (1 / 120 + f * (1 / 720))))));
  return EXP2_NEGATIVE[(j - k) / 32] * EXP2_32NDS[j] * ef;
}
// Per-row boosting steps, here so helper threads can run them on chunks of rows (each row is computed
// alone, so any chunking gives the same numbers). Binary log loss: gradient p - y, hessian p(1 - p), with
// one exp(-|r|) for both branches of the stable sigmoid.
function binomialGradients(y, raw, g, h, start, end) {
  for (let i = start; i < end; i++) {
    const r = raw[i];
    const e = expNonPositive(-Math.abs(r));
    // 1 / (1 + e) or e / (1 + e): one division whichever the sign (a select, not a branch per row).
    const p = (r >= 0 ? 1 : e) / (1 + e);
    g[i] = p - y[i];
    // h null: the hessian is derived from the gradient where it is needed (FROM_GRADIENT).
    if (h !== null) h[i] = p * (1 - p);
  }
}
function squaredGradients(y, raw, g, start, end) {
  for (let i = start; i < end; i++) g[i] = raw[i] - y[i];
}
// The kernels for binomialGradients: labels as bytes live in the arena (gbdt.ts puts them there for the
// WebAssembly loop), labels as doubles do not (the JavaScript loop).
function rowKernels(kernels, y) {
  return y instanceof Uint8Array ? kernels : jsKernels;
}
// raw[idx[i]] += the value of the leaf holding position i, for positions [cs, ce) of the grower's row
// order (leaves are contiguous ranges of it, in any order): one tree's training predictions, no traversal.
function addLeafValues(raw, idx, leafStart, leafEnd, leafValue, cs, ce) {
  for (let leaf = 0; leaf < leafValue.length; leaf++) {
    const v = leafValue[leaf];
    const a = Math.max(cs, leafStart[leaf]);
    const b = Math.min(ce, leafEnd[leaf]);
    for (let i = a; i < b; i++) raw[idx[i]] += v;
  }
}
export {
  addLeafValues,
  binomialGradients,
  binRows,
  buildHistogram,
  derivedHessian,
  EXP2_TABLES,
  featureGroups,
  featureThresholds,
  FROM_GRADIENT,
  hessiansOf,
  jsHistogramLoops,
  jsKernels,
  placeChunk,
  rowKernels,
  sampleThresholds,
  splitChunk,
  squaredGradients
};

// Binary logistic loss and gradient over rows [start, end) of row-major X (p columns) for weights w
// (p weights, then the intercept at w[p]): adds the gradient into out[0..p], returns the loss sum.
// Used block by block with fixed block bounds, so sums are the same for any number of threads.
// The gradient is summed in a thread-local array and copied out once: `out` sits in shared memory next to
// other threads' blocks, and a store per row there would bounce cache lines between cores.
//
// Four rows at a time: each weight is loaded once for four dot products (four independent chains of adds, so
// the core is not idle waiting on one), and each gradient sum is read and written once per four rows instead
// of once per row. On 800k x 28 a pass went from ~140 ms (one row at a time, four chains within the row) to
// ~85 ms. A loop written out for the exact column count (new Function) was 15-25% faster still once compiled,
// but compiling it cost each fit's first evaluations 0.2-0.3 s on two busy threads; this is one function that
// the thread warm-up (thread/warmKernels.ts) compiles before the first fit, whatever the width.
let local = new Float64Array(0);
export function logisticBlock(data, p, y, w, start, end, out) {
  if (local.length < p + 1) local = new Float64Array(p + 1);
  const acc = local;
  acc.fill(0, 0, p + 1);
  const b0 = w[p];
  let loss = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o0 = i * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < p; j++) {
      const wj = w[j];
      s0 += data[o0 + j] * wj;
      s1 += data[o1 + j] * wj;
      s2 += data[o2 + j] * wj;
      s3 += data[o3 + j] * wj;
    }
    s0 += b0;
    s1 += b0;
    s2 += b0;
    s3 += b0;
    const y0 = y[i];
    const y1 = y[i + 1];
    const y2 = y[i + 2];
    const y3 = y[i + 3];
    // As in the one-row loop below, for each of the four rows.
    const e0 = Math.exp(s0 > 0 ? -s0 : s0);
    const e1 = Math.exp(s1 > 0 ? -s1 : s1);
    const e2 = Math.exp(s2 > 0 ? -s2 : s2);
    const e3 = Math.exp(s3 > 0 ? -s3 : s3);
    const l0 = Math.log1p(e0);
    const l1 = Math.log1p(e1);
    const l2 = Math.log1p(e2);
    const l3 = Math.log1p(e3);
    loss += (s0 > 0 ? s0 + l0 : l0) - y0 * s0;
    loss += (s1 > 0 ? s1 + l1 : l1) - y1 * s1;
    loss += (s2 > 0 ? s2 + l2 : l2) - y2 * s2;
    loss += (s3 > 0 ? s3 + l3 : l3) - y3 * s3;
    const r0 = (s0 >= 0 ? 1 / (1 + e0) : e0 / (1 + e0)) - y0;
    const r1 = (s1 >= 0 ? 1 / (1 + e1) : e1 / (1 + e1)) - y1;
    const r2 = (s2 >= 0 ? 1 / (1 + e2) : e2 / (1 + e2)) - y2;
    const r3 = (s3 >= 0 ? 1 / (1 + e3) : e3 / (1 + e3)) - y3;
    for (let j = 0; j < p; j++) acc[j] += r0 * data[o0 + j] + r1 * data[o1 + j] + (r2 * data[o2 + j] + r3 * data[o3 + j]);
    acc[p] += r0 + r1 + (r2 + r3);
  }
  for (; i < end; i++) {
    const o = i * p;
    let s = 0;
    for (let j = 0; j < p; j++) s += data[o + j] * w[j];
    s += b0;
    const yi = y[i];
    // softplus(s) - y*s and sigmoid(s) from one exp(-|s|): no overflow, the textbook values bit for bit.
    const e = Math.exp(s > 0 ? -s : s);
    const l1p = Math.log1p(e);
    loss += (s > 0 ? s + l1p : l1p) - yi * s;
    const r = (s >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi;
    for (let j = 0; j < p; j++) acc[j] += r * data[o + j];
    acc[p] += r;
  }
  for (let j = 0; j <= p; j++) out[j] += acc[j];
  return loss;
}

// Blocks [from, to) of the binary logistic objective, block k being rows [k * blockRows, (k + 1) * blockRows)
// of `rows`: block k's gradient goes to partials[k * (p + 2) ..][0..p] and its loss sum after it, so the
// caller adds the blocks up in block order, whichever thread computed each.
export function logisticBlocks(data, p, y, w, rows, blockRows, partials, from, to) {
  for (let k = from; k < to; k++) {
    const o = k * (p + 2);
    const out = partials.subarray(o, o + p + 1);
    out.fill(0);
    partials[o + p + 1] = logisticBlock(data, p, y, w, k * blockRows, Math.min(rows, (k + 1) * blockRows), out);
  }
}
