/**
 * The rows a search scores each candidate on, all inside the training split (the test split is the
 * evaluation's): one holdout, or k folds (see CvSpec in spec.ts).
 */
import { holdoutSplit, rowsByClass, type Holdout } from './holdout';
import { matrix, type Matrix } from './matrix';
import { scoreMetric, type MetricName } from './metrics';
import type { Model } from './model';
import type { Rng } from './random';
import { AUTO_CV_FOLDS, AUTO_CV_MAX_ROWS, ModelInputError, type CvSpec } from './spec';

/** The fraction held out by cv "holdout". */
export const SEARCH_HOLDOUT = 0.2;

/** The number of folds `cv` means for n training rows; 1 means the single holdout. */
export function foldCount(cv: CvSpec | undefined, n: number): number {
  if (cv === undefined || cv === 'holdout') return 1;
  if (cv === 'auto') return n < AUTO_CV_MAX_ROWS ? AUTO_CV_FOLDS : 1;
  return cv;
}

/**
 * The train/validation parts of n rows for `cv`. k-fold assigns each row to one fold; with `strata` (class
 * indices) each class is shuffled and dealt round-robin over the folds, so every fold keeps the class shares
 * (sklearn's StratifiedKFold up to the shuffle). Indices in each part are ascending. Seeded by `rng`.
 */
export function validationFolds(n: number, cv: CvSpec | undefined, rng: Rng, strata?: Float64Array): Holdout[] {
  const k = foldCount(cv, n);
  if (k === 1) return [holdoutSplit(n, SEARCH_HOLDOUT, rng, strata)];
  if (n < 2 * k) throw new ModelInputError(`cannot cross-validate ${n} training rows in ${k} folds: each fold needs at least 2 rows (use fewer folds, cv: "holdout", or more data)`);
  const fold = new Int32Array(n);
  if (!strata) {
    const perm = rng.permutation(n);
    for (let i = 0; i < n; i++) fold[perm[i]] = i % k;
  } else {
    const groups = rowsByClass(strata, n);
    // Continue the deal across classes, so small classes do not all land in fold 0 and the fold sizes differ by at most one.
    let next = 0;
    for (const key of [...groups.keys()].sort((a, b) => a - b)) {
      for (const row of rng.shuffle(groups.get(key)!)) fold[row] = next++ % k;
    }
  }
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[fold[i]]++;
  return Array.from({ length: k }, (_, f) => {
    const train = new Int32Array(n - sizes[f]);
    const validation = new Int32Array(sizes[f]);
    let t = 0;
    let v = 0;
    for (let i = 0; i < n; i++) {
      if (fold[i] === f) validation[v++] = i;
      else train[t++] = i;
    }
    return { train, validation };
  });
}

/** The mean of the fold scores that could be computed (a fold missing a class has no AUC); NaN if none could. */
export function meanScore(scores: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (const s of scores) {
    if (Number.isNaN(s)) continue;
    sum += s;
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

/** The rows `rows` of X and y, copied (a fold's part). */
export function takeRows(X: Matrix, y: Float64Array, rows: Int32Array): { X: Matrix; y: Float64Array } {
  const cols = X.cols;
  const data = new Float64Array(rows.length * cols);
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    data.set(X.data.subarray(rows[i] * cols, rows[i] * cols + cols), i * cols);
    out[i] = y[rows[i]];
  }
  return { X: matrix(rows.length, cols, data), y: out };
}

export interface CandidateScore {
  /** meanScore of the folds (the holdout's score when there is one part). */
  score: number;
  /** Per part, in fold order. */
  foldScores: number[];
}

/**
 * Scores one model on every part of `folds`: fit on the part's training rows, score `metric` on its validation
 * rows. `fit` is how the caller fits (the pipeline on a training thread, a script in process), so the
 * scoring is the same wherever it runs.
 */
export async function crossValidate(
  X: Matrix,
  y: Float64Array,
  folds: readonly Holdout[],
  metric: MetricName,
  fit: (X: Matrix, y: Float64Array, fold: number) => Promise<Model> | Model,
): Promise<CandidateScore> {
  const foldScores: number[] = [];
  for (const [f, fold] of folds.entries()) {
    const fitPart = takeRows(X, y, fold.train);
    const valPart = takeRows(X, y, fold.validation);
    const model = await fit(fitPart.X, fitPart.y, f);
    foldScores.push(scoreMetric(metric, valPart.y, model.predict(valPart.X)));
  }
  return { score: meanScore(foldScores), foldScores };
}
