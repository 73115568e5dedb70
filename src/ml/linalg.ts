/** Small dense linear algebra on row-major Float64Arrays, enough for normal equations. */

/**
 * In-place Cholesky factorisation A = L L^T of a symmetric p x p matrix (lower triangle read and
 * overwritten with L). Returns false if A is not (numerically) positive definite.
 */
export function choleskyInPlace(A: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    let diag = A[j * p + j];
    for (let k = 0; k < j; k++) diag -= A[j * p + k] * A[j * p + k];
    // Relative threshold: a pivot that is rounding noise compared with the original diagonal means
    // the columns are linearly dependent, and dividing by it would produce huge meaningless weights.
    if (!(diag > 1e-13 * Math.abs(A[j * p + j])) || diag <= 0) return false;
    const ljj = Math.sqrt(diag);
    A[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j];
      for (let k = 0; k < j; k++) s -= A[i * p + k] * A[j * p + k];
      A[i * p + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L L^T x = b given the factor from choleskyInPlace; returns a new array. */
export function choleskySolve(L: Float64Array, p: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * x[k];
    x[i] = s / L[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * x[k];
    x[i] = s / L[i * p + i];
  }
  return x;
}

/**
 * Minimum-norm solution of G w = b for a symmetric positive semi-definite G (full p x p, row-major),
 * i.e. w = pinv(G) b: what least squares returns when features are collinear (duplicated columns,
 * a full one-hot encoding plus intercept, constant columns).
 *
 * Diagonal-pivoted Cholesky finds G ~= R R^T with R of full column rank r, stopping when the remaining
 * diagonal falls below `relTol` times the largest original diagonal (those directions are rounding noise).
 * Then pinv(G) = R (R^T R)^-2 R^T.
 */
export function minNormSolve(G: Float64Array, p: number, b: Float64Array, relTol = 1e-12): { x: Float64Array; rank: number } {
  const d = new Float64Array(p);
  let maxDiag = 0;
  for (let i = 0; i < p; i++) {
    d[i] = G[i * p + i];
    if (d[i] > maxDiag) maxDiag = d[i];
  }
  const perm = Int32Array.from({ length: p }, (_, i) => i);
  // R[i * p + k]: row i (original feature order), column k (k-th pivot).
  const R = new Float64Array(p * p);
  let rank = 0;
  for (let k = 0; k < p; k++) {
    let j = k;
    for (let i = k + 1; i < p; i++) if (d[perm[i]] > d[perm[j]]) j = i;
    if (!(d[perm[j]] > relTol * maxDiag)) break;
    const t = perm[k];
    perm[k] = perm[j];
    perm[j] = t;
    const piv = perm[k];
    const lkk = Math.sqrt(d[piv]);
    R[piv * p + k] = lkk;
    for (let i = k + 1; i < p; i++) {
      const row = perm[i];
      let s = G[row * p + piv];
      for (let m = 0; m < k; m++) s -= R[row * p + m] * R[piv * p + m];
      const v = s / lkk;
      R[row * p + k] = v;
      d[row] -= v * v;
    }
    rank = k + 1;
  }

  const x = new Float64Array(p);
  if (rank === 0) return { x, rank };
  const r = rank;
  const M = new Float64Array(r * r);
  const u = new Float64Array(r);
  for (let a = 0; a < r; a++) {
    for (let i = 0; i < p; i++) u[a] += R[i * p + a] * b[i];
    for (let c = 0; c <= a; c++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += R[i * p + a] * R[i * p + c];
      M[a * r + c] = s;
      M[c * r + a] = s;
    }
  }
  if (!choleskyInPlace(M, r)) throw new Error('minNormSolve: reduced system is not positive definite');
  const v = choleskySolve(M, r, choleskySolve(M, r, u));
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let a = 0; a < r; a++) s += R[i * p + a] * v[a];
    x[i] = s;
  }
  return { x, rank };
}
