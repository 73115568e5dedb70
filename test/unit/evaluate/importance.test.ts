import { describe, expect, it } from 'vitest';
import { matrix, type Matrix } from '../../../src/ml/matrix';
import { metricScorer, permutationImportance } from '../../../src/evaluate/importance';
import { mulberry32 as seeded } from '../../../src/data/random';

function data(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const rand = seeded(seed);
  const X = matrix(n, 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) X.data[i * 3 + j] = rand();
    y[i] = 3 * X.data[i * 3 + 1];
  }
  return { X, y };
}

// the model only reads feature 1, so only shuffling feature 1 can change its score
const linear = (X: Matrix) => Float64Array.from({ length: X.rows }, (_, i) => 3 * X.data[i * X.cols + 1]);

describe('permutationImportance', () => {
  it('finds the one informative feature (regression, RMSE: lower is better)', () => {
    const { X, y } = data(200, 1);
    const before = X.data.slice();
    const { score, higherIsBetter } = metricScorer('rmse');
    const result = permutationImportance({
      X,
      y,
      predict: linear,
      score,
      higherIsBetter,
      rand: seeded(7),
      nRepeats: 4,
      featureNames: ['noise_a', 'signal', 'noise_b'],
    });
    expect(result.baseline).toBe(0);
    expect(result.features[0].feature).toBe('signal');
    expect(result.features[0].mean).toBeGreaterThan(0.5); // shuffling a U(0,1)·3 signal costs RMSE ≈ 1.2
    expect(result.features[0].drops).toHaveLength(4);
    for (const f of result.features.slice(1)) {
      expect(f.mean).toBe(0);
      expect(f.std).toBe(0);
    }
    expect(X.data).toEqual(before); // the caller's matrix is never shuffled
  });

  it('is reproducible with the same seed and differs with another', () => {
    const { X, y } = data(100, 2);
    const r2 = metricScorer('r2');
    const run = (seed: number) =>
      permutationImportance({ X, y, predict: linear, score: r2.score, rand: seeded(seed), nRepeats: 3 }).features[0];
    expect(run(3)).toEqual(run(3));
    expect(run(3).drops).not.toEqual(run(4).drops);
  });

  it('std is the population standard deviation of the drops', () => {
    const { X, y } = data(50, 3);
    const r = permutationImportance({ X, y, predict: linear, score: metricScorer('r2').score, rand: seeded(5), nRepeats: 3 });
    const d = r.features[0].drops;
    const mean = (d[0] + d[1] + d[2]) / 3;
    expect(r.features[0].std).toBeCloseTo(Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / 3), 12);
  });

  it('explains mismatched inputs', () => {
    const { X } = data(10, 4);
    expect(() =>
      permutationImportance({ X, y: new Float64Array(9), predict: linear, score: () => 0, rand: seeded(1) }),
    ).toThrow(/X has 10 rows but y has 9 values/);
  });
});
