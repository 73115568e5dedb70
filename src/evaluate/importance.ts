/**
 * Permutation feature importance: how much the score drops when one feature's values are shuffled,
 * breaking its link to the target while keeping its distribution (as sklearn's permutation_importance).
 */
import type { Matrix } from '../ml/matrix';
import { higherIsBetter as isHigherBetter, scoreMetric, type MetricName } from '../ml/metrics';

/** Probabilities rows × k for classification, values for regression. */
export type Predictor = (X: Matrix) => Float64Array;
/** Higher-is-better unless told otherwise via `higherIsBetter`. */
export type Scorer = (yTrue: Float64Array, predictions: Float64Array) => number;

export interface PermutationImportanceOptions {
  X: Matrix;
  y: Float64Array;
  predict: Predictor;
  score: Scorer;
  /** Seeded uniform [0, 1) generator, so the same seed gives the same importances. */
  rand: () => number;
  /** Shuffles per feature (default 5). */
  nRepeats?: number;
  /** Default true; false for losses such as RMSE so that a positive drop still means "feature matters". */
  higherIsBetter?: boolean;
  /** Names for the columns of X (default "x0", "x1", …). */
  featureNames?: string[];
}

export interface FeatureImportance {
  feature: string;
  index: number;
  /** Mean score drop over the repeats: larger means more important; ≤ 0 means the model does not use it. */
  mean: number;
  /** Population standard deviation of the drops (ddof = 0, as sklearn). */
  std: number;
  drops: number[];
}

export interface PermutationImportance {
  baseline: number;
  nRepeats: number;
  higherIsBetter: boolean;
  /** Most important first. */
  features: FeatureImportance[];
}

export function permutationImportance(options: PermutationImportanceOptions): PermutationImportance {
  const { X, y, predict, score, rand } = options;
  const nRepeats = options.nRepeats ?? 5;
  const higher = options.higherIsBetter ?? true;
  const names = options.featureNames ?? Array.from({ length: X.cols }, (_, j) => `x${j}`);
  if (y.length !== X.rows) {
    throw new Error(`permutationImportance: X has ${X.rows} rows but y has ${y.length} values; pass the targets of the same rows`);
  }
  if (names.length !== X.cols) {
    throw new Error(`permutationImportance: ${names.length} feature names for ${X.cols} columns of X; pass one name per column`);
  }
  if (!Number.isInteger(nRepeats) || nRepeats < 1) {
    throw new Error(`permutationImportance: nRepeats must be a positive integer, got ${nRepeats}`);
  }

  const baseline = score(y, predict(X));
  // one working copy for the whole run: each feature's column is shuffled in place, then restored
  const work: Matrix = { rows: X.rows, cols: X.cols, data: X.data.slice() };
  const n = X.rows;
  const original = new Float64Array(n);
  const order = new Uint32Array(n);

  const features = names.map((feature, j): FeatureImportance => {
    for (let i = 0; i < n; i++) original[i] = X.data[i * X.cols + j];
    const drops: number[] = [];
    for (let r = 0; r < nRepeats; r++) {
      shuffledIndexes(order, rand);
      for (let i = 0; i < n; i++) work.data[i * X.cols + j] = original[order[i]];
      const s = score(y, predict(work));
      drops.push(higher ? baseline - s : s - baseline);
    }
    for (let i = 0; i < n; i++) work.data[i * X.cols + j] = original[i];
    const mean = drops.reduce((a, b) => a + b, 0) / nRepeats;
    const std = Math.sqrt(drops.reduce((a, d) => a + (d - mean) ** 2, 0) / nRepeats);
    return { feature, index: j, mean, std, drops };
  });
  features.sort((a, b) => b.mean - a.mean || a.index - b.index);
  return { baseline, nRepeats, higherIsBetter: higher, features };
}

/** Fisher–Yates over 0..n-1. */
function shuffledIndexes(order: Uint32Array, rand: () => number): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

/** A Scorer for a named metric, with its direction, so callers can say `metricScorer('roc_auc')`. */
export function metricScorer(name: MetricName): { score: Scorer; higherIsBetter: boolean } {
  return { score: (yTrue, predictions) => scoreMetric(name, yTrue, predictions), higherIsBetter: isHigherBetter(name) };
}
