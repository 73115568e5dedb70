/**
 * Statistics of one feature: its reference profile against the accumulated window. No thresholds here —
 * ./policy decides what counts as drift.
 */
import { ksPValue, ksStatistic, type KsMethod } from './ks';
import { chi2Contingency, jensenShannon, psi } from './stats';
import type { CategoricalWindowState, NumericWindowState, WindowFeatureState } from './window';

export interface FeatureStats {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Non-missing window values the statistics are based on. */
  count: number;
  nullRate: number;
  referenceNullRate: number;
  /** PSI on the reference bins / levels; null when either side has no values. */
  psi: number | null;
  /** Jensen–Shannon distance (base 2) on the same bins / levels. */
  js: number | null;
  ks?: number;
  ksPValue?: number;
  ksMethod?: KsMethod;
  /** Window values in the KS sample (capped by the accumulator's sampleCap). */
  ksSampleSize?: number;
  /** True when the reference KS summary held the whole reference (KS identical to SciPy on full data). */
  ksReferenceExact?: boolean;
  chi2?: number;
  chi2PValue?: number;
  /** (window mean − reference mean) / reference std. */
  meanShiftStd?: number;
}

/** The statistics every feature has; `comparable` is false when either side has no values. */
function baseStats(s: NumericWindowState | CategoricalWindowState, kind: FeatureStats['kind']): { out: FeatureStats; comparable: boolean } {
  const p = s.profile;
  const count = s.rows - s.nullCount;
  const out: FeatureStats = { name: p.name, kind, count, nullRate: s.rows > 0 ? s.nullCount / s.rows : 0, referenceNullRate: p.nullRate, psi: null, js: null };
  return { out, comparable: count > 0 && p.rows - p.nullCount > 0 };
}

function numericStats(s: NumericWindowState): FeatureStats {
  const p = s.profile;
  const { out, comparable } = baseStats(s, 'numeric');
  if (!comparable) return out;
  const count = out.count;
  out.psi = psi(p.binCounts, s.binCounts);
  out.js = jensenShannon(p.binCounts, s.binCounts);
  const sample = s.reservoir.sortedSample();
  const d = ksStatistic({ values: p.ks.values, counts: p.ks.counts }, { values: sample });
  const ks = ksPValue(d, p.ks.n, sample.length);
  out.ks = ks.statistic;
  out.ksPValue = ks.pValue;
  out.ksMethod = ks.method;
  out.ksSampleSize = sample.length;
  out.ksReferenceExact = p.ks.exact;
  if (p.mean !== null && p.std !== null && p.std > 0) out.meanShiftStd = (s.sum / count - p.mean) / p.std;
  return out;
}

function categoricalStats(s: CategoricalWindowState): FeatureStats {
  const p = s.profile;
  const { out, comparable } = baseStats(s, 'categorical');
  if (!comparable) return out;
  out.psi = psi(p.counts, s.counts);
  out.js = jensenShannon(p.counts, s.counts);
  const chi2 = chi2Contingency(p.counts, s.counts);
  out.chi2 = chi2.statistic;
  out.chi2PValue = chi2.pValue;
  return out;
}

export function featureStats(state: WindowFeatureState): FeatureStats {
  return state.kind === 'numeric' ? numericStats(state) : categoricalStats(state);
}
