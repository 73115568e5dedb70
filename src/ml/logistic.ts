import type { Matrix } from './matrix';
import type { FitProgress, Model } from './model';
import type { LogisticParams } from './params';
import { checkFitInput, checkNoMissing, checkPredictInput } from './checks';
import { checkTargets, type ClassificationTask } from './task';
import { minimizeLbfgs, type Objective } from './optim/lbfgs';
import { clearNegativeZeros } from './float';

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
    readonly fitInfo: { iterations: number; converged: boolean; loss: number } = {
      iterations: 0,
      converged: true,
      loss: NaN,
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
): LogisticModel {
  checkFitInput(X, 'logistic_regression');
  checkNoMissing(X, 'logistic_regression');
  checkTargets(y, task, X.rows);
  checkTwoClassesPresent(y, task);

  const p = X.cols;
  const weightRows = task.kind === 'binary' ? 1 : task.classes.length;
  const objective = logisticObjective(X, y, task, params.c);
  const result = minimizeLbfgs(objective, new Float64Array(weightRows * (p + 1)), {
    maxIterations: params.maxIterations,
    gtol: params.tol,
    onIteration: onProgress
      ? (iteration, f) => onProgress({ iteration, total: params.maxIterations, loss: f })
      : undefined,
  });

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
  });
}

/**
 * The objective L-BFGS minimises, exposed so tests can check optimality (gradient ~ 0) directly.
 * Parameter layout: weights row-major (rows x p), then one intercept per row.
 */
export function logisticObjective(X: Matrix, y: Float64Array, task: ClassificationTask, c: number): Objective {
  const n = X.rows;
  const p = X.cols;
  const data = X.data;
  const K = task.kind === 'binary' ? 1 : task.classes.length;
  const bOff = K * p;
  const l2 = 1 / (c * n);
  const z = new Float64Array(K);

  return (w, grad) => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const xo = i * p;
      const yi = y[i];
      if (K === 1) {
        let s = w[bOff];
        for (let j = 0; j < p; j++) s += data[xo + j] * w[j];
        // softplus(s) - y*s, written to avoid overflow of exp for large |s|.
        loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - yi * s;
        const r = sigmoid(s) - yi;
        for (let j = 0; j < p; j++) grad[j] += r * data[xo + j];
        grad[bOff] += r;
      } else {
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
