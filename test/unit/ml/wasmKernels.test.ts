import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelsWasm, WASM_PATH } from '../../../scripts/build-kernels-wasm.mjs';
import { histogramLayout, histogramLength } from '../../../src/ml/tree/histogram';
import { buildHistogram, FROM_GRADIENT, hessiansOf, jsKernels, type PartitionArrays } from '../../../src/ml/tree/kernels.js';
import { KernelArena, wasmKernels } from '../../../src/ml/tree/wasmKernels.js';
import { createRng } from '../../../src/ml/random';

/** n rows of p features in an arena: general features with up to 200 bins (some NaN), then two-bin ones. */
function fixture(n: number, general: number, twoBin: number) {
  const p = general + twoBin;
  const rng = createRng(11);
  const arena = KernelArena.create(1 << 20)!;
  const nBins = Int32Array.from({ length: p }, (_, f) => (f < general ? 20 + rng.int(180) : 2));
  const hasMissing = Uint8Array.from({ length: p }, (_, f) => (f < general && f % 3 === 0 ? 1 : 0));
  const layout = histogramLayout(nBins, hasMissing);
  const binned = arena.uint8(n * p);
  for (let f = 0; f < p; f++) {
    for (let i = 0; i < n; i++) binned[f * n + i] = hasMissing[f] && rng.next() < 0.05 ? nBins[f] : rng.int(nBins[f]);
  }
  const a: PartitionArrays = {
    binned,
    nRows: n,
    sampleIdx: arena.int32(n),
    orderedGrad: arena.float32(n),
    orderedHess: arena.float32(n),
    scratchIdx: arena.int32(n),
    scratchGrad: arena.float32(n),
    scratchHess: arena.float32(n),
  };
  // A node's rows: a sorted random subset, as after partitions; gradients with their rows.
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < 0.6) a.sampleIdx[k++] = i;
  for (let i = 0; i < n; i++) {
    a.orderedGrad[i] = rng.normal();
    a.orderedHess[i] = rng.next();
  }
  return { arena, layout, a, rows: k, p };
}

describe('WebAssembly GBDT kernels', () => {
  it('are the bytes scripts/build-kernels-wasm.mjs writes (regenerate with `node scripts/build-kernels-wasm.mjs`)', async () => {
    expect(Buffer.compare(readFileSync(WASM_PATH), await kernelsWasm())).toBe(0);
  });

  it('have every histogram loop the JavaScript kernels have, and the ones deriving hessians from gradients', () => {
    const { arena } = fixture(10, 1, 0);
    const wasm = Object.keys(wasmKernels(arena.memory).loops);
    expect(wasm.filter((n) => !n.endsWith('Derived')).sort()).toEqual(Object.keys(jsKernels.loops).sort());
    expect(wasm.filter((n) => n.endsWith('Derived')).sort()).toEqual(['accumulate1Derived', 'accumulate4Derived', 'accumulate4RootDerived', 'accumulate8Derived', 'accumulate8RootDerived', 'twoBin4Derived', 'twoBin4RootDerived']);
  });

  // 13 general features: one 8-wide pass, one 4-wide, one single; 6 two-bin: four in the two-bin loop, two general.
  for (const rowsInOrder of [false, true]) {
    for (const hessians of ['array', 'constant', FROM_GRADIENT] as const) {
      it(`build bit-identical histograms to the JavaScript loops (${rowsInOrder ? 'root' : 'gathered rows'}, hessians: ${hessians})`, () => {
        const { arena, layout, a, rows, p } = fixture(5000, 13, 6);
        if (rowsInOrder) for (let i = 0; i < a.nRows; i++) a.sampleIdx[i] = i;
        const end = rowsInOrder ? a.nRows : rows;
        // Gradients of binary log loss (p - y in (-1, 1)) for the derived hessians to mean something.
        for (let i = 0; i < a.nRows; i++) a.orderedGrad[i] = Math.tanh(a.orderedGrad[i]);
        const hess = hessiansOf(hessians, a.orderedHess);
        const wasm = arena.float64(histogramLength(layout));
        const js = new Float64Array(histogramLength(layout));
        // Start dirty: both must clear their feature range themselves.
        wasm.fill(7);
        js.fill(7);
        buildHistogram(wasm, layout, a.binned, a.nRows, a.sampleIdx, 3, end, a.orderedGrad, hess, 0, p, rowsInOrder, wasmKernels(arena.memory).loops);
        buildHistogram(js, layout, a.binned, a.nRows, a.sampleIdx, 3, end, a.orderedGrad, hess, 0, p, rowsInOrder, jsKernels.loops);
        expect(Array.from(wasm)).toEqual(Array.from(js));
        // The sums are real: every row counted once per feature.
        let count = 0;
        for (let b = layout.offsets[0]; b < layout.offsets[1]; b++) count += wasm[b * 3 + 2];
        expect(count).toBe(end - 3);
      });
    }
  }

  for (const hasHess of [true, false]) {
    it(`partition a chunk of rows exactly as the JavaScript splitChunk and placeChunk (${hasHess ? 'hessians' : 'constant hessian'})`, () => {
      const results = [jsKernels, null].map((kernels) => {
        const { arena, layout, a, rows } = fixture(4000, 4, 1);
        const k = kernels ?? wasmKernels(arena.memory);
        // Feature 0 has NaN (its missing bin): NaN rows go left with those at bins <= 10.
        const rule = { feature: 0, bin: 10, missingBin: layout.nBinsNonMissing[0], missingLeft: true, hasHess };
        const nLeft = k.splitChunk(a, rule, 10, rows);
        k.placeChunk(a, hasHess, 10, rows, nLeft, 10, 10 + nLeft);
        return { nLeft, idx: Array.from(a.sampleIdx), g: Array.from(a.orderedGrad), h: Array.from(a.orderedHess) };
      });
      expect(results[0].nLeft).toBeGreaterThan(0);
      expect(results[1]).toEqual(results[0]);
    });
  }

  it('keep earlier arrays valid when the arena grows', () => {
    const arena = KernelArena.create(1000)!;
    const first = arena.int32(10);
    first.fill(42);
    const big = arena.float64(1 << 20);
    big[big.length - 1] = 1.5;
    expect(arena.memory.buffer.byteLength).toBeGreaterThanOrEqual(8 << 20);
    expect(Array.from(first)).toEqual(new Array(10).fill(42));
    expect(big.byteOffset % 64).toBe(0);
  });

  it('refuse an arena beyond wasm32 memory, so the fit uses the JavaScript loops', () => {
    expect(KernelArena.create(5 * 2 ** 30)).toBeNull();
  });
});
