/**
 * Drift statistics on binned / categorical counts, each matching its SciPy (or standard numpy) definition.
 * The KS test lives in ./ks and is re-exported here so callers have one place to import statistics from.
 */
import { chi2Sf } from './gamma';

export { ks2samp, ksPValue, ksStatistic, KS_MAX_EXACT_N } from './ks';
export type { KsMethod, KsResult, SortedSample } from './ks';

/**
 * Floor for a bin proportion that is exactly zero. Without it one empty bin makes PSI infinite; 1e-4 is the
 * convention of Evidently and most PSI write-ups. Only zero proportions are replaced and nothing is
 * renormalised, so PSI is unchanged whenever every bin is populated.
 */
export const PSI_EPSILON = 1e-4;

function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

/**
 * Population stability index Σ (c_i − r_i)·ln(c_i / r_i) over bin proportions r (reference) and c (current).
 * Counts are normalised here; zero proportions become `epsilon` (see PSI_EPSILON).
 */
export function psi(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>, epsilon = PSI_EPSILON): number {
  if (referenceCounts.length !== currentCounts.length) {
    throw new Error(`psi: reference has ${referenceCounts.length} bins but current has ${currentCounts.length}; both must use the same bins`);
  }
  const rt = sum(referenceCounts);
  const ct = sum(currentCounts);
  if (!(rt > 0) || !(ct > 0)) {
    throw new Error(`psi: both count vectors need a positive total (reference ${rt}, current ${ct})`);
  }
  let total = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    let r = referenceCounts[i] / rt;
    let c = currentCounts[i] / ct;
    if (r === 0) r = epsilon;
    if (c === 0) c = epsilon;
    total += (c - r) * Math.log(c / r);
  }
  return total;
}

export interface Chi2Result {
  statistic: number;
  pValue: number;
  dof: number;
}

/**
 * Chi-square test of homogeneity on the 2×k table [reference; current], as scipy.stats.chi2_contingency
 * with its default correction=True: Yates' continuity correction applies only when dof == 1 (k == 2), and
 * k == 1 gives statistic 0, p = 1.
 *
 * Difference from SciPy: categories absent from both rows are dropped first (SciPy raises on the zero
 * expected frequency); this cannot change the statistic, only the dof SciPy would refuse to compute.
 */
export function chi2Contingency(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  correction = true,
): Chi2Result {
  if (referenceCounts.length !== currentCounts.length) {
    throw new Error(`chi2Contingency: reference has ${referenceCounts.length} categories but current has ${currentCounts.length}`);
  }
  const obs: [number[], number[]] = [[], []];
  for (let i = 0; i < referenceCounts.length; i++) {
    const r = referenceCounts[i];
    const c = currentCounts[i];
    if (r < 0 || c < 0 || !Number.isFinite(r) || !Number.isFinite(c)) {
      throw new Error(`chi2Contingency: counts must be finite and non-negative, got ${r} / ${c} at category ${i}`);
    }
    if (r + c > 0) {
      obs[0].push(r);
      obs[1].push(c);
    }
  }
  const k = obs[0].length;
  const rowTotals = [sum(obs[0]), sum(obs[1])];
  if (rowTotals[0] === 0 || rowTotals[1] === 0) {
    throw new Error(`chi2Contingency: the ${rowTotals[0] === 0 ? 'reference' : 'current'} row has no counts; there is nothing to compare`);
  }
  const total = rowTotals[0] + rowTotals[1];
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof: 0 };
  let stat = 0;
  for (let j = 0; j < k; j++) {
    const colTotal = obs[0][j] + obs[1][j];
    for (let r = 0; r < 2; r++) {
      const expected = (rowTotals[r] * colTotal) / total;
      let o = obs[r][j];
      if (dof === 1 && correction) {
        // Yates: move each cell 0.5 towards its expectation, never past it (SciPy gh-13875).
        const diff = expected - o;
        o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      stat += ((o - expected) * (o - expected)) / expected;
    }
  }
  return { statistic: stat, pValue: chi2Sf(stat, dof), dof };
}

/** x·ln(x/y) with the conventions of scipy.special.rel_entr. */
function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/**
 * Jensen–Shannon distance in base 2, as scipy.spatial.distance.jensenshannon(p, q, base=2): inputs are
 * normalised, the result is sqrt(JS divergence) and lies in [0, 1] (0 = identical, 1 = disjoint supports).
 * Base 2 is chosen so thresholds read on a fixed 0..1 scale. Empty bins need no epsilon.
 */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) {
    throw new Error(`jensenShannon: distributions have ${p.length} and ${q.length} entries; they must align`);
  }
  const ps = sum(p);
  const qs = sum(q);
  if (!(ps > 0) || !(qs > 0)) {
    throw new Error(`jensenShannon: both distributions need a positive total (got ${ps} and ${qs})`);
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / ps;
    const qi = q[i] / qs;
    const m = (pi + qi) / 2;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  const js = (left + right) / Math.LN2;
  return Math.sqrt(Math.max(js, 0) / 2);
}
