/**
 * The blessing decision: does a candidate pass its gates, its fairness limits and beat the champion?
 * Every check is typed (metric, value, limit, passed) with the sentence a person reads, so a refused model
 * says exactly why and no reader has to parse text.
 * Undefined values (NaN, or null after JSON) fail: a gate that cannot be checked must not pass.
 */
import { higherIsBetter, type MetricName, type Metrics } from '../ml/metrics';
import type { Check } from '../contract/types';
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
  /** Every check, in order: gates, fairness limits, the champion rule (renderCheck turns one into text). */
  checks: Check[];
}

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
  const checks: Check[] = [];
  // The primary metric is what approvers and the champion rule compare: a candidate without one is never
  // blessed, gates or not (a test split with one class has no ROC-AUC).
  const primaryName = spec.primaryMetric ?? defaultPrimaryMetric(cand.metrics);
  const primary = valueOf(cand.metrics, primaryName);
  const gated = (spec.gates ?? []).some((g) => g.metric === primaryName);
  if ('missing' in primary && !gated) {
    checks.push({ kind: 'primary', metric: primaryName, value: null, limit: null, op: null, passed: false, message: `${primary.missing}: not blessed` });
  }
  for (const gate of spec.gates ?? []) checks.push(...checkGate(cand.metrics, gate.metric, gate.min, gate.max));
  if (spec.fairness) checks.push(...checkFairness(cand, spec.fairness));
  if (spec.champion) {
    checks.push(checkChampion(cand.metrics, champion ? asSubject(champion).metrics : null, primaryName, spec.champion.mustBeatBy ?? 0));
  }
  if (checks.length === 0) {
    return { blessed: true, checks: [{ kind: 'note', metric: primaryName, value: null, limit: null, op: null, passed: true, message: 'no gates, fairness limits or champion rule configured' }] };
  }
  return { blessed: checks.every((c) => c.passed), checks };
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

function checkGate(metrics: Metrics, name: MetricName, min?: number, max?: number): Check[] {
  const got = valueOf(metrics, name);
  const gate = (limit: number, op: '>=' | '<='): Omit<Check, 'value' | 'passed' | 'message'> => ({ kind: 'threshold', metric: name, limit, op });
  if ('missing' in got) {
    // One failed check for the metric, held to the bound it could not be compared with.
    return [{ ...gate((min ?? max)!, min !== undefined ? '>=' : '<='), value: null, passed: false, message: got.missing }];
  }
  const v = got.value;
  const out: Check[] = [];
  if (min !== undefined) {
    const [a, b] = formatPair(v, min);
    const passed = v >= min;
    out.push({ ...gate(min, '>='), value: v, passed, message: passed ? `${name} ${a} ≥ min ${b}` : `${name} ${a} < min ${b}` });
  }
  if (max !== undefined) {
    const [a, b] = formatPair(v, max);
    const passed = v <= max;
    out.push({ ...gate(max, '<='), value: v, passed, message: passed ? `${name} ${a} ≤ max ${b}` : `${name} ${a} > max ${b}` });
  }
  return out;
}

function checkFairness(cand: GateSubject, limits: NonNullable<EvaluationSpec['fairness']>): Check[] {
  const rules: Array<{ limit: number | undefined; metric: string; label: string; pick: (g: FairnessGap) => number; who: (g: FairnessGap) => FairnessGap['demographicParity'] }> = [
    { limit: limits.maxDemographicParityDiff, metric: 'demographic_parity_diff', label: 'demographic parity difference', pick: (g) => g.demographicParityDiff, who: (g) => g.demographicParity },
    { limit: limits.maxEqualOpportunityDiff, metric: 'equal_opportunity_diff', label: 'equal opportunity difference', pick: (g) => g.equalOpportunityDiff, who: (g) => g.equalOpportunity },
  ];
  const active = rules.filter((r) => r.limit !== undefined);
  if (active.length === 0) return [];
  if (!cand.fairness || cand.fairness.length === 0) {
    return [
      {
        kind: 'fairness',
        metric: active[0].metric,
        value: null,
        limit: active[0].limit!,
        op: '<=',
        passed: false,
        message: 'fairness limits are set but no slice fairness was computed; list columns in evaluation.slices',
      },
    ];
  }
  const out: Check[] = [];
  for (const { column, gap } of cand.fairness) {
    for (const rule of active) {
      const limit = rule.limit!;
      const v = gap ? rule.pick(gap) : NaN;
      const base = { kind: 'fairness' as const, metric: rule.metric, limit, op: '<=' as const, column };
      if (!gap || typeof v !== 'number' || Number.isNaN(v)) {
        const why = gap ? 'fewer than 2 slices are large enough (or contain positives) to compare' : 'it is only defined for binary classification';
        out.push({ ...base, value: null, passed: false, message: `${rule.label} on "${column}" cannot be computed: ${why}` });
        continue;
      }
      const [a, b] = formatPair(v, limit);
      const extremes = rule.who(gap);
      const between = extremes ? ` between "${extremes.highest}" and "${extremes.lowest}"` : '';
      const passed = v <= limit;
      out.push({ ...base, value: v, passed, message: `${rule.label} on "${column}" ${a} ${passed ? '≤' : '>'} max ${b}${between}` });
    }
  }
  return out;
}

/**
 * The champion rule as a threshold: the candidate's value against the champion's moved by the margin it must
 * beat it by (up for a score, down for a loss).
 */
function checkChampion(cand: Metrics, champ: Metrics | null, name: MetricName, mustBeatBy: number): Check {
  const higher = higherIsBetter(name);
  const op: Check['op'] = higher ? '>=' : '<=';
  const c = valueOf(cand, name);
  const value = 'missing' in c ? null : c.value;
  const base = { kind: 'champion' as const, metric: name, value, op };
  if (!champ) return { ...base, limit: null, passed: true, message: `no champion yet: nothing to beat on ${name}` };
  if ('missing' in c) return { ...base, limit: null, passed: false, message: `cannot compare with champion: ${c.missing}` };
  const h = valueOf(champ, name);
  if ('missing' in h) return { ...base, limit: null, passed: true, message: `champion has no usable ${name} (${h.missing}); nothing to beat` };
  const gain = higher ? c.value - h.value : h.value - c.value;
  const limit = higher ? h.value + mustBeatBy : h.value - mustBeatBy;
  const [a, b] = formatPair(c.value, h.value);
  const margin = formatNumber(mustBeatBy);
  const head = `candidate ${name} ${a} vs champion ${b}`;
  if (gain + EPS >= mustBeatBy) return { ...base, limit, passed: true, message: `${head}: beats champion by ${formatNumber(gain)} (needs ${margin})` };
  return { ...base, limit, passed: false, message: `${head}: does not beat champion by ${margin}` };
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
