/**
 * Evaluation metrics, matching scikit-learn to 1e-9 (see bench/parity/metrics.py and the parity test).
 *
 * Conventions:
 * - classification targets are class indexes 0..k-1 stored as floats; probabilities are row-major n × k;
 * - binary tasks are k = 2 with the positive class at index 1;
 * - a metric that is undefined on the given data (ROC-AUC with one class, …) is NaN, never a made-up number,
 *   so that gates fail closed. Results are plain arrays and numbers so they survive JSON (Temporal payloads);
 *   note that JSON turns NaN into null.
 */
import { argmaxRow } from './classes';

export type Labels = ArrayLike<number>;
export type Average = 'binary' | 'macro' | 'weighted';
export type MetricsTask = 'classification' | 'regression';

export const CLASSIFICATION_METRIC_NAMES = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'precision_weighted',
  'recall_weighted',
  'f1_weighted',
  'roc_auc',
  'pr_auc',
  'log_loss',
  'brier',
] as const;
export const REGRESSION_METRIC_NAMES = ['rmse', 'mae', 'r2'] as const;
export const METRIC_NAMES = [...CLASSIFICATION_METRIC_NAMES, ...REGRESSION_METRIC_NAMES] as const;

export type ClassificationMetricName = (typeof CLASSIFICATION_METRIC_NAMES)[number];
export type RegressionMetricName = (typeof REGRESSION_METRIC_NAMES)[number];
export type MetricName = (typeof METRIC_NAMES)[number];

const LOWER_IS_BETTER: ReadonlySet<MetricName> = new Set<MetricName>(['log_loss', 'brier', 'rmse', 'mae']);

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

export function higherIsBetter(name: MetricName): boolean {
  return !LOWER_IS_BETTER.has(name);
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Points of a curve for plotting, x and y of equal length. */
export interface CurvePoints {
  x: number[];
  y: number[];
}

/** Only non-empty bins are listed, as sklearn's calibration_curve does. */
export interface CalibrationCurve {
  nBins: number;
  probTrue: number[];
  probPred: number[];
  counts: number[];
}

export interface ClassificationCurves {
  /** x = false-positive rate, y = true-positive rate. */
  roc: CurvePoints;
  /** x = recall, y = precision. */
  pr: CurvePoints;
  calibration: CalibrationCurve;
}

export interface ClassificationMetrics {
  task: 'classification';
  n: number;
  nClasses: number;
  /** precision/recall/f1 are for positive class 1 when binary and macro averages when multiclass. */
  scores: Record<ClassificationMetricName, number>;
  /** counts[true class][predicted class], as sklearn's confusion_matrix. */
  confusionMatrix: number[][];
  perClass: ClassScores[];
  /** Binary tasks only: ROC, PR and calibration curves are defined for one positive class. */
  curves: ClassificationCurves | null;
}

export interface RegressionMetrics {
  task: 'regression';
  n: number;
  scores: Record<RegressionMetricName, number>;
}

export type Metrics = ClassificationMetrics | RegressionMetrics;

// ---------------------------------------------------------------------------------------------
// Validation helpers

function checkSameLength(where: string, a: ArrayLike<number>, b: ArrayLike<number>, what = 'predictions'): void {
  if (a.length !== b.length) {
    throw new Error(`${where}: targets have ${a.length} values but ${what} have ${b.length}; pass one per row`);
  }
}

function checkProbabilities(where: string, yTrue: Labels, probs: ArrayLike<number>, k: number): void {
  if (!Number.isInteger(k) || k < 2) {
    throw new Error(`${where}: need at least 2 classes, got k = ${k}`);
  }
  if (probs.length !== yTrue.length * k) {
    throw new Error(
      `${where}: expected ${yTrue.length} rows × ${k} classes = ${yTrue.length * k} probabilities, got ${probs.length}; ` +
        'pass predict() output as row-major rows × k',
    );
  }
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    if (!Number.isInteger(y) || y < 0 || y >= k) {
      throw new Error(`${where}: target at row ${i} is ${y}, expected a class index in 0..${k - 1}`);
    }
  }
}

function checkFinite(where: string, values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(`${where}: ${what} at row ${i} is ${values[i]}; remove or impute non-finite values first`);
    }
  }
}

function column(probs: ArrayLike<number>, k: number, c: number): Float64Array {
  const n = probs.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = probs[i * k + c];
  return out;
}

function oneVsRest(yTrue: Labels, c: number): Uint8Array {
  const out = new Uint8Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) out[i] = yTrue[i] === c ? 1 : 0;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Label metrics

/** Class with the highest probability per row (argmaxRow: first on ties); for binary, `threshold` on class 1 instead. */
export function predictedClasses(probs: ArrayLike<number>, k: number, threshold?: number): Float64Array {
  const n = probs.length / k;
  const out = new Float64Array(n);
  if (k === 2 && threshold !== undefined) {
    for (let i = 0; i < n; i++) out[i] = probs[i * 2 + 1] >= threshold ? 1 : 0;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = argmaxRow(probs, i * k, k);
  return out;
}

export function accuracy(yTrue: Labels, yPred: Labels): number {
  checkSameLength('accuracy', yTrue, yPred);
  if (yTrue.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

function classCount(yTrue: Labels, yPred: Labels): number {
  let max = -1;
  for (let i = 0; i < yTrue.length; i++) max = Math.max(max, yTrue[i], yPred[i]);
  return max + 1;
}

/** counts[true][predicted]; `k` defaults to the largest label seen + 1. */
export function confusionMatrix(yTrue: Labels, yPred: Labels, k = classCount(yTrue, yPred)): number[][] {
  checkSameLength('confusionMatrix', yTrue, yPred);
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(t >= 0 && t < k && p >= 0 && p < k && Number.isInteger(t) && Number.isInteger(p))) {
      throw new Error(`confusionMatrix: row ${i} has target ${t} and prediction ${p}; both must be class indexes in 0..${k - 1}`);
    }
    counts[t][p]++;
  }
  return counts;
}

/** sklearn's zero_division="warn" behaviour: a 0/0 ratio counts as 0. */
function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/** Per-class precision, recall and F1 (F1 as 2·tp / (true + predicted), as sklearn computes it). */
export function perClassScores(yTrue: Labels, yPred: Labels, k = classCount(yTrue, yPred)): ClassScores[] {
  const cm = confusionMatrix(yTrue, yPred, k);
  const out: ClassScores[] = [];
  for (let c = 0; c < k; c++) {
    let trueSum = 0;
    let predSum = 0;
    for (let j = 0; j < k; j++) {
      trueSum += cm[c][j];
      predSum += cm[j][c];
    }
    const tp = cm[c][c];
    out.push({
      precision: ratio(tp, predSum),
      recall: ratio(tp, trueSum),
      f1: ratio(2 * tp, trueSum + predSum),
      support: trueSum,
    });
  }
  return out;
}

function presentClasses(yTrue: Labels, yPred: Labels, k: number): boolean[] {
  const present = new Array<boolean>(k).fill(false);
  for (let i = 0; i < yTrue.length; i++) {
    present[yTrue[i]] = true;
    present[yPred[i]] = true;
  }
  return present;
}

/** Averages per-class scores over the classes present in targets or predictions, as sklearn does. */
function averageScores(
  scores: ClassScores[],
  present: boolean[],
  average: Average,
  pick: (s: ClassScores) => number,
): number {
  if (average === 'binary') {
    if (scores.length > 2) {
      throw new Error(`average "binary" needs labels 0 and 1 only, found ${scores.length} classes; use "macro" or "weighted"`);
    }
    return pick(scores[1]);
  }
  let sum = 0;
  let weight = 0;
  for (let c = 0; c < scores.length; c++) {
    if (!present[c]) continue;
    const w = average === 'weighted' ? scores[c].support : 1;
    sum += w * pick(scores[c]);
    weight += w;
  }
  return ratio(sum, weight);
}

function averaged(yTrue: Labels, yPred: Labels, average: Average, pick: (s: ClassScores) => number): number {
  const k = Math.max(classCount(yTrue, yPred), average === 'binary' ? 2 : 0);
  return averageScores(perClassScores(yTrue, yPred, k), presentClasses(yTrue, yPred, k), average, pick);
}

export function precision(yTrue: Labels, yPred: Labels, average: Average = 'binary'): number {
  return averaged(yTrue, yPred, average, (s) => s.precision);
}

export function recall(yTrue: Labels, yPred: Labels, average: Average = 'binary'): number {
  return averaged(yTrue, yPred, average, (s) => s.recall);
}

export function f1(yTrue: Labels, yPred: Labels, average: Average = 'binary'): number {
  return averaged(yTrue, yPred, average, (s) => s.f1);
}

// ---------------------------------------------------------------------------------------------
// Ranking metrics (binary: positive[i] is 1 for the positive class, score is its predicted score)

interface ThresholdCounts {
  /** Cumulative false / true positives at each distinct score, highest score first. */
  fps: Float64Array;
  tps: Float64Array;
  thresholds: Float64Array;
}

function thresholdCounts(where: string, positive: Labels, score: ArrayLike<number>): ThresholdCounts {
  checkSameLength(where, positive, score, 'scores');
  checkFinite(where, score, 'score');
  const n = score.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => score[b] - score[a]);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    if (positive[i] === 1) tp++;
    // one point per distinct score: tied rows move the curve together
    if (r === n - 1 || score[order[r + 1]] !== score[i]) {
      tps.push(tp);
      fps.push(r + 1 - tp);
      thresholds.push(score[i]);
    }
  }
  return { fps: Float64Array.from(fps), tps: Float64Array.from(tps), thresholds: Float64Array.from(thresholds) };
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** thresholds[0] is Infinity: the (0, 0) corner where nothing is predicted positive. */
  thresholds: number[];
}

/** As sklearn.metrics.roc_curve (drop_intermediate=True by default). */
export function rocCurve(positive: Labels, score: ArrayLike<number>, dropIntermediate = true): RocCurve {
  const { fps, tps, thresholds } = thresholdCounts('rocCurve', positive, score);
  const m = fps.length;
  let keep: number[] = Array.from({ length: m }, (_, i) => i);
  if (dropIntermediate && m > 2) {
    // collinear points add nothing to the plot or the area; sklearn drops them where the second difference is 0
    keep = [0];
    for (let i = 1; i < m - 1; i++) {
      const d2f = fps[i + 1] - 2 * fps[i] + fps[i - 1];
      const d2t = tps[i + 1] - 2 * tps[i] + tps[i - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(m - 1);
  }
  const fpTotal = m > 0 ? fps[m - 1] : 0;
  const tpTotal = m > 0 ? tps[m - 1] : 0;
  const fpr = [0];
  const tpr = [0];
  const th = [Infinity];
  for (const i of keep) {
    fpr.push(fpTotal > 0 ? fps[i] / fpTotal : NaN);
    tpr.push(tpTotal > 0 ? tps[i] / tpTotal : NaN);
    th.push(thresholds[i]);
  }
  if (fpTotal <= 0) fpr[0] = NaN;
  if (tpTotal <= 0) tpr[0] = NaN;
  return { fpr, tpr, thresholds: th };
}

/** Trapezoidal area under a monotonic curve, as sklearn.metrics.auc. */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let i = 0; i + 1 < x.length; i++) area += ((x[i + 1] - x[i]) * (y[i + 1] + y[i])) / 2;
  return area;
}

function hasBothClasses(positive: Labels): boolean {
  let pos = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i] === 1) pos++;
  return pos > 0 && pos < positive.length;
}

/** Binary ROC-AUC; ties count half, as sklearn's roc_auc_score. NaN when only one class is present. */
export function rocAucBinary(positive: Labels, score: ArrayLike<number>): number {
  if (!hasBothClasses(positive)) return NaN;
  const { fpr, tpr } = rocCurve(positive, score);
  return trapezoidArea(fpr, tpr);
}

export interface PrecisionRecallCurve {
  /** Recall decreasing, ending at precision 1 / recall 0 as sklearn's precision_recall_curve. */
  precision: number[];
  recall: number[];
  thresholds: number[];
}

export function precisionRecallCurve(positive: Labels, score: ArrayLike<number>): PrecisionRecallCurve {
  const { fps, tps, thresholds } = thresholdCounts('precisionRecallCurve', positive, score);
  const m = fps.length;
  const tpTotal = m > 0 ? tps[m - 1] : 0;
  const precisionOut: number[] = [];
  const recallOut: number[] = [];
  const th: number[] = [];
  for (let i = m - 1; i >= 0; i--) {
    precisionOut.push(ratio(tps[i], tps[i] + fps[i]));
    // sklearn sets recall to 1 when there are no positives at all
    recallOut.push(tpTotal === 0 ? 1 : tps[i] / tpTotal);
    th.push(thresholds[i]);
  }
  precisionOut.push(1);
  recallOut.push(0);
  return { precision: precisionOut, recall: recallOut, thresholds: th };
}

/**
 * Average precision (step-wise PR-AUC without interpolation), as sklearn's average_precision_score.
 * NaN when there are no positives (sklearn warns and returns 0, which would read as a terrible model).
 */
export function averagePrecisionBinary(positive: Labels, score: ArrayLike<number>): number {
  const { fps, tps } = thresholdCounts('averagePrecision', positive, score);
  const m = tps.length;
  const tpTotal = m > 0 ? tps[m - 1] : 0;
  if (tpTotal === 0) return NaN;
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < m; i++) {
    const r = tps[i] / tpTotal;
    ap += (r - prevRecall) * (tps[i] / (tps[i] + fps[i]));
    prevRecall = r;
  }
  return Math.max(0, ap);
}

/**
 * Macro average of a per-class one-vs-rest score over classes where it is defined
 * (sklearn refuses data where a class is absent from the targets; a slice often lacks one, so skip it).
 */
function macroOneVsRest(
  yTrue: Labels,
  probs: ArrayLike<number>,
  k: number,
  score: (positive: Labels, s: ArrayLike<number>) => number,
): number {
  let sum = 0;
  let count = 0;
  for (let c = 0; c < k; c++) {
    const v = score(oneVsRest(yTrue, c), column(probs, k, c));
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  }
  return count === 0 ? NaN : sum / count;
}

/** ROC-AUC from probabilities n × k: binary uses class 1's column; multiclass is macro one-vs-rest. */
export function rocAuc(yTrue: Labels, probs: ArrayLike<number>, k: number): number {
  checkProbabilities('rocAuc', yTrue, probs, k);
  if (k === 2) return rocAucBinary(oneVsRest(yTrue, 1), column(probs, 2, 1));
  return macroOneVsRest(yTrue, probs, k, rocAucBinary);
}

/** Average precision from probabilities n × k: binary uses class 1's column; multiclass is macro one-vs-rest. */
export function averagePrecision(yTrue: Labels, probs: ArrayLike<number>, k: number): number {
  checkProbabilities('averagePrecision', yTrue, probs, k);
  if (k === 2) return averagePrecisionBinary(oneVsRest(yTrue, 1), column(probs, 2, 1));
  return macroOneVsRest(yTrue, probs, k, averagePrecisionBinary);
}

// ---------------------------------------------------------------------------------------------
// Probabilistic metrics

/** Mean negative log-likelihood, probabilities clipped to [eps, 1 − eps] with float64 eps, as sklearn. */
export function logLoss(yTrue: Labels, probs: ArrayLike<number>, k: number): number {
  checkProbabilities('logLoss', yTrue, probs, k);
  const n = yTrue.length;
  if (n === 0) return NaN;
  const eps = Number.EPSILON;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(Math.max(probs[i * k + yTrue[i]], eps), 1 - eps);
    sum -= Math.log(p);
  }
  return sum / n;
}

/**
 * Brier score as sklearn's brier_score_loss: binary is mean (y − p₁)², multiclass is the mean over rows of
 * the squared distance between the one-hot target and the probability row (range 0..2).
 */
export function brierScore(yTrue: Labels, probs: ArrayLike<number>, k: number): number {
  checkProbabilities('brierScore', yTrue, probs, k);
  const n = yTrue.length;
  if (n === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (k === 2) {
      const d = (yTrue[i] === 1 ? 1 : 0) - probs[i * 2 + 1];
      sum += d * d;
      continue;
    }
    for (let c = 0; c < k; c++) {
      const d = (yTrue[i] === c ? 1 : 0) - probs[i * k + c];
      sum += d * d;
    }
  }
  return sum / n;
}

/** Uniform-bin reliability curve, as sklearn.calibration.calibration_curve(strategy="uniform"). */
export function calibrationCurve(positive: Labels, probPositive: ArrayLike<number>, nBins = 10): CalibrationCurve {
  checkSameLength('calibrationCurve', positive, probPositive, 'probabilities');
  if (!Number.isInteger(nBins) || nBins < 1) throw new Error(`calibrationCurve: nBins must be a positive integer, got ${nBins}`);
  // edges exactly as numpy.linspace(0, 1, nBins + 1) computes them, so values on an edge land in the same bin
  const step = 1 / nBins;
  const inner = Array.from({ length: nBins - 1 }, (_, i) => (i + 1) * step);
  const sums = new Float64Array(nBins);
  const trues = new Float64Array(nBins);
  const totals = new Float64Array(nBins);
  for (let i = 0; i < probPositive.length; i++) {
    const p = probPositive[i];
    if (!(p >= 0 && p <= 1)) {
      throw new Error(`calibrationCurve: probability at row ${i} is ${p}, outside [0, 1]`);
    }
    // numpy.searchsorted(side="left"): number of inner edges strictly below p
    let lo = 0;
    let hi = inner.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (inner[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    sums[lo] += p;
    trues[lo] += positive[i] === 1 ? 1 : 0;
    totals[lo]++;
  }
  const out: CalibrationCurve = { nBins, probTrue: [], probPred: [], counts: [] };
  for (let b = 0; b < nBins; b++) {
    if (totals[b] === 0) continue;
    out.probTrue.push(trues[b] / totals[b]);
    out.probPred.push(sums[b] / totals[b]);
    out.counts.push(totals[b]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Regression metrics

function checkRegression(where: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  checkSameLength(where, yTrue, yPred);
  checkFinite(where, yTrue, 'target');
  checkFinite(where, yPred, 'prediction');
}

export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkRegression('rmse', yTrue, yPred);
  if (yTrue.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += (yTrue[i] - yPred[i]) ** 2;
  return Math.sqrt(sum / yTrue.length);
}

export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkRegression('mae', yTrue, yPred);
  if (yTrue.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += Math.abs(yTrue[i] - yPred[i]);
  return sum / yTrue.length;
}

/** Coefficient of determination; for constant targets 1 if predictions are exact else 0 (sklearn's force_finite). */
export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkRegression('r2', yTrue, yPred);
  const n = yTrue.length;
  if (n === 0) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (yTrue[i] - yPred[i]) ** 2;
    ssTot += (yTrue[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

// ---------------------------------------------------------------------------------------------
// Curves for plotting

/** At most `maxPoints` evenly spaced points, always keeping the first and last. */
export function downsampleCurve(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints = 200): CurvePoints {
  const m = x.length;
  if (m <= maxPoints) return { x: Array.from(x), y: Array.from(y) };
  const out: CurvePoints = { x: [], y: [] };
  for (let j = 0; j < maxPoints; j++) {
    const i = Math.round((j * (m - 1)) / (maxPoints - 1));
    out.x.push(x[i]);
    out.y.push(y[i]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Everything at once

export interface ComputeMetricsOptions {
  /** Binary only: predict class 1 when its probability is ≥ threshold. Default: the most probable class. */
  threshold?: number;
  /** Calibration bins (default 10, as sklearn). */
  calibrationBins?: number;
  /** Cap on points per plotted curve (default 200). */
  maxCurvePoints?: number;
  /** Skip curves (slices need only the scalars). Default true. */
  curves?: boolean;
}

export function computeMetrics(
  task: 'classification',
  yTrue: Labels,
  probs: ArrayLike<number>,
  options?: ComputeMetricsOptions,
): ClassificationMetrics;
export function computeMetrics(
  task: 'regression',
  yTrue: ArrayLike<number>,
  values: ArrayLike<number>,
  options?: ComputeMetricsOptions,
): RegressionMetrics;
export function computeMetrics(
  task: MetricsTask,
  yTrue: ArrayLike<number>,
  probsOrValues: ArrayLike<number>,
  options?: ComputeMetricsOptions,
): Metrics;
export function computeMetrics(
  task: MetricsTask,
  yTrue: ArrayLike<number>,
  probsOrValues: ArrayLike<number>,
  options: ComputeMetricsOptions = {},
): Metrics {
  if (task === 'regression') {
    return {
      task,
      n: yTrue.length,
      scores: { rmse: rmse(yTrue, probsOrValues), mae: mae(yTrue, probsOrValues), r2: r2(yTrue, probsOrValues) },
    };
  }
  if (task !== 'classification') {
    throw new Error(`computeMetrics: unknown task "${String(task)}"; expected "classification" or "regression"`);
  }
  return classificationMetrics(yTrue, probsOrValues, options);
}

function classificationMetrics(yTrue: Labels, probs: ArrayLike<number>, options: ComputeMetricsOptions): ClassificationMetrics {
  const n = yTrue.length;
  if (n === 0) throw new Error('computeMetrics: no rows to evaluate; the evaluation set is empty');
  if (probs.length % n !== 0) {
    throw new Error(
      `computeMetrics: ${probs.length} probabilities for ${n} targets is not a whole number of classes per row; ` +
        'pass predict() output as row-major rows × k',
    );
  }
  const k = probs.length / n;
  checkProbabilities('computeMetrics', yTrue, probs, k);
  checkFinite('computeMetrics', probs, 'probability');
  const yPred = predictedClasses(probs, k, options.threshold);
  const binary = k === 2;
  const perClass = perClassScores(yTrue, yPred, k);
  const present = presentClasses(yTrue, yPred, k);
  const avg = (average: Average, pick: (s: ClassScores) => number) => averageScores(perClass, present, average, pick);
  const primary: Average = binary ? 'binary' : 'macro';
  const P = (s: ClassScores) => s.precision;
  const R = (s: ClassScores) => s.recall;
  const F = (s: ClassScores) => s.f1;
  const scores: Record<ClassificationMetricName, number> = {
    accuracy: accuracy(yTrue, yPred),
    precision: avg(primary, P),
    recall: avg(primary, R),
    f1: avg(primary, F),
    precision_macro: avg('macro', P),
    recall_macro: avg('macro', R),
    f1_macro: avg('macro', F),
    precision_weighted: avg('weighted', P),
    recall_weighted: avg('weighted', R),
    f1_weighted: avg('weighted', F),
    roc_auc: rocAuc(yTrue, probs, k),
    pr_auc: averagePrecision(yTrue, probs, k),
    log_loss: logLoss(yTrue, probs, k),
    brier: brierScore(yTrue, probs, k),
  };
  let curves: ClassificationCurves | null = null;
  if (binary && options.curves !== false) {
    const positive = oneVsRest(yTrue, 1);
    const p1 = column(probs, 2, 1);
    const max = options.maxCurvePoints ?? 200;
    const roc = rocCurve(positive, p1);
    const pr = precisionRecallCurve(positive, p1);
    curves = {
      roc: downsampleCurve(roc.fpr, roc.tpr, max),
      pr: downsampleCurve(pr.recall, pr.precision, max),
      calibration: calibrationCurve(positive, p1, options.calibrationBins ?? 10),
    };
  }
  return {
    task: 'classification',
    n,
    nClasses: k,
    scores,
    confusionMatrix: confusionMatrix(yTrue, yPred, k),
    perClass,
    curves,
  };
}

/**
 * One metric straight from predictions, for scoring loops (permutation importance) that would waste time
 * computing every metric and curve. Classification takes probabilities n × k, regression the values.
 */
export function scoreMetric(name: MetricName, yTrue: ArrayLike<number>, probsOrValues: ArrayLike<number>): number {
  switch (name) {
    case 'rmse':
      return rmse(yTrue, probsOrValues);
    case 'mae':
      return mae(yTrue, probsOrValues);
    case 'r2':
      return r2(yTrue, probsOrValues);
  }
  const n = yTrue.length;
  const k = n === 0 ? 0 : probsOrValues.length / n;
  checkProbabilities(`scoreMetric("${name}")`, yTrue, probsOrValues, k);
  switch (name) {
    case 'roc_auc':
      return rocAuc(yTrue, probsOrValues, k);
    case 'pr_auc':
      return averagePrecision(yTrue, probsOrValues, k);
    case 'log_loss':
      return logLoss(yTrue, probsOrValues, k);
    case 'brier':
      return brierScore(yTrue, probsOrValues, k);
  }
  const yPred = predictedClasses(probsOrValues, k);
  const primary: Average = k === 2 ? 'binary' : 'macro';
  switch (name) {
    case 'accuracy':
      return accuracy(yTrue, yPred);
    case 'precision':
      return precision(yTrue, yPred, primary);
    case 'recall':
      return recall(yTrue, yPred, primary);
    case 'f1':
      return f1(yTrue, yPred, primary);
    case 'precision_macro':
      return precision(yTrue, yPred, 'macro');
    case 'recall_macro':
      return recall(yTrue, yPred, 'macro');
    case 'f1_macro':
      return f1(yTrue, yPred, 'macro');
    case 'precision_weighted':
      return precision(yTrue, yPred, 'weighted');
    case 'recall_weighted':
      return recall(yTrue, yPred, 'weighted');
    case 'f1_weighted':
      return f1(yTrue, yPred, 'weighted');
  }
}

/** A named scalar from a Metrics object; undefined when it does not apply to the task (or was lost as null in JSON). */
export function metricValue(metrics: Metrics, name: MetricName): number | undefined {
  const v = (metrics.scores as Partial<Record<MetricName, number>>)[name];
  return typeof v === 'number' ? v : undefined;
}
