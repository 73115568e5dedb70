import { describe, expect, it } from 'vitest';
import { assembleDriftProfile, profileCategorical, profileNumeric } from '../../../src/drift/profile';
import { Reservoir } from '../../../src/drift/reservoir';
import { DriftAccumulator, type NumericWindowState } from '../../../src/drift/window';
import { createRng } from '../../../src/ml/random';

function normalProfile() {
  const rng = createRng(1);
  const ref = Float64Array.from({ length: 5000 }, () => rng.normal());
  return assembleDriftProfile([profileNumeric('x', ref)], { rows: ref.length, createdAt: 'test' });
}

describe('DriftAccumulator memory and sampling', () => {
  it('keeps the KS sample capped while 1M values stream through', () => {
    const acc = new DriftAccumulator(normalProfile(), { sampleCap: 10_000, seed: 3 });
    const rng = createRng(9);
    const batch = new Float64Array(50_000);
    for (let b = 0; b < 20; b++) {
      for (let i = 0; i < batch.length; i++) batch[i] = rng.normal() + 0.5;
      acc.addNumeric('x', batch);
    }
    const s = acc.feature('x') as NumericWindowState;
    expect(s.rows).toBe(1_000_000);
    expect(s.reservoir.seenCount).toBe(1_000_000);
    expect(s.reservoir.length).toBe(10_000);
    expect(s.reservoir.byteLength).toBeLessThanOrEqual(10_000 * 8);
    expect(s.binCounts.reduce((a, c) => a + c, 0)).toBe(1_000_000);
    // The sample must still represent the whole stream (a reservoir that stopped early would not).
    const sample = s.reservoir.sortedSample();
    const mean = sample.reduce((a, v) => a + v, 0) / sample.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('samples uniformly over the stream, and deterministically for a seed whatever the batching', () => {
    const n = 200_000;
    const a = new Reservoir(2000, 42);
    const b = new Reservoir(2000, 42);
    for (let i = 0; i < n; i++) a.offer(i);
    for (let i = 0; i < n; i++) b.offer(i);
    expect(a.sortedSample()).toEqual(b.sortedSample());
    // The batched fast path must pick exactly what value-by-value offering picks.
    const c = new Reservoir(2000, 42);
    const all = Float64Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < n; i += 777) c.offerAll(all.subarray(i, i + 777));
    expect(c.sortedSample()).toEqual(a.sortedSample());
    // Each tenth of the stream should hold ~200 of the 2000 kept values.
    const deciles = new Array(10).fill(0);
    for (const v of a.sortedSample()) deciles[Math.floor((v * 10) / n)]++;
    for (const d of deciles) expect(d).toBeGreaterThan(140);
    for (const d of deciles) expect(d).toBeLessThan(260);
  });

  it('bins window values exactly like the profile, on both bin-search paths and with ties', () => {
    const rng = createRng(4);
    const data = Float64Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? Math.round(rng.normal() * 2) : rng.normal()));
    for (const bins of [1, 5, 10, 16, 17, 40]) {
      const feature = profileNumeric('x', data, { bins });
      const acc = new DriftAccumulator(assembleDriftProfile([feature], { rows: data.length, createdAt: 'test' }));
      for (let i = 0; i < data.length; i += 3001) acc.addNumeric('x', data.subarray(i, i + 3001));
      expect(Array.from((acc.feature('x') as NumericWindowState).binCounts), `bins=${bins}`).toEqual(feature.binCounts);
    }
  });

  it('keeps the whole window while under the cap (exact KS)', () => {
    const acc = new DriftAccumulator(normalProfile(), { sampleCap: 100 });
    acc.addNumeric('x', [3, NaN, 1, Infinity, 2]);
    const s = acc.feature('x') as NumericWindowState;
    expect(Array.from(s.reservoir.sortedSample())).toEqual([1, 2, 3]);
    expect(s.nullCount).toBe(2);
  });

  it('maps unseen categorical levels to "__other__" and rejects wrong column kinds with a clear message', () => {
    const profile = assembleDriftProfile(
      [profileCategorical('c', Int32Array.from([0, 0, 1, -1]), ['a', 'b']), profileNumeric('x', [1, 2, 3])],
      { rows: 4, createdAt: 'test' },
    );
    const acc = new DriftAccumulator(profile);
    acc.addLabels('c', ['a', 'zzz', null, 'b', 'zzz']);
    const s = acc.feature('c');
    expect(s.kind === 'categorical' && Array.from(s.counts)).toEqual([1, 1, 2]);
    expect(() => acc.addTable({ nrows: 1, columns: [{ name: 'c', type: 'numeric', values: new Float64Array(1) }, { name: 'x', type: 'numeric', values: new Float64Array(1) }] })).toThrow(
      /"c" was profiled as categorical but this batch's column is numeric/,
    );
    expect(() => acc.addTable({ nrows: 1, columns: [{ name: 'x', type: 'numeric', values: new Float64Array(1) }] })).toThrow(/lacks profiled feature\(s\) c/);
    expect(() => acc.addNumeric('nope', [1])).toThrow(/"nope" is not in the drift profile; profiled features are: c, x/);
    expect(() => acc.addPredictions([1])).toThrow(/no predictions/);
  });
});
