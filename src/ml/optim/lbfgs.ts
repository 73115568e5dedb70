/**
 * Limited-memory BFGS for smooth unconstrained minimisation, with a strong-Wolfe line search
 * (Nocedal & Wright, Numerical Optimization, 2nd ed., algorithms 7.4, 3.5 and 3.6).
 *
 * Stopping rules mirror scipy's L-BFGS-B as sklearn calls it, so a given `gtol` means the same thing:
 * stop when max_i |grad_i| <= gtol, or when the relative decrease of f falls to ftol.
 */

/** Writes the gradient at x into grad and returns f(x). Must not keep references to x or grad. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations?: number;
  /** Converged when the largest absolute gradient component is at most this. */
  gtol?: number;
  /** Converged when (f_prev - f) / max(|f_prev|, |f|, 1) <= ftol. */
  ftol?: number;
  /** Number of correction pairs kept. */
  memory?: number;
  /** Function evaluations allowed per line search. */
  maxLineSearch?: number;
  onIteration?: (iteration: number, f: number, gradMax: number) => void;
}

export type LbfgsStop = 'gradient' | 'function' | 'max_iterations' | 'line_search';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  grad: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: LbfgsStop;
}

const C1 = 1e-4;
const C2 = 0.9;

export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 1000;
  const gtol = options.gtol ?? 1e-6;
  const ftol = options.ftol ?? 64 * Number.EPSILON;
  const m = options.memory ?? 10;
  const maxLineSearch = options.maxLineSearch ?? 50;
  const n = x0.length;

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let evaluations = 1;
  let f = objective(x, g);
  if (!Number.isFinite(f)) throw new Error(`L-BFGS: objective is ${f} at the starting point`);

  // Ring buffer of the last m (s, y) pairs.
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alphaBuf = new Float64Array(m);
  let stored = 0;
  let head = 0;
  let gamma = 1;

  const d = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const search = new LineSearch(objective, n, maxLineSearch);

  let iteration = 0;
  let reason: LbfgsStop = 'max_iterations';
  if (maxAbs(g) <= gtol) {
    return { x, f, grad: g, iterations: 0, evaluations, converged: true, reason: 'gradient' };
  }

  while (iteration < maxIterations) {
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let k = 0; k < stored; k++) {
      const idx = (head - 1 - k + m) % m;
      const a = rho[idx] * dot(S[idx], d);
      alphaBuf[idx] = a;
      axpy(-a, Y[idx], d);
    }
    for (let i = 0; i < n; i++) d[i] *= gamma;
    for (let k = stored - 1; k >= 0; k--) {
      const idx = (head - 1 - k + m) % m;
      const b = rho[idx] * dot(Y[idx], d);
      axpy(alphaBuf[idx] - b, S[idx], d);
    }

    let dg = dot(d, g);
    if (!(dg < 0)) {
      // The quasi-Newton model lost positive-definiteness (rounding): restart from steepest descent.
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dg = dot(d, g);
      stored = 0;
      gamma = 1;
    }
    // Without curvature information the natural step is unknown; a unit-length first move is a safe scale.
    const step0 = stored === 0 ? Math.min(1, 1 / Math.sqrt(-dg)) : 1;

    const found = search.run(x, f, d, dg, step0, xNew, gNew);
    evaluations += search.evaluations;
    if (!found) {
      reason = 'line_search';
      break;
    }
    const fNew = search.f;
    iteration++;

    // Store the correction pair if it carries positive curvature (keeps H positive definite).
    const s = S[head];
    const yv = Y[head];
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      yv[i] = gNew[i] - g[i];
    }
    const sy = dot(s, yv);
    const yy = dot(yv, yv);
    if (sy > Number.EPSILON * yy && yy > 0) {
      rho[head] = 1 / sy;
      gamma = sy / yy;
      head = (head + 1) % m;
      stored = Math.min(stored + 1, m);
    }

    const fPrev = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fNew;
    const gMax = maxAbs(g);
    options.onIteration?.(iteration, f, gMax);

    if (gMax <= gtol) {
      reason = 'gradient';
      break;
    }
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol) {
      reason = 'function';
      break;
    }
  }

  return {
    x,
    f,
    grad: g,
    iterations: iteration,
    evaluations,
    converged: reason === 'gradient' || reason === 'function',
    reason,
  };
}

/**
 * Strong-Wolfe line search. Holds its scratch state so the optimiser does not allocate per iteration.
 * On success the accepted point is in xOut/gOut and its value in `f`.
 */
class LineSearch {
  f = 0;
  evaluations = 0;
  private readonly xTmp: Float64Array;
  private readonly gTmp: Float64Array;

  constructor(
    private readonly objective: Objective,
    n: number,
    private readonly maxEvaluations: number,
  ) {
    this.xTmp = new Float64Array(n);
    this.gTmp = new Float64Array(n);
  }

  private evaluate(x: Float64Array, d: Float64Array, step: number, xOut: Float64Array, gOut: Float64Array): number {
    for (let i = 0; i < x.length; i++) xOut[i] = x[i] + step * d[i];
    this.evaluations++;
    return this.objective(xOut, gOut);
  }

  run(
    x: Float64Array,
    f0: number,
    d: Float64Array,
    dg0: number,
    step0: number,
    xOut: Float64Array,
    gOut: Float64Array,
  ): boolean {
    this.evaluations = 0;
    let stepPrev = 0;
    let fPrev = f0;
    let dgPrev = dg0;
    let step = step0;

    while (this.evaluations < this.maxEvaluations) {
      const fNew = this.evaluate(x, d, step, xOut, gOut);
      const dgNew = dot(gOut, d);
      if (!Number.isFinite(fNew) || fNew > f0 + C1 * step * dg0 || (this.evaluations > 1 && fNew >= fPrev)) {
        return this.zoom(x, f0, dg0, d, stepPrev, fPrev, dgPrev, step, fNew, dgNew, xOut, gOut);
      }
      if (Math.abs(dgNew) <= -C2 * dg0) {
        this.f = fNew;
        return true;
      }
      if (dgNew >= 0) {
        return this.zoom(x, f0, dg0, d, step, fNew, dgNew, stepPrev, fPrev, dgPrev, xOut, gOut);
      }
      stepPrev = step;
      fPrev = fNew;
      dgPrev = dgNew;
      step *= 2.5;
    }
    return false;
  }

  /** Narrows [lo, hi] (lo always satisfies sufficient decrease) until the strong Wolfe conditions hold. */
  private zoom(
    x: Float64Array,
    f0: number,
    dg0: number,
    d: Float64Array,
    lo: number,
    fLo: number,
    dgLo: number,
    hi: number,
    fHi: number,
    dgHi: number,
    xOut: Float64Array,
    gOut: Float64Array,
  ): boolean {
    while (this.evaluations < this.maxEvaluations) {
      let step = Number.isFinite(fHi) ? cubicMinimizer(lo, fLo, dgLo, hi, fHi, dgHi) : NaN;
      const width = Math.abs(hi - lo);
      // Keep trial steps away from the bracket ends so the bracket shrinks geometrically.
      if (!Number.isFinite(step) || step < Math.min(lo, hi) + 0.1 * width || step > Math.max(lo, hi) - 0.1 * width) {
        step = (lo + hi) / 2;
      }
      const fNew = this.evaluate(x, d, step, xOut, gOut);
      const dgNew = dot(gOut, d);
      if (!Number.isFinite(fNew) || fNew > f0 + C1 * step * dg0 || fNew >= fLo) {
        hi = step;
        fHi = fNew;
        dgHi = dgNew;
      } else {
        if (Math.abs(dgNew) <= -C2 * dg0) {
          this.f = fNew;
          return true;
        }
        if (dgNew * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dgHi = dgLo;
        }
        lo = step;
        fLo = fNew;
        dgLo = dgNew;
      }
      if (Math.abs(hi - lo) <= 1e-16 * Math.max(1, Math.abs(lo))) break;
    }
    // Budget exhausted: a step with sufficient decrease is still progress, so accept it.
    if (lo > 0 && fLo < f0) {
      this.f = this.evaluate(x, d, lo, xOut, gOut);
      return true;
    }
    return false;
  }
}

/** Minimiser of the cubic interpolating f and f' at a and b (NaN if it has none). */
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || v !== v) m = v;
  }
  return m;
}
