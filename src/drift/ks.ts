/**
 * Two-sample Kolmogorov–Smirnov test, matching scipy.stats.ks_2samp(a, b, alternative='two-sided',
 * method='auto') (SciPy 1.17):
 * - statistic: max |ECDF_a − ECDF_b| evaluated at every observed value (ties handled like searchsorted 'right');
 * - 'auto': exact when max(n1, n2) <= 10000, where the statistic is snapped to h / lcm(n1, n2) and the
 *   p-value counts lattice paths (Hodges; Viehmann's inside method for n1 ≠ n2); otherwise asymptotic,
 *   which in SciPy means kstwo.sf(d, round(n1·n2 / (n1 + n2))) — not the limiting Kolmogorov law.
 *   As in SciPy, an exact computation that fails (overflow, probability outside [0, 1]) falls back to asymp.
 *
 * The reference side may be weighted (a profile's quantile summary): `ksStatistic` accepts per-value counts,
 * and `ksPValue` takes the sample sizes separately so the p-value can use the true reference size.
 */
import { kstwoSf } from './kolmogorov';

/** SciPy's MAX_AUTO_N: 'auto' uses the exact distribution when both samples are at most this size. */
export const KS_MAX_EXACT_N = 10_000;

export type KsMethod = 'exact' | 'asymp';

export interface KsResult {
  statistic: number;
  pValue: number;
  method: KsMethod;
}

/** A sorted sample, optionally weighted: value i stands for counts[i] observations. */
export interface SortedSample {
  values: ArrayLike<number>;
  /** Per-value multiplicities; omitted means 1 each. */
  counts?: ArrayLike<number>;
}

function totalWeight(s: SortedSample): number {
  if (!s.counts) return s.values.length;
  let t = 0;
  for (let i = 0; i < s.counts.length; i++) t += s.counts[i];
  return t;
}

/**
 * max |F_a − F_b| over all observed values, both inputs sorted ascending without NaN.
 * F is the right-continuous ECDF (count of values <= x over total), as SciPy's searchsorted(side='right').
 */
export function ksStatistic(a: SortedSample, b: SortedSample): number {
  const na = a.values.length;
  const nb = b.values.length;
  const wa = totalWeight(a);
  const wb = totalWeight(b);
  if (na === 0 || nb === 0 || wa <= 0 || wb <= 0) {
    throw new Error('ksStatistic: both samples must be non-empty (SciPy raises on empty data too)');
  }
  const av = a.values;
  const bv = b.values;
  const ac = a.counts;
  const bc = b.counts;
  let i = 0;
  let j = 0;
  let ca = 0;
  let cb = 0;
  let maxDiff = -Infinity;
  let minDiff = Infinity;
  while (i < na || j < nb) {
    const x = j >= nb || (i < na && av[i] <= bv[j]) ? av[i] : bv[j];
    for (; i < na && av[i] === x; i++) ca += ac ? ac[i] : 1;
    for (; j < nb && bv[j] === x; j++) cb += bc ? bc[j] : 1;
    // Same arithmetic as SciPy (count/n − count/n) so the statistic agrees to the last bit when unweighted.
    const diff = ca / wa - cb / wb;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(Math.max(-minDiff, 0), 1);
  return minS > maxDiff ? minS : maxDiff;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** numpy.round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** P(D_{n,n} >= h/n): proportion of paths outside the band, Horner form to avoid cancellation. */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * Proportion of lattice paths (0,0)→(m,n) that leave the band |x/m − y/n| < h/lcm; Viehmann's recursion
 * computes it directly (not as 1 − inside), so small p-values keep their relative accuracy.
 */
function probOutsideInsideMethod(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/** Exact two-sided p-value, or null where SciPy would give up and fall back to asymp. */
function exactPValue(n1: number, n2: number, d: number): { d: number; p: number } | null {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { d: snapped, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideInsideMethod(n1, n2, g, h);
  if (!Number.isFinite(p) || p < 0 || p > 1) return null;
  return { d: snapped, p };
}

/**
 * Two-sided p-value for statistic `d` between samples of sizes n1 and n2, choosing the method like
 * ks_2samp(method='auto'). In exact mode the returned statistic is d snapped to the lattice h/lcm(n1, n2).
 */
export function ksPValue(d: number, n1: number, n2: number): KsResult {
  if (!(Number.isInteger(n1) && Number.isInteger(n2) && n1 > 0 && n2 > 0)) {
    throw new Error(`ksPValue: sample sizes must be positive integers, got n1=${n1}, n2=${n2}`);
  }
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const exact = exactPValue(n1, n2, d);
    if (exact) return { statistic: exact.d, pValue: Math.min(Math.max(exact.p, 0), 1), method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  const p = kstwoSf(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: 'asymp' };
}

/** scipy.stats.ks_2samp(a, b) for plain arrays (NaN-free); sorts copies, leaves the inputs alone. */
export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  const d = ksStatistic({ values: sa }, { values: sb });
  return ksPValue(d, sa.length, sb.length);
}
