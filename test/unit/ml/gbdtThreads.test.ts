import { describe, expect, it } from 'vitest';
import { fitGbdt, type GbdtModel } from '../../../src/ml/gbdt';
import { matrix, type Matrix } from '../../../src/ml/matrix';
import { resolveParams } from '../../../src/ml/params';
import { createRng } from '../../../src/ml/random';
import type { ClassificationTask, Task } from '../../../src/ml/task';

/** 3000 rows, 13 features (some NaN, one low-cardinality, one 0/1), a nonlinear target; optionally in shared memory. */
function data(shared: boolean, rows = 3000, cols = 13): { X: Matrix; score: Float64Array } {
  const rng = createRng(7);
  const values = new Float64Array(shared ? new SharedArrayBuffer(rows * cols * 8) : new ArrayBuffer(rows * cols * 8));
  const score = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    // The last column has 4 levels; the one before is 0/1 (a one-hot column: the two-bin histogram loop).
    for (let j = 0; j < cols; j++) values[i * cols + j] = j === cols - 1 ? rng.int(4) : j === cols - 2 ? rng.int(2) : rng.normal();
    if (rng.next() < 0.05) values[i * cols + 3] = NaN;
    const x = values.subarray(i * cols, i * cols + cols);
    score[i] = x[0] * x[1] + Math.sin(2 * x[2]) + (Number.isNaN(x[3]) ? 1 : x[3]) + 0.5 * x[cols - 1] + 0.4 * x[cols - 2] + 0.3 * rng.normal();
  }
  return { X: matrix(rows, cols, values), score };
}

function expectSameModel(a: GbdtModel, b: GbdtModel, X: Matrix): void {
  expect(b.trees.length).toBe(a.trees.length);
  a.trees.forEach((t, i) => expect(b.trees[i]).toEqual(t));
  expect(b.baseline).toEqual(a.baseline);
  expect(b.predict(X)).toEqual(a.predict(X));
}

const cases: { name: string; task: Task; label: (s: number) => number }[] = [
  { name: 'binary', task: { kind: 'binary', classes: ['0', '1'] }, label: (s) => (s > 0.5 ? 1 : 0) },
  { name: 'multiclass', task: { kind: 'multiclass', classes: ['a', 'b', 'c'] }, label: (s) => (s < 0 ? 0 : s < 1.2 ? 1 : 2) },
  { name: 'regression', task: { kind: 'regression' }, label: (s) => s },
];

describe('gbdt on several threads', () => {
  for (const { name, task, label } of cases) {
    it(`grows bit-identical trees on 1, 2 and 3 threads (${name}, early stopping on)`, () => {
      for (const shared of [true, false]) {
        const { X, score } = data(shared);
        const y = Float64Array.from(score, label);
        const params = resolveParams('gbdt', { maxIter: 15, maxLeafNodes: 15, earlyStopping: true, nIterNoChange: 3 });
        const one = fitGbdt(X, y, task, params, { seed: 3, threads: 1 });
        const two = fitGbdt(X, y, task, params, { seed: 3, threads: 2 });
        const three = fitGbdt(X, y, task, params, { seed: 3, threads: 3 });
        // The helpers really ran (a helper that failed to start would silently leave one thread).
        expect([one.fitInfo!.threads, two.fitInfo!.threads, three.fitInfo!.threads]).toEqual([1, 2, 3]);
        expect(one.trees.length).toBeGreaterThan(task.kind === 'multiclass' ? 3 : 1);
        expectSameModel(one, two, X);
        expectSameModel(one, three, X);
      }
    }, 60_000);
  }

  for (const { name, task, label } of cases) {
    it(`grows bit-identical trees with the WebAssembly and the JavaScript kernels (${name}, 1 and 2 threads)`, () => {
      const { X, score } = data(true, 20_000, 13);
      const y = Float64Array.from(score, label);
      const params = resolveParams('gbdt', { maxIter: 6, maxLeafNodes: 15, earlyStopping: false });
      for (const threads of [1, 2]) {
        const wasm = fitGbdt(X, y, task, params, { seed: 3, threads });
        const js = fitGbdt(X, y, task, params, { seed: 3, threads, wasm: false });
        expectSameModel(wasm, js, X);
      }
    }, 60_000);
  }

  it('partitions big nodes across threads to the same rows (60k rows, so nodes pass the parallel threshold)', () => {
    const { X, score } = data(true, 60_000, 6);
    const y = Float64Array.from(score, (s) => (s > 0.5 ? 1 : 0));
    const params = resolveParams('gbdt', { maxIter: 4, maxLeafNodes: 8, earlyStopping: false });
    const one = fitGbdt(X, y, { kind: 'binary', classes: ['0', '1'] }, params, { seed: 5, threads: 1 });
    const two = fitGbdt(X, y, { kind: 'binary', classes: ['0', '1'] }, params, { seed: 5, threads: 2 });
    expect(two.fitInfo!.threads).toBe(2);
    expect(one.trees[0].feature.length).toBeGreaterThan(8);
    expectSameModel(one, two, X);
  }, 60_000);

  it('caps threads at the feature count and reads BOSUN_TRAIN_THREADS', async () => {
    const { trainThreads } = await import('../../../src/ml/thread/trainThreads');
    expect(trainThreads(8, 1_000_000, 3)).toBe(3);
    expect(trainThreads(undefined, 100, 20)).toBe(1);
    process.env.BOSUN_TRAIN_THREADS = '2';
    try {
      expect(trainThreads(undefined, 100, 20)).toBe(2);
      process.env.BOSUN_TRAIN_THREADS = 'two';
      expect(() => trainThreads(undefined, 100, 20)).toThrow(/BOSUN_TRAIN_THREADS must be a whole number/);
    } finally {
      delete process.env.BOSUN_TRAIN_THREADS;
    }
  });
});

describe('logistic regression on several threads', () => {
  it('fits bit-identical coefficients on 1 and 2 threads (X in shared memory)', async () => {
    const { fitLogistic } = await import('../../../src/ml/logistic');
    const { X, score } = data(true, 40_000, 6);
    for (let i = 0; i < X.data.length; i++) if (Number.isNaN(X.data[i])) X.data[i] = 0;
    const y = Float64Array.from(score, (s) => (s > 0.5 ? 1 : 0));
    const task: ClassificationTask = { kind: 'binary', classes: ['0', '1'] };
    const params = resolveParams('logistic_regression', {});
    const one = fitLogistic(X, y, task, params, undefined, 1);
    const two = fitLogistic(X, y, task, params, undefined, 2);
    expect(one.fitInfo.converged).toBe(true);
    expect(two.coef).toEqual(one.coef);
    expect(two.intercept).toEqual(one.intercept);
    expect(two.predict(X)).toEqual(one.predict(X));
  }, 60_000);
});
