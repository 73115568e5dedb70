import type { Matrix } from './matrix';
import type { Model } from './model';
import type { LinearParams } from './params';
import { checkFitInput, checkNoMissing, checkPredictInput } from './checks';
import { checkTargets } from './task';
import { choleskyInPlace, choleskySolve, minNormSolve } from './linalg';
import { clearNegativeZeros } from './float';

/**
 * Linear least squares with optional L2 penalty, matching sklearn's Ridge: minimise
 * ||y - Xw - b||^2 + alpha ||w||^2 with the intercept unpenalised. Solved exactly: centre X and y
 * (which removes the intercept from the problem), then Cholesky on (Xc^T Xc + alpha I) w = Xc^T yc.
 */
export class LinearModel implements Model {
  readonly algorithm = 'linear_regression' as const;
  readonly task = { kind: 'regression' } as const;
  featureNames?: string[];

  constructor(
    readonly nFeatures: number,
    readonly coef: Float64Array,
    readonly intercept: number,
    readonly params: LinearParams,
  ) {
    if (coef.length !== nFeatures) {
      throw new Error(`linear_regression: expected ${nFeatures} coefficients, got ${coef.length}`);
    }
    clearNegativeZeros(coef);
    if (intercept === 0) this.intercept = 0;
  }

  predict(X: Matrix): Float64Array {
    checkPredictInput(X, this.nFeatures, this.algorithm);
    const { rows, data } = X;
    const p = this.nFeatures;
    const w = this.coef;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const xo = i * p;
      let s = this.intercept;
      for (let j = 0; j < p; j++) s += data[xo + j] * w[j];
      out[i] = s;
    }
    return out;
  }
}

export function fitLinear(X: Matrix, y: Float64Array, params: LinearParams): LinearModel {
  checkFitInput(X, 'linear_regression');
  checkNoMissing(X, 'linear_regression');
  checkTargets(y, { kind: 'regression' }, X.rows);
  const { rows: n, cols: p, data } = X;

  const xMean = new Float64Array(p);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    const xo = i * p;
    for (let j = 0; j < p; j++) xMean[j] += data[xo + j];
    yMean += y[i];
  }
  for (let j = 0; j < p; j++) xMean[j] /= n;
  yMean /= n;

  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p);
  const xc = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const xo = i * p;
    const yc = y[i] - yMean;
    for (let j = 0; j < p; j++) xc[j] = data[xo + j] - xMean[j];
    for (let j = 0; j < p; j++) {
      const v = xc[j];
      if (v === 0) continue;
      xty[j] += v * yc;
      const go = j * p;
      for (let k = 0; k <= j; k++) gram[go + k] += v * xc[k];
    }
  }

  const coef = solveRidge(gram, xty, p, params.alpha);
  let intercept = yMean;
  for (let j = 0; j < p; j++) intercept -= xMean[j] * coef[j];
  return new LinearModel(p, coef, intercept, params);
}

/**
 * Solves (G + alpha I) w = b from G's lower triangle. Plain Cholesky covers the usual full-rank case.
 * If that fails (alpha = 0 with collinear or constant features, e.g. a full one-hot encoding), falls back
 * to the minimum-norm solution, which is what sklearn's LinearRegression (lstsq) returns, instead of
 * failing on data that is perfectly usable for prediction.
 */
function solveRidge(gram: Float64Array, b: Float64Array, p: number, alpha: number): Float64Array {
  const A = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    for (let k = 0; k <= j; k++) {
      A[j * p + k] = gram[j * p + k];
      A[k * p + j] = gram[j * p + k];
    }
    A[j * p + j] += alpha;
  }
  const factor = Float64Array.from(A);
  if (choleskyInPlace(factor, p)) return choleskySolve(factor, p, b);
  return minNormSolve(A, p, b).x;
}
