import { describe, expect, it } from 'vitest';
import { fitLogistic, logisticObjective } from '../../../src/ml/logistic';
import { resolveParams } from '../../../src/ml/params';
import { matrix } from '../../../src/ml/matrix';
import { createRng } from '../../../src/ml/random';
import type { ClassificationTask } from '../../../src/ml/task';
import { logisticBlock } from '../../../src/ml/tree/kernels.js';
import { accuracy, fromRows, maxAbsDiff, randomMatrix, sklearnFixtures } from './helpers';

const binary: ClassificationTask = { kind: 'binary', classes: ['no', 'yes'] };
const three: ClassificationTask = { kind: 'multiclass', classes: ['a', 'b', 'c'] };
const params = (over: Record<string, number> = {}) => resolveParams('logistic_regression', { tol: 1e-9, ...over });

describe('logistic regression', () => {
  it('matches sklearn LogisticRegression(C=0.5) coefficients on a binary problem', () => {
    const f = sklearnFixtures().logistic_binary;
    const model = fitLogistic(fromRows(f.X), Float64Array.from(f.y), binary, params({ c: f.C }));
    expect(model.fitInfo.converged).toBe(true);
    expect(maxAbsDiff(model.coef, f.coef)).toBeLessThan(1e-6);
    expect(maxAbsDiff(model.intercept, f.intercept)).toBeLessThan(1e-6);
  });

  it('matches sklearn multinomial coefficients (C=2, 3 classes)', () => {
    const f = sklearnFixtures().logistic_multiclass;
    const model = fitLogistic(fromRows(f.X), Float64Array.from(f.y), three, params({ c: f.C }));
    expect(maxAbsDiff(model.coef, f.coef)).toBeLessThan(1e-6);
    expect(maxAbsDiff(model.intercept, f.intercept)).toBeLessThan(1e-6);
  });

  it('stops at a point where the gradient of the objective vanishes', () => {
    const X = randomMatrix(200, 5, 1);
    const rng = createRng(2);
    const y = Float64Array.from({ length: 200 }, (_, i) => (X.data[i * 5] - X.data[i * 5 + 3] + rng.normal() > 0 ? 1 : 0));
    const model = fitLogistic(X, y, binary, params({ c: 0.3 }));
    const w = new Float64Array(6);
    w.set(model.coef);
    w[5] = model.intercept[0];
    const grad = new Float64Array(6);
    logisticObjective(X, y, binary, 0.3)(w, grad);
    expect(maxAbsDiff(grad, new Float64Array(6))).toBeLessThan(1e-8);
    // Perturbing the solution in any coordinate must not lower the objective.
    const f0 = logisticObjective(X, y, binary, 0.3)(w, grad);
    for (let j = 0; j < 6; j++) {
      const moved = Float64Array.from(w);
      moved[j] += 1e-3;
      expect(logisticObjective(X, y, binary, 0.3)(moved, new Float64Array(6))).toBeGreaterThan(f0);
    }
  });

  it('classifies well-separated data accurately and puts probability on the right class', () => {
    const X = randomMatrix(400, 3, 5);
    const y = Float64Array.from({ length: 400 }, (_, i) => (2 * X.data[i * 3] + X.data[i * 3 + 1] > 0 ? 1 : 0));
    const model = fitLogistic(X, y, binary, params({ c: 10 }));
    const probs = model.predict(X);
    expect(accuracy(probs, y, 2)).toBeGreaterThan(0.97);
    for (let i = 0; i < 400; i++) expect(probs[2 * i] + probs[2 * i + 1]).toBeCloseTo(1, 12);
  });

  it('gives multinomial probabilities that sum to 1 and learn three classes', () => {
    const X = randomMatrix(300, 2, 9);
    const y = Float64Array.from({ length: 300 }, (_, i) => {
      const a = X.data[i * 2];
      const b = X.data[i * 2 + 1];
      return a > 0.5 ? 2 : b > 0 ? 1 : 0;
    });
    const model = fitLogistic(X, y, three, params({ c: 5 }));
    const probs = model.predict(X);
    for (let i = 0; i < 300; i++) expect(probs[3 * i] + probs[3 * i + 1] + probs[3 * i + 2]).toBeCloseTo(1, 12);
    expect(accuracy(probs, y, 3)).toBeGreaterThan(0.85);
    let interceptSum = 0;
    for (const b of model.intercept) interceptSum += b;
    expect(Math.abs(interceptSum)).toBeLessThan(1e-12);
  });

  it('shrinks weights more as C decreases', () => {
    const X = randomMatrix(150, 4, 3);
    const y = Float64Array.from({ length: 150 }, (_, i) => (X.data[i * 4] + X.data[i * 4 + 1] > 0 ? 1 : 0));
    const norm = (c: number) => Math.hypot(...fitLogistic(X, y, binary, params({ c })).coef);
    expect(norm(0.01)).toBeLessThan(norm(0.1));
    expect(norm(0.1)).toBeLessThan(norm(1));
  });

  it('reports progress once per L-BFGS iteration with a decreasing loss', () => {
    const X = randomMatrix(100, 3, 4);
    const y = Float64Array.from({ length: 100 }, (_, i) => (X.data[i * 3] > 0 ? 1 : 0));
    const losses: number[] = [];
    const model = fitLogistic(X, y, binary, params(), (p) => {
      expect(p.total).toBe(1000);
      losses.push(p.loss!);
    });
    expect(losses.length).toBe(model.fitInfo.iterations);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1]);
  });

  it('fits bit-identical coefficients on 1, 2 and 3 threads, also with more row blocks than work units', () => {
    // Helpers take part only for a matrix in shared memory, as fitInThread hands it over. 4.3M rows make
    // 263 blocks of 16384 rows, more than the 256 work units a command is cut into.
    for (const [rows, cols] of [
      [60_000, 6],
      [4_300_000, 2],
    ]) {
      const X = new Float64Array(new SharedArrayBuffer(rows * cols * 8));
      const y = new Float64Array(new SharedArrayBuffer(rows * 8));
      const rng = createRng(7);
      for (let i = 0; i < X.length; i++) X[i] = rng.uniform(-1, 1);
      for (let i = 0; i < rows; i++) y[i] = X[i * cols] - 0.5 * X[i * cols + cols - 1] + 0.5 * rng.uniform(-1, 1) > 0 ? 1 : 0;
      const fit = (threads: number) => fitLogistic(matrix(rows, cols, X), y, binary, params({ maxIterations: rows > 1e6 ? 2 : 50 }), undefined, threads);
      const [one, two, threeThreads] = [fit(1), fit(2), fit(3)];
      expect([one.fitInfo.threads, two.fitInfo.threads, threeThreads.fitInfo.threads]).toEqual([1, Math.min(2, cols), Math.min(3, cols)]);
      for (const other of [two, threeThreads]) {
        expect(Array.from(other.coef)).toEqual(Array.from(one.coef));
        expect(Array.from(other.intercept)).toEqual(Array.from(one.intercept));
        expect(other.fitInfo.loss).toBe(one.fitInfo.loss);
      }
    }
  });

  it('computes the binary loss and gradient four rows at a time as the textbook formulas do, whatever the row count', () => {
    const rng = createRng(11);
    for (const p of [1, 2, 3, 5, 28]) {
      for (const rows of [1, 3, 4, 7, 64, 301]) {
        const data = Float64Array.from({ length: rows * p }, () => rng.next() * 8 - 4);
        const y = Float64Array.from({ length: rows }, () => (rng.next() < 0.3 ? 1 : 0));
        const w = Float64Array.from({ length: p + 1 }, () => rng.next() * 2 - 1);
        let loss = 0;
        const grad = new Float64Array(p + 1);
        for (let i = 0; i < rows; i++) {
          let s = w[p];
          for (let j = 0; j < p; j++) s += data[i * p + j] * w[j];
          loss += Math.log(1 + Math.exp(s)) - y[i] * s;
          const r = 1 / (1 + Math.exp(-s)) - y[i];
          for (let j = 0; j < p; j++) grad[j] += r * data[i * p + j];
          grad[p] += r;
        }
        // Added into `out`: start from non-zero values.
        const out = Float64Array.from({ length: p + 1 }, (_, j) => j);
        const got = logisticBlock(data, p, y, w, 0, rows, out);
        expect(Math.abs(got - loss), `p = ${p}, rows = ${rows}: loss`).toBeLessThan(1e-9 * Math.max(1, loss));
        for (let j = 0; j <= p; j++) expect(Math.abs(out[j] - j - grad[j]), `p = ${p}, rows = ${rows}: gradient ${j}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(grad[j])));
      }
    }
    // Scores far out on either side: no overflow, the loss of a confident right answer ~0, of a confident wrong one ~|s|.
    const out = new Float64Array(2);
    expect(logisticBlock(Float64Array.of(800, -800, 800, -800, 800), 1, Float64Array.of(1, 0, 0, 1, 1), Float64Array.of(1, 0), 0, 5, out)).toBeCloseTo(1600, 9);
    expect(Array.from(out)).toEqual([800 + 800, 1 - 1]);
  });

  it('explains bad input: one class only, NaN features, wrong column count', () => {
    const X = randomMatrix(10, 2, 1);
    expect(() => fitLogistic(X, new Float64Array(10), binary, params())).toThrow(/every training row has class "no"/);
    const withNaN = matrix(2, 1, Float64Array.of(1, NaN));
    expect(() => fitLogistic(withNaN, Float64Array.of(0, 1), binary, params())).toThrow(/row 1, column 0 is NaN.*impute/);
    expect(() => fitLogistic(X, Float64Array.from({ length: 10 }, (_, i) => i % 3), binary, params())).toThrow(
      /class target at row 2 is 2; expected a class index 0..1/,
    );
    const model = fitLogistic(X, Float64Array.from({ length: 10 }, (_, i) => i % 2), binary, params());
    expect(() => model.predict(randomMatrix(3, 3, 1))).toThrow(/trained on 2 features but got a matrix with 3 columns/);
  });
});
