import { describe, expect, it } from 'vitest';
import { fitGbdt, shouldStop, type GbdtModel } from '../../../src/ml/gbdt';
import { fitLinear } from '../../../src/ml/linear';
import { fitLogistic } from '../../../src/ml/logistic';
import { matrix, type Matrix } from '../../../src/ml/matrix';
import { resolveParams } from '../../../src/ml/params';
import { createRng } from '../../../src/ml/random';
import type { Task } from '../../../src/ml/task';
import type { Tree } from '../../../src/ml/tree/tree';
import { accuracy, fromRows, maxAbsDiff, mse, randomMatrix, sklearnFixtures } from './helpers';

const binary: Task = { kind: 'binary', classes: ['0', '1'] };
const regression: Task = { kind: 'regression' };
const gbdt = (over: Record<string, number | boolean | null> = {}) => resolveParams('gbdt', over);

function uniformMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed);
  return matrix(rows, cols, Float64Array.from({ length: rows * cols }, () => rng.uniform(-1, 1)));
}

/** Training rows per leaf and depth of every leaf, found by routing X through the tree. */
function leafStats(tree: Tree, X: Matrix): { counts: Map<number, number>; maxDepth: number } {
  const counts = new Map<number, number>();
  let maxDepth = 0;
  for (let i = 0; i < X.rows; i++) {
    let node = 0;
    let depth = 0;
    while (tree.feature[node] !== -1) {
      const v = X.data[i * X.cols + tree.feature[node]];
      node = Number.isNaN(v) ? (tree.missingLeft[node] ? tree.left[node] : tree.right[node]) : v <= tree.threshold[node] ? tree.left[node] : tree.right[node];
      depth++;
    }
    counts.set(node, (counts.get(node) ?? 0) + 1);
    maxDepth = Math.max(maxDepth, depth);
  }
  return { counts, maxDepth };
}

describe('gbdt', () => {
  it('reproduces sklearn HistGradientBoostingRegressor predictions (with NaN features)', () => {
    const f = sklearnFixtures().hgb_regression;
    const model = fitGbdt(fromRows(f.Xtrain), Float64Array.from(f.ytrain), regression, gbdt(f.params), { seed: 0 });
    expect(maxAbsDiff(model.predict(fromRows(f.Xtest)), f.predictions)).toBeLessThan(1e-6);
  });

  it('reproduces sklearn HistGradientBoostingClassifier probabilities', () => {
    const f = sklearnFixtures().hgb_binary;
    const model = fitGbdt(fromRows(f.Xtrain), Float64Array.from(f.ytrain), binary, gbdt(f.params), { seed: 0 });
    const probs = model.predict(fromRows(f.Xtest));
    expect(maxAbsDiff(probs.filter((_, i) => i % 2 === 1), f.probabilities)).toBeLessThan(1e-6);
  });

  it('learns XOR, which a linear classifier cannot', () => {
    const X = uniformMatrix(600, 2, 1);
    const y = Float64Array.from({ length: 600 }, (_, i) => (X.data[2 * i] > 0 !== X.data[2 * i + 1] > 0 ? 1 : 0));
    const Xt = uniformMatrix(400, 2, 2);
    const yt = Float64Array.from({ length: 400 }, (_, i) => (Xt.data[2 * i] > 0 !== Xt.data[2 * i + 1] > 0 ? 1 : 0));
    const boosted = fitGbdt(X, y, binary, gbdt(), { seed: 1 });
    const linear = fitLogistic(X, y, binary as Extract<Task, { kind: 'binary' }>, resolveParams('logistic_regression'));
    expect(accuracy(boosted.predict(Xt), yt, 2)).toBeGreaterThan(0.95);
    expect(accuracy(linear.predict(Xt), yt, 2)).toBeLessThan(0.7);
  });

  it('fits a nonlinear regression far better than linear regression', () => {
    const make = (seed: number): [Matrix, Float64Array] => {
      const X = uniformMatrix(1500, 3, seed);
      const rng = createRng(seed + 100);
      const y = Float64Array.from({ length: 1500 }, (_, i) => Math.sin(3 * X.data[3 * i]) + 2 * X.data[3 * i + 1] ** 2 + 0.1 * rng.normal());
      return [X, y];
    };
    const [X, y] = make(3);
    const [Xt, yt] = make(4);
    const boosted = mse(fitGbdt(X, y, regression, gbdt(), { seed: 1 }).predict(Xt), yt);
    const linear = mse(fitLinear(X, y, { alpha: 1 }).predict(Xt), yt);
    expect(boosted).toBeLessThan(0.2 * linear);
    expect(boosted).toBeLessThan(0.05);
  });

  it('learns from missingness itself and routes unseen NaN without failing', () => {
    const X = uniformMatrix(800, 2, 5);
    const y = new Float64Array(800);
    for (let i = 0; i < 800; i++) {
      if (i % 3 === 0) X.data[2 * i] = NaN;
      y[i] = Number.isNaN(X.data[2 * i]) ? 3 : X.data[2 * i];
    }
    const model = fitGbdt(X, y, regression, gbdt(), { seed: 1 });
    const probe = matrix(3, 2, Float64Array.of(NaN, 0.2, 0.5, 0.1, -0.5, NaN));
    const pred = model.predict(probe);
    expect(pred[0]).toBeCloseTo(3, 1);
    expect(pred[1]).toBeCloseTo(0.5, 1);
    // Feature 1 never had NaN in training: the row must still get a sensible prediction.
    expect(pred[2]).toBeCloseTo(-0.5, 1);
  });

  it('stops early on pure noise and records the validation curve', () => {
    const X = randomMatrix(2000, 3, 7);
    const rng = createRng(8);
    const y = Float64Array.from({ length: 2000 }, () => rng.normal());
    const model = fitGbdt(X, y, regression, gbdt({ earlyStopping: true }), { seed: 1 });
    expect(model.fitInfo!.earlyStopped).toBe(true);
    expect(model.nIter).toBeLessThan(40);
    expect(model.fitInfo!.validationLoss.length).toBe(model.nIter + 1);
    expect(model.trees.length).toBe(model.nIter);
  });

  it("turns early stopping on automatically above 10,000 rows ('auto'), like sklearn", () => {
    const rng = createRng(9);
    const X = matrix(10_001, 1, Float64Array.from({ length: 10_001 }, () => rng.normal()));
    const y = Float64Array.from({ length: 10_001 }, () => rng.normal());
    const big = fitGbdt(X, y, regression, gbdt(), { seed: 1 });
    expect(big.fitInfo!.validationLoss.length).toBeGreaterThan(0);
    expect(big.nIter).toBeLessThan(100);
    const small = fitGbdt(matrix(500, 1, X.data.slice(0, 500)), y.slice(0, 500), regression, gbdt({ maxIter: 5 }), { seed: 1 });
    expect(small.fitInfo!.validationLoss).toEqual([]);
  });

  it('is deterministic for a seed, and the seed matters when it is used', () => {
    const X = randomMatrix(600, 4, 10);
    const rng = createRng(11);
    const y = Float64Array.from({ length: 600 }, (_, i) => (X.data[4 * i] + 0.5 * rng.normal() > 0 ? 1 : 0));
    const fit = (seed: number): GbdtModel => fitGbdt(X, y, binary, gbdt({ earlyStopping: true, maxIter: 30 }), { seed });
    const a = fit(1).predict(X);
    expect(fit(1).predict(X)).toEqual(a);
    const others = [2, 3, 4].map((s) => fit(s).predict(X));
    expect(others.some((o) => maxAbsDiff(o, a) > 0)).toBe(true);
  });

  it('handles multiclass with one tree per class per iteration and normalised probabilities', () => {
    const X = uniformMatrix(600, 2, 12);
    const y = Float64Array.from({ length: 600 }, (_, i) => {
      const r = Math.hypot(X.data[2 * i], X.data[2 * i + 1]);
      return r < 0.4 ? 0 : r < 0.8 ? 1 : 2;
    });
    const task: Task = { kind: 'multiclass', classes: ['inner', 'middle', 'outer'] };
    const model = fitGbdt(X, y, task, gbdt({ maxIter: 40 }), { seed: 1 });
    expect(model.trees.length).toBe(40 * 3);
    const probs = model.predict(X);
    for (let i = 0; i < 600; i++) expect(probs[3 * i] + probs[3 * i + 1] + probs[3 * i + 2]).toBeCloseTo(1, 12);
    expect(accuracy(probs, y, 3)).toBeGreaterThan(0.9);
  });

  it('respects maxLeafNodes, maxDepth and minSamplesLeaf', () => {
    const X = randomMatrix(1000, 3, 13);
    const y = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(2 * X.data[3 * i]) + X.data[3 * i + 1] * X.data[3 * i + 2]);
    const leaves = fitGbdt(X, y, regression, gbdt({ maxIter: 5, maxLeafNodes: 4 }), { seed: 1 });
    for (const t of leaves.trees) expect(t.feature.filter((f) => f === -1).length).toBeLessThanOrEqual(4);
    expect(leaves.trees[0].feature.filter((f) => f === -1).length).toBe(4);

    const shallow = fitGbdt(X, y, regression, gbdt({ maxIter: 5, maxDepth: 2 }), { seed: 1 });
    for (const t of shallow.trees) expect(leafStats(t, X).maxDepth).toBeLessThanOrEqual(2);
    expect(leafStats(shallow.trees[0], X).maxDepth).toBe(2);

    const coarse = fitGbdt(X, y, regression, gbdt({ maxIter: 5, minSamplesLeaf: 120 }), { seed: 1 });
    for (const t of coarse.trees) for (const count of leafStats(t, X).counts.values()) expect(count).toBeGreaterThanOrEqual(120);
  });

  it('reports progress every iteration with a falling training loss', () => {
    const X = randomMatrix(300, 2, 14);
    const y = Float64Array.from({ length: 300 }, (_, i) => X.data[2 * i] ** 2);
    const seen: { iteration: number; loss?: number }[] = [];
    fitGbdt(X, y, regression, gbdt({ maxIter: 15 }), { seed: 1, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.iteration)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    for (let i = 1; i < seen.length; i++) expect(seen[i].loss!).toBeLessThan(seen[i - 1].loss!);
  });

  it('applies sklearn’s early-stopping rule exactly', () => {
    // Stop when none of the last 2 losses beats the one 3 back by more than tol.
    expect(shouldStop([1, 0.9, 0.8], 2, 0)).toBe(false);
    expect(shouldStop([1, 0.9, 0.95, 0.91], 2, 0)).toBe(true);
    expect(shouldStop([1, 0.9, 0.95, 0.89], 2, 0)).toBe(false);
    expect(shouldStop([1, 0.9, 0.95, 0.89], 2, 0.02)).toBe(true);
    expect(shouldStop([1, 0.5], 2, 0)).toBe(false);
  });

  it('rejects targets that do not fit the task', () => {
    const X = randomMatrix(10, 2, 1);
    expect(() => fitGbdt(X, new Float64Array(9), regression, gbdt(), { seed: 1 })).toThrow(/target has 9 values but the feature matrix has 10 rows/);
    expect(() => fitGbdt(X, Float64Array.from({ length: 10 }, () => 0.5), binary, gbdt(), { seed: 1 })).toThrow(/class target at row 0 is 0.5/);
  });
});
