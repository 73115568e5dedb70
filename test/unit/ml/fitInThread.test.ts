import { describe, expect, it } from 'vitest';
import { matrix } from '../../../src/ml/matrix';
import { fitModel } from '../../../src/ml/model';
import { closeFitThreads, fitInThread, prewarmFitThread } from '../../../src/ml/thread/fitInThread';
import type { Task } from '../../../src/ml/task';
import { randomMatrix } from './helpers';

const task: Task = { kind: 'binary', classes: ['0', '1'] };

describe('fitInThread', () => {
  it('fits on a thread the same model as in-process, from plain or shared memory, leaving the caller its arrays', async () => {
    const X = randomMatrix(3000, 5, 11);
    const y = Float64Array.from({ length: 3000 }, (_, i) => (X.data[i * 5] * X.data[i * 5 + 1] > 0 ? 1 : 0));
    const spec = { algorithm: 'gbdt' as const, params: { maxIter: 10, earlyStopping: false } };
    const local = fitModel(spec, X, y, task, { seed: 1 });
    const before = X.data.slice();
    const plain = await fitInThread(spec, X, y, task, { seed: 1, threads: 2 });
    expect(X.data).toEqual(before);
    const shared = new Float64Array(new SharedArrayBuffer(X.data.byteLength));
    shared.set(X.data);
    const fromShared = await fitInThread(spec, matrix(X.rows, X.cols, shared), y, task, { seed: 1 });
    expect(plain.model.predict(X)).toEqual(local.predict(X));
    expect(fromShared.model.predict(X)).toEqual(local.predict(X));
    expect(plain.fitSeconds).toBeGreaterThan(0);
  }, 60_000);

  it('a thread started ahead (prewarmFitThread) fits the same model; after closeFitThreads a fit starts a fresh one', async () => {
    const X = randomMatrix(2000, 4, 5);
    const y = Float64Array.from({ length: 2000 }, (_, i) => (X.data[i * 4] + X.data[i * 4 + 1] > 0 ? 1 : 0));
    const spec = { algorithm: 'logistic_regression' as const };
    const local = fitModel(spec, X, y, task, { seed: 2 });
    expect(await prewarmFitThread()).toBe(true);
    // Asking again while one is warm reuses it.
    expect(await prewarmFitThread()).toBe(true);
    const warm = await fitInThread(spec, X, y, task, { seed: 2, threads: 2 });
    const again = await fitInThread(spec, X, y, task, { seed: 2, threads: 2 });
    await closeFitThreads();
    const fresh = await fitInThread(spec, X, y, task, { seed: 2 });
    for (const r of [warm, again, fresh]) expect(r.model.predict(X)).toEqual(local.predict(X));
  }, 60_000);
});
