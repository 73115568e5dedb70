import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/ml/random';

describe('createRng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const sa = Array.from({ length: 20 }, () => a.nextUint32());
    const sb = Array.from({ length: 20 }, () => b.nextUint32());
    const sc = Array.from({ length: 20 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('produces floats in [0, 1) with a plausible mean and integers within range', () => {
    const rng = createRng(1);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 50_000; i++) {
      const u = rng.next();
      min = Math.min(min, u);
      max = Math.max(max, u);
      sum += u;
      counts[rng.int(5)]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 50_000).toBeCloseTo(0.5, 2);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('draws standard normals', () => {
    const rng = createRng(3);
    let s = 0;
    let ss = 0;
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      ss += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(ss / n).toBeGreaterThan(0.95);
    expect(ss / n).toBeLessThan(1.05);
  });

  it('makes permutations containing every index once', () => {
    const p = createRng(11).permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('accepts fractional, negative and huge seeds deterministically and distinctly', () => {
    const first = (seed: number): number => createRng(seed).nextUint32();
    expect(first(0.5)).toBe(first(0.5));
    expect(first(0.5)).not.toBe(first(1.5));
    expect(first(-1)).not.toBe(first(1));
    expect(first(2 ** 40)).not.toBe(first(0));
    expect(() => createRng(NaN)).toThrow(/finite/);
  });

  it('forks into an independent, reproducible stream', () => {
    const a = createRng(5).fork();
    const b = createRng(5).fork();
    expect(a.next()).toBe(b.next());
    expect(createRng(5).fork().next()).not.toBe(createRng(5).next());
  });
});
