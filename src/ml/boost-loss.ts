import type { Task } from './task';
import { binomialGradients, squaredGradients } from './tree/kernels.js';

/**
 * Losses for gradient boosting, matching sklearn's HalfSquaredError, HalfBinomialLoss and
 * HalfMultinomialLoss so that leaf values, early-stopping losses and tolerances mean the same thing.
 * Raw predictions are row-major n x K (K = trees per iteration).
 */
export interface BoostingLoss {
  /** Trees grown per boosting iteration: one per class for multiclass, else one. */
  readonly nTreesPerIteration: number;
  /** Hessian identically 1: histograms can skip it. */
  readonly constantHessian: boolean;
  /**
   * Binary log loss: the hessian follows from the gradient (kernels.js FROM_GRADIENT), so a fit keeps no
   * hessian array and `gradients` fills none when given none.
   */
  readonly hessianFromGradient?: boolean;
  /** One tree per iteration whose gradients kernels.js computes row by row (so threads can share them). */
  readonly rowKernel?: 'binomial' | 'squared';
  /** The best constant raw prediction (the model before any tree). */
  baseline(y: Float64Array): Float64Array;
  /**
   * Fills grad[k][i] and, unless constantHessian, hess[k][i]. Float32, as sklearn's G_H_DTYPE: half the
   * memory and bandwidth of the hottest arrays; histograms still sum them in float64.
   */
  gradients(y: Float64Array, raw: Float64Array, grad: Float32Array[], hess: Float32Array[]): void;
  /** Mean loss. */
  loss(y: Float64Array, raw: Float64Array): number;
}

export function boostingLoss(task: Task): BoostingLoss {
  if (task.kind === 'regression') return squaredError;
  if (task.kind === 'binary') return binomial;
  return multinomial(task.classes.length);
}

const squaredError: BoostingLoss = {
  nTreesPerIteration: 1,
  constantHessian: true,
  rowKernel: 'squared',
  baseline(y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    return Float64Array.of(s / y.length);
  },
  gradients(y, raw, grad) {
    squaredGradients(y, raw, grad[0], 0, y.length);
  },
  loss(y, raw) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const d = raw[i] - y[i];
      s += d * d;
    }
    return (0.5 * s) / y.length;
  },
};

const binomial: BoostingLoss = {
  nTreesPerIteration: 1,
  constantHessian: false,
  hessianFromGradient: true,
  rowKernel: 'binomial',
  baseline(y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    const p = clipProbability(s / y.length);
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(y, raw, grad, hess) {
    binomialGradients(y, raw, grad[0], hess[0] ?? null, 0, y.length);
  },
  loss(y, raw) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const r = raw[i];
      s += (r > 0 ? r + Math.log1p(Math.exp(-r)) : Math.log1p(Math.exp(r))) - y[i] * r;
    }
    return s / y.length;
  },
};

function multinomial(k: number): BoostingLoss {
  const prob = new Float64Array(k);
  return {
    nTreesPerIteration: k,
    constantHessian: false,
    baseline(y) {
      // Symmetric log link: log p_k minus its mean, so raw scores sum to 0 like sklearn's.
      const counts = new Float64Array(k);
      for (let i = 0; i < y.length; i++) counts[y[i]]++;
      const out = new Float64Array(k);
      let mean = 0;
      for (let c = 0; c < k; c++) {
        out[c] = Math.log(clipProbability(counts[c] / y.length));
        mean += out[c];
      }
      mean /= k;
      for (let c = 0; c < k; c++) out[c] -= mean;
      return out;
    },
    gradients(y, raw, grad, hess) {
      for (let i = 0; i < y.length; i++) {
        softmaxRow(raw, i * k, k, prob);
        const yi = y[i];
        for (let c = 0; c < k; c++) {
          const p = prob[c];
          grad[c][i] = p - (c === yi ? 1 : 0);
          hess[c][i] = p * (1 - p);
        }
      }
    },
    loss(y, raw) {
      let s = 0;
      for (let i = 0; i < y.length; i++) {
        const o = i * k;
        let max = -Infinity;
        for (let c = 0; c < k; c++) if (raw[o + c] > max) max = raw[o + c];
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp(raw[o + c] - max);
        s += max + Math.log(sum) - raw[o + y[i]];
      }
      return s / y.length;
    },
  };
}

/** Writes softmax(raw[offset..offset+k)) into out. */
export function softmaxRow(raw: Float64Array, offset: number, k: number, out: Float64Array, outOffset = 0): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (raw[offset + c] > max) max = raw[offset + c];
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(raw[offset + c] - max);
    out[outOffset + c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) out[outOffset + c] /= sum;
}

/** A class absent from the training rows would give log(0) = -Infinity; sklearn clips to eps too. */
function clipProbability(p: number): number {
  return Math.min(Math.max(p, Number.EPSILON), 1 - Number.EPSILON);
}
