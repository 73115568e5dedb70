import { describe, expect, it } from 'vitest';
import { expandSearch, pickBest } from '../../../src/ml/search';

describe('expandSearch', () => {
  it('expands a grid into the cartesian product in a stable order, merged with fixed params', () => {
    const candidates = expandSearch(
      { algorithm: 'gbdt', params: { maxIter: 50 }, search: { strategy: 'grid', space: { maxLeafNodes: [15, 31], learningRate: [0.05, 0.1, 0.2] } } },
      1,
    );
    expect(candidates).toHaveLength(6);
    expect(candidates[0]).toEqual({ maxIter: 50, learningRate: 0.05, maxLeafNodes: 15 });
    expect(candidates[1]).toEqual({ maxIter: 50, learningRate: 0.05, maxLeafNodes: 31 });
    expect(candidates[5]).toEqual({ maxIter: 50, learningRate: 0.2, maxLeafNodes: 31 });
    expect(new Set(candidates.map((c) => JSON.stringify(c))).size).toBe(6);
  });

  it('returns the fixed params alone when there is no search', () => {
    expect(expandSearch({ algorithm: 'linear_regression', params: { alpha: 2 } }, 1)).toEqual([{ alpha: 2 }]);
  });

  it('samples random candidates reproducibly, within ranges, log-uniformly and as integers where needed', () => {
    const spec = {
      algorithm: 'gbdt' as const,
      search: {
        strategy: 'random' as const,
        trials: 200,
        space: { learningRate: { min: 0.001, max: 1, log: true }, maxLeafNodes: { min: 4, max: 64 }, l2Regularization: [0, 1, 10] },
      },
    };
    const a = expandSearch(spec, 7);
    expect(expandSearch(spec, 7)).toEqual(a);
    expect(expandSearch(spec, 8)).not.toEqual(a);
    expect(a.length).toBeGreaterThan(190);
    let belowHundredth = 0;
    for (const c of a) {
      const lr = c.learningRate as number;
      expect(lr).toBeGreaterThanOrEqual(0.001);
      expect(lr).toBeLessThanOrEqual(1);
      if (lr < 0.01) belowHundredth++;
      expect(Number.isInteger(c.maxLeafNodes)).toBe(true);
      expect([0, 1, 10]).toContain(c.l2Regularization);
    }
    // Log-uniform over 3 decades puts about a third below 0.01 (uniform would put 1%).
    expect(belowHundredth).toBeGreaterThan(40);
    expect(belowHundredth).toBeLessThan(95);
  });

  it('drops repeated draws in a small discrete space', () => {
    const c = expandSearch({ algorithm: 'linear_regression', search: { strategy: 'random', trials: 50, space: { alpha: [0.1, 1] } } }, 3);
    expect(c.map((x) => x.alpha).sort()).toEqual([0.1, 1]);
  });

  it('refuses an invalid spec with the same clear errors as parsing', () => {
    expect(() => expandSearch({ algorithm: 'gbdt', search: { strategy: 'grid', space: { maxIter: [0] } } }, 1)).toThrow(
      'model.search.space.maxIter[0]: expected an integer >= 1, got 0',
    );
  });
});

describe('pickBest', () => {
  const results = [
    { params: 'a', auc: 0.8, rmse: 3 },
    { params: 'b', auc: 0.9, rmse: 2 },
    { params: 'c', auc: NaN, rmse: 1 },
    { params: 'd', auc: 0.9, rmse: 5 },
  ];

  it('picks the highest or lowest score, ignoring NaN and keeping the first of ties', () => {
    expect(pickBest(results, (r) => r.auc, 'higher')).toMatchObject({ index: 1, score: 0.9 });
    expect(pickBest(results, (r) => r.rmse, 'lower').item.params).toBe('c');
  });

  it('explains when nothing can be picked', () => {
    expect(() => pickBest([], () => 1, 'higher')).toThrow(/no candidates/);
    expect(() => pickBest([1, 2], () => NaN, 'lower')).toThrow(/all 2 candidates have a NaN score/);
  });
});
