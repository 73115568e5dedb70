/**
 * The blessing decision: does a candidate pass its gates, its fairness limits and beat the champion?
 * Every check leaves a readable reason, so a refused model says exactly why.
 * Undefined values (NaN, or null after JSON) fail: a gate that cannot be checked must not pass.
 */
import { higherIsBetter, type MetricName, type Metrics } from '../ml/metrics';
import type { FairnessGap } from './slices';
import type { EvaluationSpec } from './spec';

export { evaluationSpecSchema, parseEvaluationSpec, checkSpecForTask } from './spec';
export type { EvaluationSpec, Gate } from './spec';

/** Metrics plus, when the spec sets fairness limits, the gaps of each sliced column. */
export interface GateSubject {
  metrics: Metrics;
  fairness?: Array<{ column: string; gap: FairnessGap | null }>;
}

export interface Decision {
  blessed: boolean;
  reasons: string[];
}

const PASS = '✓';
const FAIL = '✗';
/** Differences of metrics pick up rounding (0.96 − 0.95 = 0.00999…); don't refuse a model over that. */
const EPS = 1e-12;

export function defaultPrimaryMetric(metrics: Metrics): MetricName {
  return defaultPrimaryMetricFor(metrics.task === 'regression' ? 'regression' : metrics.nClasses === 2 ? 'binary' : 'multiclass');
}

/** The primary metric when a spec names none: roc_auc (binary), f1_macro (multiclass), rmse (regression). */
export function defaultPrimaryMetricFor(kind: 'binary' | 'multiclass' | 'regression'): MetricName {
  return kind === 'regression' ? 'rmse' : kind === 'binary' ? 'roc_auc' : 'f1_macro';
}

export function decide(candidate: Metrics | GateSubject, champion: Metrics | GateSubject | null, spec: EvaluationSpec): Decision {
  const cand = asSubject(candidate);
  const checks: Array<{ ok: boolean; reason: string }> = [];
  // The primary metric is what approvers and the champion rule compare: a candidate without one is never
  // blessed, gates or not (a test split with one class has no ROC-AUC).
  const primaryName = spec.primaryMetric ?? defaultPrimaryMetric(cand.metrics);
  const primary = valueOf(cand.metrics, primaryName);
  const gated = (spec.gates ?? []).some((g) => g.metric === primaryName);
  if ('missing' in primary && !gated) checks.push({ ok: false, reason: `${primary.missing}: not blessed ${FAIL}` });
  for (const gate of spec.gates ?? []) checks.push(...checkGate(cand.metrics, gate.metric, gate.min, gate.max));
  if (spec.fairness) checks.push(...checkFairness(cand, spec.fairness));
  if (spec.champion) {
    const primary = spec.primaryMetric ?? defaultPrimaryMetric(cand.metrics);
    checks.push(checkChampion(cand.metrics, champion ? asSubject(champion).metrics : null, primary, spec.champion.mustBeatBy ?? 0));
  }
  if (checks.length === 0) return { blessed: true, reasons: [`no gates, fairness limits or champion rule configured ${PASS}`] };
  return { blessed: checks.every((c) => c.ok), reasons: checks.map((c) => c.reason) };
}

function asSubject(x: Metrics | GateSubject): GateSubject {
  return 'task' in x ? { metrics: x } : x;
}

function valueOf(metrics: Metrics, name: MetricName): { value: number } | { missing: string } {
  const raw: unknown = (metrics.scores as Record<string, unknown>)[name];
  if (raw === undefined) return { missing: `${name} does not apply to a ${metrics.task} model` };
  // NaN, or null once NaN has been through JSON
  if (typeof raw !== 'number' || Number.isNaN(raw)) return { missing: `${name} undefined (${whyUndefined(metrics)})` };
  return { value: raw };
}

/** The usual reason a metric cannot be computed on a test split, said in the split's terms. */
function whyUndefined(metrics: Metrics): string {
  if (metrics.n === 0) return 'the test split is empty';
  if (metrics.task === 'classification') {
    const present = (metrics.confusionMatrix ?? []).filter((row) => row.reduce((a, b) => a + b, 0) > 0).length;
    if (present < 2) return 'the test split has only one class; use more data or a stratified split';
    if (present < metrics.nClasses) return `the test split has only ${present} of the ${metrics.nClasses} classes; use more data or a stratified split`;
  } else if (metrics.n < 2) {
    return 'the test split has fewer than 2 rows';
  }
  return `it cannot be computed on this test split of ${metrics.n} rows`;
}

function checkGate(metrics: Metrics, name: MetricName, min?: number, max?: number): Array<{ ok: boolean; reason: string }> {
  const got = valueOf(metrics, name);
  if ('missing' in got) return [{ ok: false, reason: `${got.missing} ${FAIL}` }];
  const v = got.value;
  const out: Array<{ ok: boolean; reason: string }> = [];
  if (min !== undefined) {
    const [a, b] = formatPair(v, min);
    out.push(v >= min ? { ok: true, reason: `${name} ${a} ≥ min ${b} ${PASS}` } : { ok: false, reason: `${name} ${a} < min ${b} ${FAIL}` });
  }
  if (max !== undefined) {
    const [a, b] = formatPair(v, max);
    out.push(v <= max ? { ok: true, reason: `${name} ${a} ≤ max ${b} ${PASS}` } : { ok: false, reason: `${name} ${a} > max ${b} ${FAIL}` });
  }
  return out;
}

function checkFairness(cand: GateSubject, limits: NonNullable<EvaluationSpec['fairness']>): Array<{ ok: boolean; reason: string }> {
  const rules: Array<{ limit: number | undefined; label: string; pick: (g: FairnessGap) => number; who: (g: FairnessGap) => FairnessGap['demographicParity'] }> = [
    { limit: limits.maxDemographicParityDiff, label: 'demographic parity difference', pick: (g) => g.demographicParityDiff, who: (g) => g.demographicParity },
    { limit: limits.maxEqualOpportunityDiff, label: 'equal opportunity difference', pick: (g) => g.equalOpportunityDiff, who: (g) => g.equalOpportunity },
  ];
  const active = rules.filter((r) => r.limit !== undefined);
  if (active.length === 0) return [];
  if (!cand.fairness || cand.fairness.length === 0) {
    return [{ ok: false, reason: `fairness limits are set but no slice fairness was computed; list columns in evaluation.slices ${FAIL}` }];
  }
  const out: Array<{ ok: boolean; reason: string }> = [];
  for (const { column, gap } of cand.fairness) {
    for (const rule of active) {
      const limit = rule.limit!;
      const v = gap ? rule.pick(gap) : NaN;
      if (!gap || typeof v !== 'number' || Number.isNaN(v)) {
        const why = gap ? 'fewer than 2 slices are large enough (or contain positives) to compare' : 'it is only defined for binary classification';
        out.push({ ok: false, reason: `${rule.label} on "${column}" cannot be computed: ${why} ${FAIL}` });
        continue;
      }
      const [a, b] = formatPair(v, limit);
      const extremes = rule.who(gap);
      const between = extremes ? ` between "${extremes.highest}" and "${extremes.lowest}"` : '';
      out.push(
        v <= limit
          ? { ok: true, reason: `${rule.label} on "${column}" ${a} ≤ max ${b}${between} ${PASS}` }
          : { ok: false, reason: `${rule.label} on "${column}" ${a} > max ${b}${between} ${FAIL}` },
      );
    }
  }
  return out;
}

function checkChampion(cand: Metrics, champ: Metrics | null, name: MetricName, mustBeatBy: number): { ok: boolean; reason: string } {
  if (!champ) return { ok: true, reason: `no champion yet: nothing to beat on ${name} ${PASS}` };
  const c = valueOf(cand, name);
  if ('missing' in c) return { ok: false, reason: `cannot compare with champion: ${c.missing} ${FAIL}` };
  const h = valueOf(champ, name);
  if ('missing' in h) return { ok: true, reason: `champion has no usable ${name} (${h.missing}); nothing to beat ${PASS}` };
  const gain = higherIsBetter(name) ? c.value - h.value : h.value - c.value;
  const [a, b] = formatPair(c.value, h.value);
  const margin = formatNumber(mustBeatBy);
  const head = `candidate ${name} ${a} vs champion ${b}`;
  if (gain + EPS >= mustBeatBy) {
    return { ok: true, reason: `${head}: beats champion by ${formatNumber(gain)} (needs ${margin}) ${PASS}` };
  }
  return { ok: false, reason: `${head}: does not beat champion by ${margin} ${FAIL}` };
}

/** Up to 3 decimals, at least 2: 0.981, 0.90, 0.71, 1523.20. */
export function formatNumber(v: number, decimals = 3): string {
  if (!Number.isFinite(v)) return String(v);
  const s = v.toFixed(decimals);
  return s.replace(/(\.\d\d\d*?)0+$/, '$1');
}

/** Two numbers with enough decimals that different values never print the same ("0.9 < min 0.9" helps nobody). */
function formatPair(a: number, b: number): [string, string] {
  let d = 3;
  while (a !== b && d < 12 && formatNumber(a, d) === formatNumber(b, d)) d++;
  return [formatNumber(a, d), formatNumber(b, d)];
}
