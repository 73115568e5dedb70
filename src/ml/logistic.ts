import type { Matrix } from './matrix';
import type { FitProgress, Model } from './model';
import type { LogisticParams } from './params';
import { checkFitInput, checkNoMissing, checkPredictInput } from './checks';
import { checkTargets, type ClassificationTask } from './task';
import { minimizeLbfgs, type Objective } from './optim/lbfgs';
import { clearNegativeZeros } from './float';
import { logisticBlocks } from './tree/kernels.js';
import { TrainThreads, trainThreads } from './thread/trainThreads';

/**
 * L2-penalised logistic regression with sklearn's parameterisation, so a C tuned in sklearn means the same
 * here: minimise  C * sum_i loss_i + ||W||^2 / 2  (intercepts unpenalised). Binary uses one weight vector
 * (sigmoid), multiclass one per class (softmax), as sklearn's lbfgs solver does.
 *
 * Internally the objective is divided by n (mean loss + ||W||^2 / (2 C n)), exactly as sklearn does, so
 * `tol` bounds the same gradient and converged coefficients agree.
 */
export class LogisticModel implements Model {
  readonly algorithm = 'logistic_regression' as const;
  featureNames?: string[];

  constructor(
    readonly task: ClassificationTask,
    readonly nFeatures: number,
    /** Row-major weights: 1 x nFeatures for binary (positive class = classes[1]), k x nFeatures for multiclass. */
    readonly coef: Float64Array,
    /** One intercept per weight row; multiclass intercepts are centred to sum to 0 (softmax is shift-invariant). */
    readonly intercept: Float64Array,
    readonly params: LogisticParams,
    /** threads: how many evaluated the objective (1 unless the fit had helper threads). */
    readonly fitInfo: { iterations: number; converged: boolean; loss: number; threads: number } = {
      iterations: 0,
      converged: true,
      loss: NaN,
      threads: 1,
    },
  ) {
    const rows = task.kind === 'binary' ? 1 : task.classes.length;
    if (coef.length !== rows * nFeatures || intercept.length !== rows) {
      throw new Error(
        `logistic_regression: expected ${rows} x ${nFeatures} coefficients and ${rows} intercepts, ` +
          `got ${coef.length} and ${intercept.length}`,
      );
    }
    clearNegativeZeros(coef);
    clearNegativeZeros(intercept);
  }

  predict(X: Matrix): Float64Array {
    checkPredictInput(X, this.nFeatures, this.algorithm);
    const { rows, data } = X;
    const p = this.nFeatures;
    const k = this.task.classes.length;
    const out = new Float64Array(rows * k);
    const w = this.coef;
    const b = this.intercept;
    if (this.task.kind === 'binary') {
      for (let i = 0; i < rows; i++) {
        const xo = i * p;
        let s = b[0];
        for (let j = 0; j < p; j++) s += data[xo + j] * w[j];
        const prob = sigmoid(s);
        out[2 * i] = 1 - prob;
        out[2 * i + 1] = prob;
      }
      return out;
    }
    for (let i = 0; i < rows; i++) {
      const xo = i * p;
      const oo = i * k;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = b[c];
        const wo = c * p;
        for (let j = 0; j < p; j++) s += data[xo + j] * w[wo + j];
        out[oo + c] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(out[oo + c] - max);
        out[oo + c] = e;
        sum += e;
      }
      for (let c = 0; c < k; c++) out[oo + c] /= sum;
    }
    return out;
  }
}

export function fitLogistic(
  X: Matrix,
  y: Float64Array,
  task: ClassificationTask,
  params: LogisticParams,
  onProgress?: (p: FitProgress) => void,
  threads?: number,
): LogisticModel {
  checkFitInput(X, 'logistic_regression');
  checkNoMissing(X, 'logistic_regression');
  checkTargets(y, task, X.rows);
  checkTwoClassesPresent(y, task);

  const p = X.cols;
  const weightRows = task.kind === 'binary' ? 1 : task.classes.length;
  // Helper threads evaluate the binary objective's row blocks; they need X in shared memory (fitInThread
  // puts it there) and pay off only on big data.
  const nThreads = task.kind === 'binary' && X.data.buffer instanceof SharedArrayBuffer ? trainThreads(threads, X.rows, p) : 1;
  const pool = nThreads > 1 ? TrainThreads.start(nThreads, p) : null;
  let result: ReturnType<typeof minimizeLbfgs>;
  let threadsUsed = 1;
  try {
    pool?.ready();
    // Fewer threads than asked when helpers failed to start; one left means no pool at all.
    const helpers = pool && pool.threads > 1 ? pool : null;
    threadsUsed = helpers?.threads ?? 1;
    const objective = logisticObjective(X, y, task, params.c, helpers);
    result = minimizeLbfgs(objective, new Float64Array(weightRows * (p + 1)), {
      maxIterations: params.maxIterations,
      gtol: params.tol,
      onIteration: onProgress
        ? (iteration, f) => onProgress({ iteration, total: params.maxIterations, loss: f })
        : undefined,
    });
  } finally {
    pool?.close();
  }

  const coef = result.x.slice(0, weightRows * p);
  const intercept = result.x.slice(weightRows * p);
  if (weightRows > 1) {
    let mean = 0;
    for (let c = 0; c < weightRows; c++) mean += intercept[c];
    mean /= weightRows;
    for (let c = 0; c < weightRows; c++) intercept[c] -= mean;
  }
  return new LogisticModel(task, p, coef, intercept, params, {
    iterations: result.iterations,
    converged: result.converged,
    loss: result.f,
    threads: threadsUsed,
  });
}

/**
 * The objective L-BFGS minimises, exposed so tests can check optimality (gradient ~ 0) directly.
 * Parameter layout: weights row-major (rows x p), then one intercept per row.
 */
export function logisticObjective(X: Matrix, y: Float64Array, task: ClassificationTask, c: number, pool: TrainThreads | null = null): Objective {
  if (task.kind === 'binary') return binaryObjective(X, y, c, pool);
  const n = X.rows;
  const p = X.cols;
  const data = X.data;
  const K = task.classes.length;
  const bOff = K * p;
  const l2 = 1 / (c * n);
  const z = new Float64Array(K);

  return (w, grad) => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const xo = i * p;
      const yi = y[i];
      {
        let max = -Infinity;
        for (let k = 0; k < K; k++) {
          let s = w[bOff + k];
          const wo = k * p;
          for (let j = 0; j < p; j++) s += data[xo + j] * w[wo + j];
          z[k] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let k = 0; k < K; k++) sum += Math.exp(z[k] - max);
        const lse = max + Math.log(sum);
        loss += lse - z[yi];
        for (let k = 0; k < K; k++) {
          const r = Math.exp(z[k] - lse) - (k === yi ? 1 : 0);
          const wo = k * p;
          for (let j = 0; j < p; j++) grad[wo + j] += r * data[xo + j];
          grad[bOff + k] += r;
        }
      }
    }
    let penalty = 0;
    for (let j = 0; j < bOff; j++) penalty += w[j] * w[j];
    const invN = 1 / n;
    for (let j = 0; j < bOff; j++) grad[j] = grad[j] * invN + l2 * w[j];
    for (let j = bOff; j < grad.length; j++) grad[j] *= invN;
    return loss * invN + 0.5 * l2 * penalty;
  };
}

/** Rows per block of the binary objective: fixed, so the sums are the same for any number of threads. */
const BLOCK_ROWS = 16_384;

/**
 * The binary objective, summed block by block: each block of BLOCK_ROWS rows gets its own partial loss
 * and gradient (on whichever thread), then the partials are added in block order. Same numbers for any
 * thread count.
 */
function binaryObjective(X: Matrix, y: Float64Array, c: number, pool: TrainThreads | null): Objective {
  const n = X.rows;
  const p = X.cols;
  const l2 = 1 / (c * n);
  const nBlocks = Math.ceil(n / BLOCK_ROWS);
  const stride = p + 2;
  const alloc = (len: number) => (pool ? new Float64Array(new SharedArrayBuffer(len * 8)) : new Float64Array(len));
  const partials = alloc(nBlocks * stride);
  const wShared = alloc(p + 1);
  let yShared = y;
  if (pool && !(y.buffer instanceof SharedArrayBuffer)) {
    yShared = alloc(n);
    yShared.set(y);
  }
  const blocks = (from: number, to: number) => logisticBlocks(X.data, p, yShared, wShared, n, BLOCK_ROWS, partials, from, to);
  return (w, grad) => {
    wShared.set(w);
    if (pool) pool.logistic({ X: X.data, y: yShared, w: wShared, p, rows: n, blockRows: BLOCK_ROWS, nBlocks, partials }, blocks);
    else blocks(0, nBlocks);
    grad.fill(0);
    let loss = 0;
    for (let k = 0; k < nBlocks; k++) {
      const o = k * stride;
      for (let j = 0; j <= p; j++) grad[j] += partials[o + j];
      loss += partials[o + p + 1];
    }
    let penalty = 0;
    for (let j = 0; j < p; j++) penalty += w[j] * w[j];
    const invN = 1 / n;
    for (let j = 0; j < p; j++) grad[j] = grad[j] * invN + l2 * w[j];
    grad[p] *= invN;
    return loss * invN + 0.5 * l2 * penalty;
  };
}

function checkTwoClassesPresent(y: Float64Array, task: ClassificationTask): void {
  const first = y[0];
  for (let i = 1; i < y.length; i++) if (y[i] !== first) return;
  throw new Error(
    `logistic_regression: every training row has class "${task.classes[first]}"; ` +
      'a classifier needs examples of at least two classes (check the target column and any filtering or split)',
  );
}

function sigmoid(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}
