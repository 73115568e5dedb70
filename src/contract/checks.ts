/**
 * Checks (gates, champion rule, fairness limits, post-deploy verification) as text, for the places a person
 * reads them: the CLI, the report, the memo in the Web UI, notifications, a run's recorded error.
 * Deterministic and free of Node APIs: workflows use it too.
 */
import type { Check } from './types';

export const PASS_MARK = '✓';
export const FAIL_MARK = '✗';

/** "auc 0.91 ≥ min 0.80 ✓"; a note has no mark, it decides nothing. */
export function renderCheck(c: Check): string {
  if (c.kind === 'note') return c.message;
  return `${c.message} ${c.passed ? PASS_MARK : FAIL_MARK}`;
}

export function renderChecks(checks: readonly Check[]): string[] {
  return checks.map(renderCheck);
}

/** What a check counts as in a verdict: a note counts as neither pass nor fail, so it never blocks. */
export function failed(c: Check): boolean {
  return c.kind !== 'note' && !c.passed;
}

/**
 * The failed checks of a result, as text. Results recorded before typed checks carry only their rendered
 * reasons, where a failure ends with ✗; the two give the same text for the same checks.
 */
export function failedReasons(r: { reasons?: readonly string[]; checks?: readonly Check[] }): string[] {
  if (r.checks) return r.checks.filter(failed).map(renderCheck);
  return (r.reasons ?? []).filter((x) => x.trimEnd().endsWith(FAIL_MARK));
}

/**
 * Why an evaluation has no value for its primary metric ("roc_auc undefined (the test split has only one
 * class…)"), or undefined when it has one or no check says why.
 */
export function primaryMetricProblem(r: { primaryMetric: string; metrics: Record<string, number>; reasons?: readonly string[]; checks?: readonly Check[] }): string | undefined {
  if (r.metrics[r.primaryMetric] !== undefined) return undefined;
  if (r.checks) return r.checks.find((c) => c.metric === r.primaryMetric && c.value === null && failed(c))?.message;
  const legacy = (r.reasons ?? []).find((x) => x.startsWith(`${r.primaryMetric} undefined`));
  return legacy?.replace(new RegExp(` ${FAIL_MARK}$`), '');
}
