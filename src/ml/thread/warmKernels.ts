/**
 * A small logistic regression fitted once on a thread kept warm for fitting, with its helper threads, before
 * any real fit: V8 compiles the objective's loops on each thread only after they have run for a while, and a
 * first fit on 800k rows otherwise spends ~0.2 s of its ~0.65 s in unoptimised code. ~0.1 s, paid once per
 * process at start-up (as scikit-learn pays its import). The data is a fixed pattern, not random, and the
 * model is thrown away.
 */
import { fitLogistic } from '../logistic';
import { matrix } from '../matrix';
import { resolveParams } from '../params';

const ROWS = 40_000;
const COLS = 8;

export function warmFitKernels(threads: number): void {
  // Shared memory, as fitInThread hands a real fit's matrix over: the helpers take part only then.
  const X = new Float64Array(new SharedArrayBuffer(ROWS * COLS * 8));
  const y = new Float64Array(new SharedArrayBuffer(ROWS * 8));
  for (let i = 0; i < X.length; i++) X[i] = Math.sin(i * 12.9898);
  for (let i = 0; i < ROWS; i++) y[i] = X[i * COLS] + X[i * COLS + 1] > 0 ? 1 : 0;
  fitLogistic(matrix(ROWS, COLS, X), y, { kind: 'binary', classes: ['0', '1'] }, resolveParams('logistic_regression', { maxIterations: 20 }), undefined, threads);
}
